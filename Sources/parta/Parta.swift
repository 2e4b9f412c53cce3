import ArgumentParser
import Foundation
import Logging

@main
struct PartaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parta",
        abstract: "Parta: the school's own messenger, with chats that follow the school roster.",
        discussion: """
            Run `parta serve` to start the server (SQLite in ./parta-data unless PARTA_DATABASE_URL is set),
            `parta demo` to create a demo school. Every option can also be given as a PARTA_* environment
            variable; see `parta serve --help` and docs/operations.md.
            """,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, DemoCommand.self, OrgCommand.self, OperatorCommand.self,
            OfficerCommand.self, RosterCommand.self, InviteCommand.self, ChatsCommand.self, StatsCommand.self,
        ]
    )
}
