import Foundation
public import Logging
import NIOCore
import NIOPosix
public import PostgresNIO
import PostgresKit
import SQLKit
import SQLiteKit
import SQLiteNIO
public import ServiceLifecycle
import Synchronization
public import PartaDomain

/// The database: SQLite in a data directory (the embedded default) or PostgreSQL (scale).
///
/// `read` lends a `Store` on a connection outside any transaction; `write` lends one inside a
/// transaction that commits when the closure returns and rolls back when it throws.
/// Run it as a service (`run()`) for the server's lifetime; on shutdown it closes cleanly.
public final class Database: Service, Sendable, CustomStringConvertible {
    public var description: String { "Database(\(engine))" }

    public let engine: SQLEngine
    private let backend: Backend
    private let logger: Logger
    private let counters = Mutex(Counters())
    private let chatListeners = Mutex<[@Sendable ([ChatID: ChatTouch]) -> Void]>([])
    /// Names this process in its PostgreSQL notifications, so it skips its own.
    private let nodeID = String(UInt64.random(in: 0...UInt64.max), radix: 36)

    struct Counters {
        var inUse = 0
        var transactions = 0
        var rollbacks = 0
    }

    private enum Backend: Sendable {
        case sqlite(SQLiteBackend)
        case postgres(PostgresBackend)
    }

    private init(engine: SQLEngine, backend: Backend, logger: Logger) {
        self.engine = engine
        self.backend = backend
        self.logger = logger
    }

    // MARK: Opening

    /// Opens (creating if needed) `parta.sqlite` in `directory`, in WAL mode.
    public static func openSQLite(
        directory: String, readers: Int = 4, synchronous: String = "FULL", logger: Logger
    ) async throws -> Database {
        // Personal data of minors: the directory is readable by the server's user only — also one
        // an earlier version created open to others (what is inside is out of reach then too).
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } else {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("parta.sqlite").path
        let backend = try await SQLiteBackend.open(path: path, readers: readers, synchronous: synchronous, logger: logger)
        return Database(engine: .sqlite, backend: .sqlite(backend), logger: logger)
    }

    /// Prepares a PostgreSQL client for `url` (`postgres://user:pass@host:5432/db?sslmode=disable`).
    /// `searchPath` confines every connection to one schema (tests use a schema per test).
    public static func openPostgres(
        url: String, poolSize: Int = 20, searchPath: String? = nil, logger: Logger
    ) throws -> Database {
        var configuration = try PostgresURL.configuration(from: url)
        configuration.options.maximumConnections = poolSize
        if let searchPath {
            configuration.options.additionalStartupParameters.append(("search_path", searchPath))
        }
        // PostgresNIO logs queries at debug and trace; binds may hold personal data, so its
        // logger never goes below info whatever the server's level.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .info)
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        return Database(engine: .postgres, backend: .postgres(PostgresBackend(client: client, capacity: poolSize)), logger: quiet)
    }

    // MARK: Service

    /// Runs the connection pool until graceful shutdown, then closes every connection.
    public func run() async throws {
        switch backend {
        case .postgres(let pg):
            await cancelWhenGracefulShutdown {
                await pg.client.run()
            }
        case .sqlite(let sqlite):
            try? await gracefulShutdown()
            // Close even when the service group cancels us (a failed start): an unstructured task
            // does not inherit the cancellation, so the log is still checkpointed and closed.
            try await Task { try await sqlite.close() }.value
        }
    }

    /// Runs `body` with the pool running, then closes the database: for command-line tools and
    /// tests, which do not run the database as a service.
    public func withRunning<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite(let sqlite):
            do {
                let result = try await body()
                try await sqlite.close()
                return result
            } catch {
                try? await sqlite.close()
                throw error
            }
        case .postgres(let pg):
            let runner = Task { await pg.client.run() }
            defer { runner.cancel() }
            let result = try await body()
            runner.cancel()
            _ = await runner.value
            return result
        }
    }

    // MARK: Access

    /// Lends a store outside a transaction. Do not write through it.
    public func read<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: (Store) async throws -> T
    ) async throws -> T {
        lease(+1)
        defer { lease(-1) }
        switch backend {
        case .sqlite(let sqlite):
            return try await withConnection(from: sqlite.readers) { connection in
                try await body(Store(sql: connection.sql(queryLogLevel: nil), engine: .sqlite))
            }
        case .postgres(let pg):
            return try await pg.client.withConnection(isolation: isolation) { connection in
                try await body(Store(sql: connection.sql(queryLogLevel: nil), engine: .postgres))
            }
        }
    }

    /// Lends a store inside one transaction; commits on return, rolls back on a throw.
    public func write<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation, _ body: (Store) async throws -> T
    ) async throws -> T {
        lease(+1)
        defer { lease(-1) }
        let touched = TouchedChats()
        let result: T
        switch backend {
        case .sqlite(let sqlite):
            result = try await withConnection(from: sqlite.writer) { connection in
                try await transaction(
                    Store(sql: connection.sql(queryLogLevel: nil), engine: .sqlite, touchedChats: touched), begin: "BEGIN IMMEDIATE", body)
            }
        case .postgres(let pg):
            result = try await pg.client.withConnection(isolation: isolation) { connection in
                let store = Store(sql: connection.sql(queryLogLevel: nil), engine: .postgres, touchedChats: touched)
                return try await transaction(store, begin: "BEGIN") { store in
                    let result = try await body(store)
                    // Delivered by PostgreSQL at COMMIT, never for a rollback.
                    for payload in ChatNotification.payloads(node: nodeID, touched.chats.withLock { $0 }) {
                        try await store.sql.raw("SELECT pg_notify(\(bind: ChatNotification.channel), \(bind: payload))").run()
                    }
                    return result
                }
            }
        }
        let chats = touched.chats.withLock { $0 }
        if !chats.isEmpty { announce(chats) }
        return result
    }

    private func announce(_ chats: [ChatID: ChatTouch]) {
        for listener in chatListeners.withLock({ $0 }) { listener(chats) }
    }

    /// Calls `listener` after every commit that appended chat events, with those chats (the
    /// messenger's live delivery); on PostgreSQL also for other nodes' commits, once
    /// `listenToOtherNodes` runs.
    public func onChatEvents(_ listener: @escaping @Sendable ([ChatID: ChatTouch]) -> Void) {
        chatListeners.withLock { $0.append(listener) }
    }

    /// On PostgreSQL, hears other nodes' commits (LISTEN) and announces them like local ones,
    /// until cancelled; reconnects after a lost connection, calling `started` each time it
    /// listens again (what was committed meanwhile was not heard: the caller catches up).
    /// On SQLite there is one node: returns at once.
    public func listenToOtherNodes(started: @escaping @Sendable () -> Void) async {
        guard case .postgres(let pg) = backend else { return }
        while !Task.isCancelled {
            do {
                try await pg.client.withConnection { connection in
                    try await connection.listen(on: ChatNotification.channel) { notifications in
                        started()
                        for try await notification in notifications {
                            guard let chats = ChatNotification.parse(notification.payload, skippingNode: nodeID) else { continue }
                            announce(chats)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("db.listen_lost", metadata: ["error": "\(Store.describe(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func transaction<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ store: Store, begin: String, _ body: (Store) async throws -> T
    ) async throws -> T {
        try await store.sql.raw(SQLQueryString(begin)).run()
        let result: T
        do {
            result = try await body(store)
        } catch {
            counters.withLock { $0.rollbacks += 1 }
            do {
                try await store.sql.raw("ROLLBACK").run()
            } catch let rollbackError {
                logger.error("db.rollback_failed", metadata: ["error": "\(Store.describe(rollbackError))"])
            }
            throw error
        }
        do {
            try await store.sql.raw("COMMIT").run()
        } catch {
            counters.withLock { $0.rollbacks += 1 }
            try? await store.sql.raw("ROLLBACK").run()
            throw error
        }
        counters.withLock { $0.transactions += 1 }
        return result
    }

    private func lease(_ delta: Int) {
        counters.withLock { $0.inUse += delta }
    }

    /// Checks the database answers (`/readyz`).
    public func ping() async throws {
        _ = try await read { store in
            try await store.sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
        }
    }

    /// Pool figures for `/metrics`.
    public struct Stats: Sendable {
        public var inUse: Int
        public var capacity: Int
        public var waiting: Int
        public var transactions: Int
        public var rollbacks: Int
    }

    public func stats() async -> Stats {
        let counters = counters.withLock { $0 }
        let (capacity, waiting): (Int, Int)
        switch backend {
        case .sqlite(let sqlite):
            capacity = sqlite.readers.capacity + 1
            let readWaiting = await sqlite.readers.waiting
            let writeWaiting = await sqlite.writer.waiting
            waiting = readWaiting + writeWaiting
        case .postgres(let pg):
            capacity = pg.capacity
            waiting = max(0, counters.inUse - pg.capacity)
        }
        return Stats(
            inUse: counters.inUse, capacity: capacity, waiting: waiting,
            transactions: counters.transactions, rollbacks: counters.rollbacks)
    }
}

// MARK: - Notifications between nodes

/// The payload of a `parta_chat_events` notification: `node|chat:firstSeq:m,chat:firstSeq,…`
/// (`m` when membership may have changed), split to stay under PostgreSQL's 8,000 bytes.
enum ChatNotification {
    static let channel = "parta_chat_events"

    static func payloads(node: String, _ chats: [ChatID: ChatTouch]) -> [String] {
        let entries = chats.sorted { $0.key < $1.key }.map { chat, touch in
            "\(chat.rawValue):\(touch.firstSeq)" + (touch.membership ? ":m" : "")
        }
        return entries.chunked(300).map { node + "|" + $0.joined(separator: ",") }
    }

    static func parse(_ payload: String, skippingNode node: String) -> [ChatID: ChatTouch]? {
        let parts = payload.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, parts[0] != node else { return nil }
        var chats: [ChatID: ChatTouch] = [:]
        for entry in parts[1].split(separator: ",") {
            let fields = entry.split(separator: ":")
            guard fields.count >= 2, let chat = Int64(fields[0]), let seq = Int64(fields[1]) else { continue }
            chats[ChatID(chat)] = ChatTouch(firstSeq: seq, membership: fields.count > 2 && fields[2] == "m")
        }
        return chats.isEmpty ? nil : chats
    }
}

// MARK: - SQLite

/// One writer connection (SQLite allows one writer) and a few readers (WAL lets them read
/// while the writer writes).
final class SQLiteBackend: Sendable {
    let path: String
    let writer: ConnectionQueue<SQLiteConnection>
    let readers: ConnectionQueue<SQLiteConnection>
    private let closed = Mutex(false)

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.path = path
        self.writer = ConnectionQueue([writer])
        self.readers = ConnectionQueue(readers)
    }

    static func open(path: String, readers: Int, synchronous: String, logger: Logger) async throws -> SQLiteBackend {
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .notice)
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: quietLogger)
        let mode = try await writer.sql(queryLogLevel: nil).raw("PRAGMA journal_mode=WAL").first()?
            .decode(column: "journal_mode", as: String.self) ?? "unknown"
        guard mode.lowercased() == "wal" else {
            try await writer.close()
            throw StoreError.sqliteNotWAL(mode)
        }
        try await configure(writer, synchronous: synchronous)
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<max(1, readers) {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: quietLogger)
            try await configure(reader, synchronous: synchronous)
            try await reader.sql(queryLogLevel: nil).raw("PRAGMA query_only = ON").run()
            readerConnections.append(reader)
        }
        return SQLiteBackend(path: path, writer: writer, readers: readerConnections)
    }

    private static func configure(_ connection: SQLiteConnection, synchronous: String) async throws {
        let sql = connection.sql(queryLogLevel: nil)
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        let level = ["OFF", "NORMAL", "FULL", "EXTRA"].contains(synchronous.uppercased()) ? synchronous.uppercased() : "FULL"
        try await sql.raw("PRAGMA synchronous = \(unsafeRaw: level)").run()
    }

    /// Waits for connections in use, checkpoints the write-ahead log and closes everything.
    func close() async throws {
        let alreadyClosed = closed.withLock { value in
            defer { value = true }
            return value
        }
        guard !alreadyClosed else { return }
        let readerConnections = await readers.drain()
        for reader in readerConnections { try await reader.close() }
        let writers = await writer.drain()
        for connection in writers {
            try await connection.sql(queryLogLevel: nil).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            try await connection.close()
        }
    }
}

// MARK: - PostgreSQL

struct PostgresBackend: Sendable {
    let client: PostgresClient
    let capacity: Int
}

/// Parses `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
public enum PostgresURL {
    public static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw StoreError.invalidDatabaseURL("expected postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalidDatabaseURL("the host is missing")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.password.flatMap { $0.removingPercentEncoding }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw StoreError.invalidDatabaseURL("unknown sslmode «\(sslmode)»")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: password,
            database: database.isEmpty ? nil : database, tls: tls)
    }

    /// The host of a URL, for refusing non-local databases in tests.
    public static func host(of url: String) -> String? {
        URLComponents(string: url)?.host
    }
}
