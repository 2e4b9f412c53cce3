import Foundation
public import Logging
public import PartaStore
import PostgresNIO
import SQLKit

/// The engines a database test runs on: SQLite always; PostgreSQL too when
/// `PARTA_TEST_DATABASE_URL` names a local server (`scripts/test` starts a throwaway one).
/// With `PARTA_TEST_REQUIRE_POSTGRES=1` a missing URL is an error, so CI cannot silently skip it.
public enum TestEngine: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static var all: [TestEngine] {
        let env = ProcessInfo.processInfo.environment
        if env["PARTA_TEST_DATABASE_URL"]?.isEmpty == false { return [.sqlite, .postgres] }
        if env["PARTA_TEST_REQUIRE_POSTGRES"] == "1" {
            fatalError("PARTA_TEST_REQUIRE_POSTGRES=1 but PARTA_TEST_DATABASE_URL is not set")
        }
        return [.sqlite]
    }

    static var postgresURL: String {
        let url = ProcessInfo.processInfo.environment["PARTA_TEST_DATABASE_URL"] ?? ""
        let host = PostgresURL.host(of: url) ?? ""
        precondition(["127.0.0.1", "localhost", "::1", "[::1]"].contains(host),
                     "PARTA_TEST_DATABASE_URL must point at a local throwaway server, not \(host)")
        return url
    }
}

public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "parta.test")
        logger.logLevel = ProcessInfo.processInfo.environment["PARTA_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    /// A fresh, empty database on `engine` (a temporary directory, or a new PostgreSQL schema),
    /// running for the duration of `body` and removed afterwards. Not migrated.
    public static func withEmpty<T: Sendable>(
        _ engine: TestEngine, _ body: (Database) async throws -> T
    ) async throws -> T {
        switch engine {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("parta-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try await Database.openSQLite(directory: directory.path, synchronous: "OFF", logger: logger)
            return try await database.withRunning { try await body(database) }
        case .postgres:
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try Database.openPostgres(url: TestEngine.postgresURL, poolSize: 1, logger: logger)
            try await admin.withRunning {
                try await admin.write { try await $0.sql.raw("CREATE SCHEMA \(ident: String(schema))").run() }
            }
            let database = try Database.openPostgres(
                url: TestEngine.postgresURL, poolSize: 8, searchPath: String(schema), logger: logger)
            do {
                let result = try await database.withRunning { try await body(database) }
                try await dropSchema(String(schema))
                return result
            } catch {
                try? await dropSchema(String(schema))
                // PostgresNIO's errors print as a generic sentence; say what the server refused.
                if error is PSQLError { throw DescribedDatabaseError(error) }
                throw error
            }
        }
    }

    static func dropSchema(_ schema: String) async throws {
        let admin = try Database.openPostgres(url: TestEngine.postgresURL, poolSize: 1, logger: logger)
        try await admin.withRunning {
            try await admin.write { try await $0.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }

    /// A fresh database on `engine`, migrated to the latest schema.
    public static func withMigrated<T: Sendable>(
        _ engine: TestEngine, _ body: (Database) async throws -> T
    ) async throws -> T {
        try await withEmpty(engine) { database in
            _ = try await Migrator().migrate(database, logger: logger)
            return try await body(database)
        }
    }
}
