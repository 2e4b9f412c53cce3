import ArgumentParser
import Foundation
import PartaApp
import PartaDomain

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create the demo region, municipality and school with named people (safe to run again).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let seeded = try await withParta(database) { parta in
            try await DemoSchool.seed(parta, caller: commandLineCaller())
        }
        let organization = seeded.organization.summary
        print("Demo school ready: \(organization.organization.profile.shortName)")
        print("  \(organization.region.name) → \(organization.municipality.name)")
        print("  community id \(organization.organization.communityID)")
        print("")
        print("Sign in as any of these people (start the server with `parta serve --demo`;")
        print("the one-time code appears at http://127.0.0.1:8080/dev/codes):")
        print(table([["phone", "name", "role"]] + seeded.people.map { [PhoneNumber(e164: $0.phone).formatted, $0.name, $0.role] }))
    }
}
