public import Foundation
public import SQLKit
import PartaDomain
import PostgresNIO
import SQLiteNIO
import Synchronization

/// Which SQL engine a store runs on; SQL differs only where this is consulted.
public enum SQLEngine: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// The store: narrow query methods per concern (`Store+Accounts.swift`, …) over one
/// `SQLDatabase` — a connection, or a transaction when obtained from `Database.write`.
/// Every value is bound with `\(bind:)`, never interpolated.
public struct Store: Sendable {
    public let sql: any SQLDatabase
    public let engine: SQLEngine

    /// The chats this transaction appended events to, announced once it commits.
    let touchedChats: TouchedChats?

    public init(sql: any SQLDatabase, engine: SQLEngine) {
        self.sql = sql
        self.engine = engine
        self.touchedChats = nil
    }

    init(sql: any SQLDatabase, engine: SQLEngine, touchedChats: TouchedChats) {
        self.sql = sql
        self.engine = engine
        self.touchedChats = touchedChats
    }

    /// Serializes concurrent writers that touch the same `key` until the transaction ends.
    /// SQLite has one writer at a time already; PostgreSQL takes a transaction-scoped advisory lock.
    /// Advisory locks belong to the whole database, so the key is qualified by the schema: two
    /// deployments (or two tests) sharing a database in different schemas never wait on each other.
    public func lock(_ key: String) async throws {
        guard engine == .postgres else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/' || \(bind: key)))").run()
    }

    /// A bound `(…)` list of identifiers, for `IN`.
    static func ids<T>(_ ids: some Collection<Identifier<T>>) -> SQLGroupExpression {
        SQLGroupExpression(ids.map { SQLBind($0.rawValue) })
    }

    /// `true` when `error` is a unique-constraint violation, on either engine.
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError {
            return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
                || (error.reason == .constraint && error.message.contains("UNIQUE"))
        }
        if let error = error as? PSQLError {
            return error.serverInfo?[.sqlState] == "23505"
        }
        return false
    }

    /// What went wrong with the database, for logs and test failures, without personal data:
    /// PostgreSQL's SQLSTATE, constraint, table and the statement (its values are binds, left
    /// out); never the server's message or detail, which may quote the values.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            var parts = ["PostgreSQL \(error.code)"]
            if let info = error.serverInfo {
                let fields: [(String, PSQLError.ServerInfo.Field)] = [
                    ("sqlstate", .sqlState), ("constraint", .constraintName), ("table", .tableName), ("routine", .routine),
                ]
                for (name, field) in fields { if let value = info[field] { parts.append("\(name)=\(value)") } }
            }
            if let query = error.query { parts.append("statement: \(query.sql.prefix(300))") }
            return parts.joined(separator: " ")
        }
        if let error = error as? SQLiteError {
            // SQLite names the constraint and column, never the value.
            return "SQLite \(error.reason): \(error.message)"
        }
        return String(reflecting: error)
    }
}

/// What one transaction appended to a chat's event log: the first new sequence number, and
/// whether membership may have changed (the live hub then looks at who is in the chat).
public struct ChatTouch: Sendable, Equatable {
    public var firstSeq: Int64
    public var membership: Bool

    public init(firstSeq: Int64, membership: Bool) {
        self.firstSeq = firstSeq
        self.membership = membership
    }

    public func merged(with other: ChatTouch) -> ChatTouch {
        ChatTouch(firstSeq: min(firstSeq, other.firstSeq), membership: membership || other.membership)
    }
}

/// Chats with new events in one transaction.
final class TouchedChats: Sendable {
    let chats = Mutex([ChatID: ChatTouch]())

    func insert(_ chat: ChatID, _ touch: ChatTouch) {
        chats.withLock { chats in chats[chat] = chats[chat].map { $0.merged(with: touch) } ?? touch }
    }
}

/// A database error with `Store.describe` as its description (tests rethrow these, so a failure
/// says what the database refused).
public struct DescribedDatabaseError: Error, CustomStringConvertible {
    public let description: String

    public init(_ error: any Error) {
        description = Store.describe(error)
    }
}

extension Date {
    /// Milliseconds since 1970: how every timestamp is stored, the same on both engines.
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    public init(millis: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }
}

extension SQLRow {
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func int(_ column: String) throws -> Int { Int(try decode(column: column, as: Int64.self)) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func date(_ column: String) throws -> Date { Date(millis: try int64(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt64(column).map(Date.init(millis:)) }
    func bool(_ column: String) throws -> Bool {
        // SQLite keeps booleans as integers; PostgreSQL has a real boolean type.
        if let value = try? decode(column: column, as: Bool.self) { return value }
        return try int64(column) != 0
    }
    func id<T>(_ column: String, as: Identifier<T>.Type = Identifier<T>.self) throws -> Identifier<T> {
        Identifier<T>(try int64(column))
    }
    func optionalID<T>(_ column: String, as: Identifier<T>.Type = Identifier<T>.self) throws -> Identifier<T>? {
        try optionalInt64(column).map { Identifier<T>($0) }
    }
}

/// Errors the store raises for conditions that are not the client's fault.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database was migrated by a newer Parta; this binary must not touch it.
    case schemaNewer(database: Int, binary: Int)
    /// The database lacks migrations and automatic migration is off.
    case schemaOutdated(database: Int, binary: Int)
    case invalidDatabaseURL(String)
    case sqliteNotWAL(String)
    /// A row the transaction relies on is gone (a bug, or a concurrent deletion without a lock).
    case missingRow(String)

    public var description: String {
        switch self {
        case .schemaNewer(let database, let binary):
            "The database schema is version \(database), newer than this parta binary understands (\(binary)). Run a parta release at least as new as the one that migrated it."
        case .schemaOutdated(let database, let binary):
            "The database schema is version \(database) but this parta binary needs \(binary). Run `parta migrate` first."
        case .invalidDatabaseURL(let why):
            "PARTA_DATABASE_URL is not usable: \(why)"
        case .sqliteNotWAL(let mode):
            "SQLite refused write-ahead logging (journal_mode is \(mode)); the data directory must be on a local file system."
        case .missingRow(let what):
            "Expected \(what) in the database, and it is not there."
        }
    }
}
