import ArgumentParser
import Foundation
import Logging
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore

/// Where the data is: shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory for SQLite and attachments (env PARTA_DATA_DIR, default ./parta-data).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "postgres://user:password@host:5432/db to use PostgreSQL (env PARTA_DATABASE_URL).")
    var databaseURL: String?

    /// The configuration from the environment with these flags on top.
    func serverConfig() throws -> ServerConfig {
        var config: ServerConfig
        do {
            config = try ServerConfig.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch let problem as ServerConfig.Problem {
            throw ValidationError(problem.description)
        }
        if let dataDirectory { config.dataDirectory = dataDirectory }
        if let databaseURL { config.databaseURL = databaseURL }
        return config
    }
}

/// Logging for commands: human-readable text or JSON lines on standard error.
enum LogSetup {
    static func bootstrap(level: Logger.Level, format: ServerConfig.LogFormat) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}

/// How command-line actions appear in the audit log: `cli:<user>@<host>`.
func commandLineCaller() -> Caller {
    let environment = ProcessInfo.processInfo.environment
    let user = environment["SUDO_USER"] ?? environment["USER"] ?? "uid\(getuid())"
    return .system("cli:\(user)@\(ProcessInfo.processInfo.hostName)")
}

/// Whatever the command writes — the SQLite files, attachments, uploads in progress — is readable
/// by its own user only (personal data of minors), whatever the shell's umask.
func ownerOnlyFiles() {
    umask(0o077)
}

/// Opens the database, migrates it, runs `body` with a `Parta` whose SMS sender logs, then closes.
func withParta<T: Sendable>(
    _ options: DatabaseOptions, logLevel: Logger.Level = .warning, _ body: (Parta) async throws -> T
) async throws -> T {
    ownerOnlyFiles()
    let config = try PartaServer.withSealingKeys(try options.serverConfig())
    LogSetup.bootstrap(level: logLevel, format: config.logFormat)
    let logger = Logger(label: "parta")
    let database = try await PartaServer.openDatabase(config, logger: logger)
    return try await runReportingErrors {
        try await database.withRunning {
            _ = try await Migrator().migrate(database, logger: logger)
            let parta = Parta(database: database, sms: LogSMSSender(logger: logger, inbox: nil), config: config.app, logger: logger)
            return try await body(parta)
        }
    }
}

/// Prints domain and store errors as one clear line and exits non-zero, instead of a stack dump.
func runReportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as PartaError {
        if case .problems(let problems)? = error.details["problems"] {
            printError("nothing was imported; fix these and try again:")
            for problem in problems { FileHandle.standardError.write(Data("  \(problem)\n".utf8)) }
        } else {
            printError(error.message)
        }
        throw ExitCode(2)
    } catch let error as StoreError {
        printError(error.description)
        throw ExitCode(3)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Text columns padded to their widest cell, for listings.
func table(_ rows: [[String]]) -> String {
    guard let first = rows.first else { return "" }
    var widths = Array(repeating: 0, count: first.count)
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    return rows.map { row in
        row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
