import ArgumentParser
import Foundation
import PartaApp
import PartaDomain

struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator", abstract: "Platform operators (the support desk).", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a person an operator (the first one is created here).")
        @Option(help: "Full name, surname first.") var name: String
        @Option(help: "Mobile phone to sign in with.") var phone: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let member = try await withParta(database) { parta in
                try await runReportingErrors { try await parta.addOperator(commandLineCaller(), name: name, phone: phone) }
            }
            print("operator: \(member.account.name.full), \(member.account.phone.formatted) (account \(member.account.id))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let members = try await withParta(database) { parta in
                try await runReportingErrors { try await parta.platformMembers(commandLineCaller(), kinds: [.operator]) }
            }
            print(table([["account", "name", "phone"]] + members.map { ["\($0.account.id)", $0.account.name.full, $0.account.phone.formatted] }))
        }
    }
}

struct OfficerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "officer", abstract: "Municipal and regional officers, who read statistics.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a person a municipal or regional officer.")
        @Option(help: "Full name, surname first.") var name: String
        @Option(help: "Mobile phone to sign in with.") var phone: String
        @Option(help: "Municipality number (a municipal officer).") var municipalityId: Int64?
        @Option(help: "Region number (a regional officer).") var regionId: Int64?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (municipalityId == nil) != (regionId == nil) else {
                throw ValidationError("Give exactly one of --municipality-id or --region-id.")
            }
        }

        func run() async throws {
            let scope: OfficerScope = municipalityId.map { .municipality(MunicipalityID($0)) } ?? .region(RegionID(regionId!))
            let member = try await withParta(database) { parta in
                try await runReportingErrors { try await parta.addOfficer(commandLineCaller(), name: name, phone: phone, scope: scope) }
            }
            print("\(member.role.role.kind.rawValue) of \(member.role.scopeName ?? "?"): \(member.account.name.full) (account \(member.account.id))")
        }
    }
}
