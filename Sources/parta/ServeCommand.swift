import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import PartaApp
import PartaHTTP
import PartaStore
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the Parta server.",
        discussion: """
            With no configuration the server listens on 127.0.0.1:8080 and keeps its data in ./parta-data
            (SQLite, write-ahead log), creating and migrating the schema on first start. SIGTERM or SIGINT
            stop it cleanly. Flags override environment variables:

              PARTA_HOST, PARTA_PORT            where to listen (127.0.0.1, 8080)
              PARTA_DATA_DIR                    data directory (./parta-data)
              PARTA_DATABASE_URL                postgres://user:password@host:5432/db for PostgreSQL
              PARTA_DB_POOL_SIZE                PostgreSQL connections per server (20)
              PARTA_SQLITE_SYNCHRONOUS          NORMAL, FULL or EXTRA (FULL)
              PARTA_AUTO_MIGRATE                migrate at start (true); false: refuse an outdated schema
              PARTA_DEMO                        demo mode: sign-in codes at /dev/codes (false)
              PARTA_ASSETS_DIR                  folder holding Public/ and docs/ (found automatically)
              PARTA_SMS_SENDER                  log (development) or http
              PARTA_SMS_HTTP_URL, PARTA_SMS_HTTP_TOKEN or PARTA_SMS_HTTP_TOKEN_FILE,
              PARTA_SMS_HTTP_TIMEOUT (5 s), PARTA_SMS_HTTP_RETRIES (1)
              PARTA_CODE_TTL (300 s), PARTA_CODE_MAX_ATTEMPTS (5), PARTA_CODE_RESEND_INTERVAL (60 s),
              PARTA_CODE_PHONE_DAILY_LIMIT (10), PARTA_CODE_ADDRESS_HOURLY_LIMIT (60),
              PARTA_CODE_ADDRESS_DAILY_LIMIT (300)
              PARTA_SESSION_IDLE_DAYS           sessions unused this long end (90)
              PARTA_TRUSTED_PROXIES             comma-separated proxy addresses whose X-Forwarded-For is believed
              PARTA_MAX_BODY_BYTES              largest JSON request body (1048576)
              PARTA_MAX_IMPORT_BYTES            largest roster import upload (104857600)
              PARTA_MAX_ATTACHMENT_BYTES        largest file attached to a message (52428800)
              PARTA_WS_PING_SECONDS (30), PARTA_WS_SESSION_CHECK_SECONDS (60), PARTA_WS_QUEUE_LIMIT (1024)
              PARTA_PUBLIC_URL                  the address people open, for links in QR codes
              PARTA_METRICS_TOKEN               require this bearer token on /metrics
              PARTA_SEALING_KEY                 key(s) keeping invite links showable (data dir's sealing.key)
              PARTA_LOG_LEVEL, PARTA_LOG_FORMAT info; text or json
            """
    )

    @Option(help: "Address to listen on (env PARTA_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env PARTA_PORT, default 8080).")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Demo mode: show sign-in codes at /dev/codes instead of sending SMS (env PARTA_DEMO).")
    var demo = false

    @Flag(help: "Allow demo mode on an address other than loopback (anyone reaching it can sign in as anyone).")
    var allowPublicDemo = false

    @Flag(inversion: .prefixedNo, help: "Migrate the schema at start (env PARTA_AUTO_MIGRATE, default on).")
    var autoMigrate: Bool?

    @Option(help: "Folder holding Public/ and docs/ (env PARTA_ASSETS_DIR).")
    var assetsDir: String?

    @Option(help: "trace, debug, info, notice, warning, error (env PARTA_LOG_LEVEL, default info).")
    var logLevel: String?

    func run() async throws {
        ownerOnlyFiles()
        var config = try database.serverConfig()
        if let host { config.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
            config.port = port
        }
        if demo { config.demo = true }
        if let autoMigrate { config.autoMigrate = autoMigrate }
        if let assetsDir { config.assetsDirectory = assetsDir }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("Unknown --log-level «\(logLevel)».") }
            config.logLevel = level
        }
        if config.demo && !config.isLoopbackOnly && !allowPublicDemo {
            throw ValidationError(
                "Demo mode shows every sign-in code at /dev/codes; on \(config.host) anyone could sign in as anyone. Use --allow-public-demo if that is really meant.")
        }
        LogSetup.bootstrap(level: config.logLevel, format: config.logFormat)
        let logger = Logger(label: "parta")
        let metrics = HTTPMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        if case .log = config.sms {
            logger.warning("sms.development_sender", metadata: [
                "hint": "sign-in codes are written to this log, not sent; set PARTA_SMS_SENDER=http in production",
            ])
        }
        logger.info("server.starting", metadata: [
            "parta.address": "\(config.host):\(config.port)",
            "parta.database": "\(config.databaseURL == nil ? "sqlite in \(config.dataDirectory)" : "postgresql")",
            "parta.demo": "\(config.demo)",
        ])
        do {
            let app = try await PartaServer.buildApplication(config, metrics: metrics, logger: logger)
            try await app.runService()
        } catch let error as StoreError {
            printError(error.description)
            throw ExitCode(3)
        }
        logger.info("server.stopped")
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply database migrations (the server also does this at start unless --no-auto-migrate).")

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Only print the schema version; change nothing.")
    var status = false

    func run() async throws {
        ownerOnlyFiles()
        let config = try database.serverConfig()
        LogSetup.bootstrap(level: .warning, format: config.logFormat)
        let logger = Logger(label: "parta")
        let db = try await PartaServer.openDatabase(config, logger: logger)
        let migrator = Migrator()
        try await runReportingErrors {
            try await db.withRunning {
                if status {
                    let version = try await migrator.currentVersion(db)
                    print("schema version \(version); this binary knows \(migrator.latestVersion)")
                    return
                }
                let report = try await migrator.migrate(db, logger: logger)
                let parta = Parta(database: db, sms: LogSMSSender(logger: logger, inbox: nil), config: config.app, logger: logger)
                let brought = try await parta.bringMembersIntoRoster()
                if brought > 0 { print("brought \(brought) member role(s) without a roster person into the roster") }
                if report.applied.isEmpty {
                    print("schema is up to date at version \(report.currentVersion)")
                } else {
                    print("migrated from version \(report.previousVersion) to \(report.currentVersion):")
                    for name in report.applied { print("  \(name)") }
                }
            }
        }
    }
}
