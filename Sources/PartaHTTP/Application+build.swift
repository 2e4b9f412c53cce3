import Foundation
public import Hummingbird
import HummingbirdAuth
import HummingbirdWebSocket
public import Logging
import NIOCore
public import PartaApp
public import PartaStore

/// Builds the server. `parta serve` and the in-process tests both go through here.
public enum PartaServer {
    /// Opens the database `config` names: PostgreSQL for `postgres://…`, else SQLite in the data directory.
    public static func openDatabase(_ config: ServerConfig, logger: Logger) async throws -> Database {
        if let url = config.databaseURL {
            return try Database.openPostgres(url: url, poolSize: config.databasePoolSize, logger: logger)
        }
        return try await Database.openSQLite(
            directory: config.dataDirectory, synchronous: config.sqliteSynchronous, logger: logger)
    }

    /// The data directory's sealing key file: made with a new random key when missing.
    static func sealingKeyFile(_ config: ServerConfig) -> URL {
        URL(fileURLWithPath: config.dataDirectory).appendingPathComponent("sealing.key")
    }

    /// `config` with its sealing keys: `PARTA_SEALING_KEY` when given, else the data directory's key
    /// file, made (owner-only) on first start. Several nodes share one key through the variable
    /// (or one data directory: the file is made by whichever starts first, the others read it).
    public static func withSealingKeys(_ config: ServerConfig) throws -> ServerConfig {
        guard !config.sealingKeyGiven else { return config }
        let file = sealingKeyFile(config)
        var config = config
        let manager = FileManager.default
        if !manager.fileExists(atPath: file.path) {
            try manager.createDirectory(
                atPath: config.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let text = "# Parta's sealing key: keeps invite links showable. Keep it with the backups; the newest key first.\n"
                + TokenSealer.newEncodedKey() + "\n"
            // Written whole under a name of this process's own, then linked into place: a process
            // starting at the same moment either links first or reads the first one's whole file.
            let draft = file.path + ".\(ProcessInfo.processInfo.processIdentifier).\(Secrets.digits(8))"
            guard manager.createFile(atPath: draft, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ServerConfig.Problem(description: "The sealing key file \(file.path) cannot be made: is the data directory writable by this user?")
            }
            defer { try? manager.removeItem(atPath: draft) }
            if link(draft, file.path) != 0 && errno != EEXIST {
                throw ServerConfig.Problem(description: "The sealing key file \(file.path) cannot be made: is the data directory writable by this user?")
            }
        }
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ServerConfig.Problem(description: "The sealing key file \(file.path) cannot be read by this user (it is made owner-only: run parta as the user that made it).")
        }
        do { config.app.sealing = try TokenSealer(encoded: text) } catch {
            throw ServerConfig.Problem(description: "The sealing key file \(file.path) must hold keys of 32 random bytes in base64, one a line, the newest first.")
        }
        return config
    }

    public static func makeSMSSender(_ config: ServerConfig, inbox: DevInbox?, logger: Logger) -> any SMSSender {
        switch config.sms {
        case .log:
            return LogSMSSender(logger: logger, inbox: inbox)
        case .http(let url, let token, let timeout, let retries):
            return HTTPSMSSender(
                configuration: .init(url: url, token: token, timeout: .milliseconds(Int64(timeout * 1000)), retries: retries),
                logger: logger)
        }
    }

    /// The whole server for `config`: opens the database, migrates it (or checks it) before
    /// listening, and runs housekeeping.
    public static func buildApplication(
        _ config: ServerConfig, metrics: HTTPMetrics = HTTPMetrics(), logger: Logger
    ) async throws -> some ApplicationProtocol {
        // Personal data of minors: the data directory is its user's alone (also one an older version made).
        if FileManager.default.fileExists(atPath: config.dataDirectory) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: config.dataDirectory)
        }
        let config = try withSealingKeys(config)
        let database = try await openDatabase(config, logger: logger)
        let inbox = config.demo ? DevInbox() : nil
        let parta = Parta(
            database: database, sms: makeSMSSender(config, inbox: inbox, logger: logger), config: config.app,
            logger: logger, devInbox: inbox)
        var app = buildApplication(parta: parta, config: config, metrics: metrics, logger: logger)
        app.addServices(database, CallSweeper(parta: parta), StatisticsScheduler(parta: parta), Maintenance(
            parta: parta, files: AttachmentFiles(dataDirectory: config.dataDirectory),
            spoolFolders: ["imports", "exports"].map { BodySpool(dataDirectory: config.dataDirectory, folder: $0).directory }))
        let autoMigrate = config.autoMigrate
        app.beforeServerStarts {
            if autoMigrate {
                _ = try await Migrator().migrate(database, logger: logger)
                try await parta.bringMembersIntoRoster()
            } else {
                try await Migrator().checkCurrent(database)
            }
        }
        return app
    }

    /// The server around an existing `Parta` whose database the caller runs (tests, benchmarks).
    public static func buildApplication(
        parta: Parta, config: ServerConfig, metrics: HTTPMetrics = HTTPMetrics(), logger: Logger
    ) -> Application<RouterResponder<PartaRequestContext>> {
        let router = buildRouter(parta: parta, config: config, metrics: metrics, logger: logger)
        let hub = LiveHub(parta: parta, encoder: LiveFrames(), queueLimit: config.live.queueLimit)
        let live = Router(context: PartaRequestContext.self)
        live.add(middleware: RequestSetupMiddleware(trustedProxies: config.trustedProxies, maxBodyBytes: config.maxBodyBytes, mediaURLs: parta.media?.publicURLs ?? []))
        LiveRoutes(parta: parta, hub: hub, config: config.live, metrics: metrics).register(on: live)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: live,
                configuration: .init(ws: .init(
                    maxFrameSize: LiveRoutes.maxClientFrame,
                    autoPing: .enabled(timePeriod: .milliseconds(Int64(config.live.pingSeconds * 1000)))))),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Parta"),
            services: [hub],
            logger: logger)
    }

    public static func buildRouter(
        parta: Parta, config: ServerConfig, metrics: HTTPMetrics, logger: Logger
    ) -> Router<PartaRequestContext> {
        let assets = Assets.locate(explicit: config.assetsDirectory)
        if assets == nil {
            logger.warning("assets.not_found", metadata: ["hint": "set PARTA_ASSETS_DIR to the folder holding Public/ and docs/"])
        }
        let openAPI = assets.flatMap { try? Data(contentsOf: $0.openAPIFile) }.map { ByteBuffer(bytes: $0) }

        let router = Router(context: PartaRequestContext.self)
        // Outermost first: observe the final response, add headers to every response (errors
        // included), turn errors into JSON, then files, then the session.
        router.add(middleware: ObservingMiddleware(metrics: metrics))
        router.add(middleware: RequestSetupMiddleware(trustedProxies: config.trustedProxies, maxBodyBytes: config.maxBodyBytes, mediaURLs: parta.media?.publicURLs ?? []))
        router.add(middleware: ErrorMiddleware())
        if let assets {
            router.add(middleware: StaticFilesMiddleware(directory: assets.publicDirectory.path, logger: logger))
        }
        router.add(middleware: SessionAuthenticator(parta: parta))

        HealthRoutes(parta: parta, metrics: metrics, metricsToken: config.metricsToken, openAPI: openAPI).register(on: router)
        if config.demo, let inbox = parta.devInbox {
            DevRoutes(inbox: inbox, policy: parta.config.signIn, timeZone: TimeZone(identifier: "Europe/Moscow") ?? .current)
                .register(on: router)
        }
        let api = router.group("api/v1")
        AuthRoutes(parta: parta).register(on: api)
        MeRoutes(parta: parta).register(on: api)
        DirectoryRoutes(parta: parta).register(on: api)
        PlatformRoutes(parta: parta).register(on: api)
        let links = LinkBuilder(publicURL: config.publicURL, trustHost: config.demo)
        RosterRoutes(parta: parta, links: links).register(on: api)
        TimetableRoutes(parta: parta).register(on: api)
        LinkingRoutes(parta: parta).register(on: api)
        JoiningRoutes(parta: parta, links: links).register(on: api)
        ChatRoutes(parta: parta).register(on: api)
        ChatInviteRoutes(parta: parta, links: links).register(on: api)
        MessageRoutes(parta: parta).register(on: api)
        CallRoutes(parta: parta).register(on: api)
        StatisticsRoutes(parta: parta, exports: BodySpool(dataDirectory: config.dataDirectory, folder: "exports")).register(on: api)
        IntegrationRoutes(parta: parta, links: links).register(on: api)
        ImportRoutes(parta: parta, maxBytes: config.maxImportBytes, spool: BodySpool(dataDirectory: config.dataDirectory, folder: "imports"))
            .register(on: api)
        AttachmentRoutes(
            parta: parta, files: AttachmentFiles(dataDirectory: config.dataDirectory), maxBytes: config.maxAttachmentBytes,
            cacheSeconds: config.attachmentCacheSeconds
        ).register(on: api)
        return router
    }
}

/// Serves the web client from `Public/` for every path outside the API and service routes,
/// without touching the file system for API requests.
struct StaticFilesMiddleware: RouterMiddleware {
    typealias Context = PartaRequestContext
    let files: FileMiddleware<PartaRequestContext, LocalFileSystem>

    init(directory: String, logger: Logger) {
        files = FileMiddleware(directory, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true, logger: logger)
    }

    static let dynamicPrefixes = ["/api/", "/healthz", "/readyz", "/metrics", "/dev/"]
    /// Links the server hands out that the web client opens itself (`/join/<token>` from an
    /// invite, `/link/<code>` from the school system, `/chat-invite/<token>` from a chat's manager;
    /// `/link` alone, where a printed code is typed): they get the client's page, which reads the path.
    static let clientPrefixes = ["/join/", "/link/", "/chat-invite/"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.dynamicPrefixes.contains(where: { path.hasPrefix($0) }) || (request.method != .get && request.method != .head) {
            return try await next(request, context)
        }
        if Self.clientPrefixes.contains(where: { path.hasPrefix($0) }) || path == "/link" {
            var head = request.head
            head.path = "/index.html"
            return try await files.handle(Request(head: head, body: request.body), context: context, next: next)
        }
        return try await files.handle(request, context: context, next: next)
    }
}

extension PartaServer {
    /// The client address a request is attributed to (rate limits, sessions, audit): the peer,
    /// or the forwarded client when the peer is a trusted proxy.
    public static func clientAddress(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        RequestSetupMiddleware.clientAddress(peer: peer, forwardedFor: forwardedFor, trustedProxies: trustedProxies)
    }
}
