import Foundation
public import Logging
public import PartaApp
import PartaDomain

/// Everything `parta serve` can be told, from flags or `PARTA_*` environment variables.
/// docs/operations.md lists each variable; `parta serve --help` lists each flag.
public struct ServerConfig: Sendable {
    public enum SMSConfig: Sendable, Equatable {
        /// Codes go to the server log (and `/dev/codes` in demo mode). Development only.
        case log
        case http(url: String, token: String, timeoutSeconds: Double, retries: Int)
    }

    public enum LogFormat: String, Sendable { case text, json }

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./parta-data"
    /// `postgres://…` to run on PostgreSQL; `nil` for SQLite in `dataDirectory`.
    public var databaseURL: String?
    public var databasePoolSize = 20
    /// SQLite `synchronous` pragma: FULL (default) makes every acknowledged write survive power loss.
    public var sqliteSynchronous = "FULL"
    /// Apply migrations at start (default); off, the server refuses to start on an outdated schema.
    public var autoMigrate = true
    /// Demo mode: `/dev/codes` shows the codes the log sender "sent".
    public var demo = false
    /// Where `Public/` and `docs/` are; found automatically when `nil`.
    public var assetsDirectory: String?
    public var sms: SMSConfig = .log
    public var app = AppConfig()
    /// Peers whose `X-Forwarded-For` is believed (a reverse proxy in front of Parta).
    public var trustedProxies: Set<String> = []
    public var maxBodyBytes = 1 << 20
    /// The largest roster import upload (a CSV file or a zipped OneRoster export).
    public var maxImportBytes = 100 << 20
    /// The largest file a person may attach to a message.
    public var maxAttachmentBytes: Int64 = 50 << 20
    /// How long browsers may cache a downloaded attachment; 0: `no-store` (shared computers).
    public var attachmentCacheSeconds = 0
    /// The address people reach the server at (`https://school.example.ru`), for links in QR codes;
    /// the request's host when unset.
    public var publicURL: String?
    /// `PARTA_SEALING_KEY`: the keys that seal invite links (base64, comma-separated, the sealing
    /// one first). Unset: the key file in the data directory (`PartaServer.sealingKeyFile`).
    public var sealingKeyGiven = false
    /// When set, `/metrics` requires `Authorization: Bearer <token>`.
    public var metricsToken: String?
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    /// The live connection (`/api/v1/ws`, docs/protocol.md).
    public var live = LiveConfig()

    public init() {}

    public struct LiveConfig: Sendable {
        /// The server pings every client this often; one that does not answer the next ping is closed.
        public var pingSeconds: Double = 30
        /// How long a new connection has to send its `auth` frame.
        public var authTimeoutSeconds: Double = 10
        /// How often a connection checks that its session is still signed in.
        public var sessionCheckSeconds: Double = 60
        /// Frames of events a connection may have waiting before it is cut off as too slow.
        public var queueLimit = 1024

        public init() {}
    }

    /// A configuration problem, named by the variable or flag at fault.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Reads `PARTA_*` variables over the defaults; unknown values are errors, not silently ignored.
    public static func fromEnvironment(_ env: [String: String]) throws -> ServerConfig {
        var c = ServerConfig()
        let p = EnvironmentReader(env: env)
        c.host = p.string("PARTA_HOST") ?? c.host
        c.port = try p.int("PARTA_PORT", in: 0...65535) ?? c.port
        c.dataDirectory = p.string("PARTA_DATA_DIR") ?? c.dataDirectory
        c.databaseURL = p.string("PARTA_DATABASE_URL")
        c.databasePoolSize = try p.int("PARTA_DB_POOL_SIZE", in: 1...500) ?? c.databasePoolSize
        if let sync = p.string("PARTA_SQLITE_SYNCHRONOUS") {
            guard ["NORMAL", "FULL", "EXTRA"].contains(sync.uppercased()) else {
                throw Problem(description: "PARTA_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA, not «\(sync)».")
            }
            c.sqliteSynchronous = sync.uppercased()
        }
        c.autoMigrate = try p.bool("PARTA_AUTO_MIGRATE") ?? c.autoMigrate
        c.demo = try p.bool("PARTA_DEMO") ?? c.demo
        c.assetsDirectory = p.string("PARTA_ASSETS_DIR")
        switch p.string("PARTA_SMS_SENDER") ?? "log" {
        case "log":
            c.sms = .log
        case "http":
            guard let url = p.string("PARTA_SMS_HTTP_URL"), URL(string: url)?.scheme?.hasPrefix("http") == true else {
                throw Problem(description: "PARTA_SMS_SENDER=http needs PARTA_SMS_HTTP_URL, an http:// or https:// address.")
            }
            var token = p.string("PARTA_SMS_HTTP_TOKEN")
            if let file = p.string("PARTA_SMS_HTTP_TOKEN_FILE") {
                do {
                    token = try String(contentsOfFile: file, encoding: .utf8).trimmingWhitespace()
                } catch {
                    throw Problem(description: "PARTA_SMS_HTTP_TOKEN_FILE «\(file)» cannot be read.")
                }
            }
            guard let token, !token.isEmpty else {
                throw Problem(description: "PARTA_SMS_SENDER=http needs PARTA_SMS_HTTP_TOKEN or PARTA_SMS_HTTP_TOKEN_FILE.")
            }
            c.sms = .http(
                url: url, token: token,
                timeoutSeconds: try p.double("PARTA_SMS_HTTP_TIMEOUT", in: 0.1...120) ?? 5,
                retries: try p.int("PARTA_SMS_HTTP_RETRIES", in: 0...10) ?? 1)
        case let other:
            throw Problem(description: "PARTA_SMS_SENDER must be «log» or «http», not «\(other)».")
        }
        var signIn = c.app.signIn
        signIn.codeLifetime = try p.double("PARTA_CODE_TTL", in: 30...3600) ?? signIn.codeLifetime
        signIn.maxAttempts = try p.int("PARTA_CODE_MAX_ATTEMPTS", in: 1...20) ?? signIn.maxAttempts
        signIn.resendInterval = try p.double("PARTA_CODE_RESEND_INTERVAL", in: 0...3600) ?? signIn.resendInterval
        signIn.perPhonePerDay = try p.int("PARTA_CODE_PHONE_DAILY_LIMIT", in: 1...1_000_000) ?? signIn.perPhonePerDay
        signIn.perAddressPerHour = try p.int("PARTA_CODE_ADDRESS_HOURLY_LIMIT", in: 1...1_000_000) ?? signIn.perAddressPerHour
        signIn.perAddressPerDay = try p.int("PARTA_CODE_ADDRESS_DAILY_LIMIT", in: 1...1_000_000) ?? signIn.perAddressPerDay
        c.app.signIn = signIn
        if let days = try p.double("PARTA_SESSION_IDLE_DAYS", in: 0.01...3650) {
            c.app.sessions.idleLifetime = days * 86_400
        }
        if let proxies = p.string("PARTA_TRUSTED_PROXIES") {
            c.trustedProxies = Set(proxies.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty })
        }
        c.maxBodyBytes = try p.int("PARTA_MAX_BODY_BYTES", in: 1024...(64 << 20)) ?? c.maxBodyBytes
        c.maxImportBytes = try p.int("PARTA_MAX_IMPORT_BYTES", in: 1024...(1 << 30)) ?? c.maxImportBytes
        if let unpacked = try p.int("PARTA_MAX_IMPORT_UNPACKED_BYTES", in: 1024...(4 << 30)) {
            c.app.imports.maxUnpackedBytes = Int64(unpacked)
        }
        c.maxAttachmentBytes = Int64(try p.int("PARTA_MAX_ATTACHMENT_BYTES", in: 1024...(4 << 30)) ?? Int(c.maxAttachmentBytes))
        c.attachmentCacheSeconds = try p.int("PARTA_ATTACHMENT_CACHE_SECONDS", in: 0...(30 * 86_400)) ?? c.attachmentCacheSeconds
        c.metricsToken = p.string("PARTA_METRICS_TOKEN")
        if let keys = p.string("PARTA_SEALING_KEY") {
            do { c.app.sealing = try TokenSealer(encoded: keys) } catch {
                throw Problem(description: "PARTA_SEALING_KEY must be one or more keys of 32 random bytes in base64, comma-separated, the newest first (make one with `openssl rand -base64 32`).")
            }
            c.sealingKeyGiven = true
        }
        for kind in RateKind.allCases {
            let name = "PARTA_LIMIT_" + kind.rawValue.uppercased()
            guard let raw = p.string(name) else { continue }
            guard let rules = RateRule.parseList(raw) else {
                throw Problem(description: "\(name) must be a list such as 30/min,600/h (units s, min, h, d), or off; not «\(raw)».")
            }
            c.app.limits.rules[kind] = rules
        }
        c.app.limits.liveConnections = try p.int("PARTA_LIMIT_LIVE_CONNECTIONS", in: 1...1_000) ?? c.app.limits.liveConnections
        if let quota = try p.int("PARTA_UPLOAD_QUOTA_BYTES", in: 1 << 20...(1 << 40)) { c.app.limits.uploadBytesPerDay = Int64(quota) }
        if let codes = p.string("PARTA_SMS_COUNTRY_CODES") {
            let list = codes.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).drop { $0 == "+" }) }
            guard !list.isEmpty, list.allSatisfy({ code in !code.isEmpty && code.count <= 4 && code.allSatisfy { $0.isASCII && $0.isNumber } }) else {
                throw Problem(description: "PARTA_SMS_COUNTRY_CODES must be country calling codes such as 7 or 7,375; not «\(codes)».")
            }
            c.app.phoneCountries = PhoneCountries(codes: list)
        }
        if let janus = JanusConfiguration.fromEnvironment(env) {
            for url in janus.servers.flatMap({ [$0.url, $0.publicURL] }) {
                guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
                    throw Problem(description: "PARTA_JANUS_URL and PARTA_JANUS_PUBLIC_URL must be addresses such as http://127.0.0.1:8088/janus (comma-separated for a pool, in the same order), not «\(url)».")
                }
            }
            guard !janus.adminKey.isEmpty else {
                throw Problem(description: "PARTA_JANUS_URL needs PARTA_JANUS_ADMIN_KEY, the VideoRoom plugin's admin_key (only Parta creates rooms).")
            }
            c.app.janus = janus
        }
        if p.string("PARTA_TURN_URLS") != nil || p.string("PARTA_TURN_SECRET") != nil {
            guard let turn = TurnConfiguration.fromEnvironment(env), turn.urls.allSatisfy({ $0.hasPrefix("turn:") || $0.hasPrefix("turns:") }) else {
                throw Problem(description: "PARTA_TURN_URLS (turn:host:3478, …) and PARTA_TURN_SECRET (coturn's static-auth-secret) go together.")
            }
            c.app.turn = turn
            c.app.turn?.relayOnly = try p.bool("PARTA_TURN_RELAY_ONLY") ?? false
        } else if p.string("PARTA_TURN_RELAY_ONLY") != nil {
            throw Problem(description: "PARTA_TURN_RELAY_ONLY needs coturn: PARTA_TURN_URLS and PARTA_TURN_SECRET.")
        }
        if let schedule = p.string("PARTA_STATS_SNAPSHOT") {
            do { c.app.statisticsSchedule = try SnapshotSchedule.parse(schedule) } catch {
                throw Problem(description: "PARTA_STATS_SNAPSHOT must be a weekday and a Moscow time such as FRI 16:00, not «\(schedule)».")
            }
        }
        c.live.pingSeconds = try p.double("PARTA_WS_PING_SECONDS", in: 1...600) ?? c.live.pingSeconds
        c.live.sessionCheckSeconds = try p.double("PARTA_WS_SESSION_CHECK_SECONDS", in: 1...3600) ?? c.live.sessionCheckSeconds
        c.live.queueLimit = try p.int("PARTA_WS_QUEUE_LIMIT", in: 16...1_000_000) ?? c.live.queueLimit
        if let url = p.string("PARTA_PUBLIC_URL") {
            guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
                throw Problem(description: "PARTA_PUBLIC_URL must be an address such as https://school.example.ru, not «\(url)».")
            }
            c.publicURL = url
        }
        if let level = p.string("PARTA_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw Problem(description: "PARTA_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical.")
            }
            c.logLevel = parsed
        }
        if let format = p.string("PARTA_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw Problem(description: "PARTA_LOG_FORMAT must be «text» or «json».")
            }
            c.logFormat = parsed
        }
        return c
    }

    /// Whether `host` only accepts connections from this machine.
    public var isLoopbackOnly: Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost"
    }
}

/// Typed reading of environment variables with messages that name the variable.
struct EnvironmentReader {
    let env: [String: String]

    func string(_ name: String) -> String? {
        guard let value = env[name]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw ServerConfig.Problem(description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not «\(raw)».")
        }
        return value
    }

    func double(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let raw = string(name) else { return nil }
        guard let value = Double(raw), range.contains(value) else {
            throw ServerConfig.Problem(description: "\(name) must be a number from \(range.lowerBound) to \(range.upperBound), not «\(raw)».")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let raw = string(name)?.lowercased() else { return nil }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ServerConfig.Problem(description: "\(name) must be true or false, not «\(raw)».")
        }
    }
}
