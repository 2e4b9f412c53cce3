import ArgumentParser
import Foundation
import PartaApp
import PartaDomain
import PartaStore

struct ChatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chats",
        abstract: "The organization's chats: initialize them from the roster, list them.",
        subcommands: [Initialize.self, List.self])

    struct Initialize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the missing roster chats and bring existing ones to the roster; hand-made changes stay.")
        @OptionGroup var options: RosterOptions
        @Option(name: .customLong("type"), help: "staff_room, class, parents or subject (repeat; default: all four).")
        var types: [String] = []
        @Flag(help: "Report what would change without changing it.") var dryRun = false

        func run() async throws {
            let kinds = try types.isEmpty ? ChatKind.rosterKinds : types.map { raw throws(PartaError) in try ChatKind.parse(raw) }
            let dryRun = dryRun
            let report = try await options.run { p, org, caller in
                try await p.initializeChats(caller, organization: org, kinds: kinds, dryRun: dryRun)
            }
            print(dryRun ? "Would change (dry run):" : "Changed:")
            print("type         chats  renamed  +members  -members  admins")
            for kind in ChatKind.rosterKinds {
                guard let c = report.byKind[kind] else { continue }
                print(kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + String(format: " %6d  %7d  %8d  %8d  %6d", c.chatsCreated, c.chatsRenamed, c.membersAdded, c.membersRemoved, c.adminChanges))
            }
            let t = report.total
            print("total: \(t.chatsCreated) chats created, \(t.membersAdded) members added, \(t.membersRemoved) removed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List chats by name: number, name, type, members, school year, class, admins.")
        @OptionGroup var options: RosterOptions
        @Option(name: .customLong("type"), help: "Only this type (repeat).") var types: [String] = []
        @Option(help: "Words of the chat's name.") var name: String?
        @Option(help: "A member's surname.") var member: String?
        @Option var page = 1
        @Option var perPage = 50

        func run() async throws {
            let kinds = try types.map { raw throws(PartaError) in try ChatKind.parse(raw) }
            let query = ChatListQuery(kinds: kinds, name: name, memberSurname: member)
            let page = try PageRequest.check(page: page, perPage: perPage)
            let found = try await options.run { p, org, caller in
                try await p.listChats(caller, organization: org, query: query, page: page)
            }
            for (index, s) in found.items.enumerated() {
                let admins = s.admins.map(\.name.short).joined(separator: ", ")
                print("\(page.offset + index + 1)\t\(s.chat.name)\t\(s.chat.kind.rawValue)\t\(s.memberCount)\t\(s.schoolYearName ?? "-")\t\(s.className ?? "-")\t\(admins)")
            }
            print("\(found.total) chats")
        }
    }
}
