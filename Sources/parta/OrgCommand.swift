import ArgumentParser
import Foundation
import PartaApp
import PartaDomain

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Register and look after organizations (acts as the platform operator).",
        subcommands: [Register.self, SetAdmin.self, RemoveMember.self, List.self, Show.self])

    /// An organization named by its number or community id.
    static func resolve(_ parta: Parta, _ reference: String) async throws -> OrganizationDetails {
        if let id = OrganizationID(string: reference) {
            return try await parta.organization(commandLineCaller(), id)
        }
        guard let communityID = CommunityID(parsing: reference) else {
            throw ValidationError("--org takes an organization number or a community id such as PRT-7K3F-9QX2.")
        }
        return try await parta.organization(commandLineCaller(), communityID: communityID)
    }

    static func describe(_ details: OrganizationDetails) -> String {
        let o = details.summary.organization
        var lines = [
            "\(o.id)  \(o.profile.shortName)  [\(o.communityID)]",
            "  \(o.profile.fullName)",
            "  \(details.summary.region.name) → \(details.summary.municipality.name); kind \(o.profile.kind.rawValue); time zone \(o.profile.timeZone)",
        ]
        if !o.profile.address.isEmpty { lines.append("  address: \(o.profile.address)") }
        if let admins = details.administrators {
            lines.append("  administrators: " + (admins.isEmpty ? "none" : admins.map { "\($0.name.full) (account \($0.accountID))" }.joined(separator: ", ")))
        }
        if let teachers = details.teacherCount { lines.append("  verified teachers: \(teachers)") }
        if let activity = details.activity {
            lines.append(activity.isActive
                ? "  active: yes"
                : "  active: no — missing: " + activity.missing.map(\.rawValue).joined(separator: ", "))
        }
        if let missing = details.privateInfo?.missingProfileFields, !missing.isEmpty {
            lines.append("  profile incomplete: \(missing.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an organization with its administrator.")

        @Option(help: "Region, e.g. «Тверская область» (created if new).") var region: String
        @Option(help: "Municipality, e.g. «г. Тверь» (created if new).") var municipality: String
        @Option(help: "Full name of the organization.") var name: String
        @Option(help: "Short name (defaults to the full name).") var shortName: String?
        @Option(help: "school, college, kindergarten or additional_education.") var kind: String = "school"
        @Option(help: "Postal address.") var address: String = ""
        @Option(help: "Time zone, e.g. Europe/Moscow.") var timeZone: String = OrganizationProfile.defaultTimeZone
        @Option(help: "Administrator's full name, surname first.") var adminName: String
        @Option(help: "Administrator's mobile phone.") var adminPhone: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let details = try await withParta(database) { parta in
                try await runReportingErrors {
                    try await parta.registerOrganization(
                        commandLineCaller(),
                        OrganizationRegistration(
                            region: region, municipality: municipality,
                            profile: OrganizationProfile(
                                kind: try OrganizationKind.parse(kind), fullName: name, shortName: shortName ?? "",
                                address: address, timeZone: timeZone),
                            administratorName: adminName, administratorPhone: adminPhone))
                }
            }
            print("registered:")
            print(OrgCommand.describe(details))
        }
    }

    struct SetAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-admin", abstract: "Appoint an organization's administrator, replacing the others unless --keep-others.")

        @Option(help: "Organization number or community id.") var org: String
        @Option(help: "Administrator's full name, surname first.") var adminName: String
        @Option(help: "Administrator's mobile phone.") var adminPhone: String
        @Flag(help: "Keep the current administrators as well.") var keepOthers = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let admins = try await withParta(database) { parta in
                try await runReportingErrors {
                    let organization = try await OrgCommand.resolve(parta, org)
                    return try await parta.setAdministrator(
                        commandLineCaller(), organization: organization.summary.organization.id, name: adminName,
                        phone: adminPhone, replaceOthers: !keepOthers)
                }
            }
            print("administrators now: " + admins.map { "\($0.name.full) (account \($0.accountID))" }.joined(separator: ", "))
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member",
            abstract: "Remove someone from an organization: one role, or every role. They lose its chats and rights at once.")

        @Option(help: "Organization number or community id.") var org: String
        @Option(help: "The member's mobile phone.") var phone: String
        @Option(help: "Only this role: administrator, teacher, employee, student or parent.") var role: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withParta(database) { parta in
                try await runReportingErrors {
                    let organization = try await OrgCommand.resolve(parta, org)
                    let role = try role.map { raw throws(PartaError) in try OrganizationRole.parse(raw) }
                    let account = try await parta.account(phone: phone)
                    try await parta.removeMember(
                        commandLineCaller(), organization: organization.summary.organization.id, account: account.id, role: role)
                }
            }
            print("removed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organizations, optionally filtered by name words.")

        @Option(help: "Words of the name (case and ё do not matter).") var query: String = ""
        @Option(help: "Page number.") var page: Int = 1
        @Option(help: "Page size: 10, 20, 50 or 100.") var perPage: Int = 50
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let found = try await withParta(database) { parta in
                try await runReportingErrors {
                    try await parta.searchOrganizations(
                        query: query, region: nil, municipality: nil, page: try PageRequest.check(page: page, perPage: perPage))
                }
            }
            guard !found.items.isEmpty else {
                print("no organizations" + (query.isEmpty ? "" : " match «\(query)»"))
                return
            }
            print(table([["id", "community id", "short name", "municipality", "region"]] + found.items.map {
                ["\($0.organization.id)", $0.organization.communityID.value, $0.organization.profile.shortName, $0.municipality.name, $0.region.name]
            }))
            let pages = (found.total + found.perPage - 1) / found.perPage
            print("page \(found.page) of \(pages), \(found.total) organizations")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one organization.")

        @Argument(help: "Organization number or community id.") var org: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let details = try await withParta(database) { parta in
                try await runReportingErrors { try await OrgCommand.resolve(parta, org) }
            }
            print(OrgCommand.describe(details))
        }
    }
}
