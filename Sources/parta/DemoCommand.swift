import ArgumentParser
import Foundation
import PartaApp
import PartaDomain

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create the demo region, municipality and school with named people (safe to run again).")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Also fill the school with a generated roster of this many students (200 to 3000 is realistic).")
    var students: Int?

    func validate() throws {
        if let students, !(1...20_000).contains(students) { throw ValidationError("--students is from 1 to 20000.") }
    }

    func run() async throws {
        ownerOnlyFiles()
        let students = self.students
        let seeded = try await withParta(database) { parta in
            let seeded = try await DemoSchool.seed(parta, caller: commandLineCaller())
            if let students {
                let (report, summary) = try await runReportingErrors {
                    try await DemoSchool.populate(
                        parta, caller: commandLineCaller(), organization: seeded.organization.summary.organization.id,
                        students: students, progress: RosterCommand.progress())
                }
                print("generated roster: \(summary.students) students, \(summary.parents) parents, \(summary.teachers) teachers, "
                    + "\(summary.homeroomClasses) classes, \(summary.scheduledClasses) scheduled classes"
                    + (report.isEmpty ? " (already there)" : ""))
                let lessons = try await runReportingErrors {
                    try await DemoSchool.timetable(parta, caller: commandLineCaller(), organization: seeded.organization.summary.organization.id)
                }
                print("timetable: \(lessons.counts["lessons_created", default: 0]) lessons added for this week and the next")
            }
            return seeded
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
