import ArgumentParser
import Foundation
import PartaApp
import PartaDomain
import PartaQR

struct InviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Invite links for joining an organization: create (with a QR code), list, revoke.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an invite; its link is shown now, also as a QR code in the terminal (the console shows it again).")
        @OptionGroup var options: RosterOptions
        @Option(help: "teacher, employee, student or parent.") var role: String
        @Option(name: .customLong("class"), help: "For students and parents: the class, e.g. 10А (the newest school year's).")
        var className: String?
        @Option(help: "Days the invite stays valid (up to 90).") var days: Int = 7
        @Option(help: "How many people may use it (default: one for staff, unlimited for classes).") var maxUses: Int?
        @Flag(help: "Any number of people may use it.") var unlimited = false
        @Option(help: "A note for the list, e.g. «Родители 10А».") var note: String?
        @Option(help: "The address people open, e.g. https://school.example.ru (env PARTA_PUBLIC_URL).") var publicURL: String?
        @Option(help: "Write the QR code as PNG here.") var png: String?
        @Option(help: "Write the QR code as SVG here.") var svg: String?

        func validate() throws {
            if unlimited, maxUses != nil { throw ValidationError("Give either --max-uses or --unlimited.") }
        }

        func run() async throws {
            let role = try RosterRole.parse(role)
            let limit: InviteUseLimit = unlimited ? .unlimited : maxUses.map(InviteUseLimit.limited) ?? .default
            let (className, days, note) = (className, days, note)
            let issued = try await options.run { p, org, caller in
                var classID: ClassID?
                if let className {
                    let label = try ClassLabel.parse(className)
                    let matching = try await p.classes(caller, organization: org).filter { $0.schoolClass.label == label }
                    guard let newest = matching.max(by: { $0.schoolYear.startDate < $1.schoolYear.startDate }) else {
                        throw PartaError.notFound("Class \(label)")
                    }
                    classID = newest.schoolClass.id
                }
                return try await p.createInvite(
                    caller, organization: org, role: role, classID: classID,
                    expiresAt: p.clock.now().addingTimeInterval(TimeInterval(days) * 86_400), useLimit: limit, note: note)
            }
            let url = issued.url(base: publicURL ?? ProcessInfo.processInfo.environment["PARTA_PUBLIC_URL"] ?? "http://127.0.0.1:8080")
            let qr = try QRCode(url)
            if let png { try Data(qr.png()).write(to: URL(fileURLWithPath: png)) }
            if let svg { try qr.svg().write(toFile: svg, atomically: true, encoding: .utf8) }
            print(qr.terminalText())
            print(url)
            print("invite \(issued.view.invite.id): \(Self.describe(issued.view))")
        }

        static func describe(_ view: InviteView) -> String {
            let i = view.invite
            var parts = [i.role.rawValue]
            if let name = view.className { parts.append(name) }
            parts.append("used \(i.useCount)" + (i.maxUses.map { " of \($0)" } ?? ", unlimited"))
            parts.append("until \(ISO8601DateFormatter().string(from: i.expiresAt))")
            parts.append(view.status.rawValue)
            if !i.note.isEmpty { parts.append("«\(i.note)»") }
            return parts.joined(separator: "; ")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List invites, newest first, with their use counts.")
        @OptionGroup var options: RosterOptions
        @Flag(help: "Only invites still usable.") var usable = false
        @Option(help: "Page number.") var page: Int = 1

        func run() async throws {
            let (usable, page) = (usable, page)
            let found = try await options.run { p, org, caller in
                try await p.invites(caller, organization: org, usableOnly: usable, page: try PageRequest.check(page: page, perPage: 100))
            }
            for view in found.items { print("\(view.invite.id)  \(Create.describe(view))") }
            print("\(found.total) invite(s)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one invite, or every unused one with --unused.")
        @OptionGroup var options: RosterOptions
        @Argument(help: "The invite's number.") var invite: Int64?
        @Flag(help: "Revoke every still-usable invite that nobody has used.") var unused = false

        func validate() throws {
            guard (invite == nil) != (unused == false) else {
                throw ValidationError("Name one invite, or give --unused.")
            }
        }

        func run() async throws {
            let (invite, unused) = (invite, unused)
            let message = try await options.run { p, org, caller in
                if unused { return "revoked \(try await p.revokeUnusedInvites(caller, organization: org)) unused invite(s)" }
                let view = try await p.revokeInvite(caller, organization: org, invite: InviteID(invite!))
                return "invite \(view.invite.id): \(Create.describe(view))"
            }
            print(message)
        }
    }
}
