import Foundation
import Logging
import PartaApp
import PartaDomain
import PartaHTTP
import Synchronization
import Testing

@Suite("Server configuration")
struct ServerConfigTests {
    @Test func defaultsNeedNoConfiguration() throws {
        let config = try ServerConfig.fromEnvironment([:])
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.dataDirectory == "./parta-data")
        #expect(config.databaseURL == nil)
        #expect(config.sms == .log)
        #expect(config.autoMigrate)
        #expect(!config.demo)
        #expect(config.app.signIn.codeLifetime == 300)
        #expect(config.app.signIn.maxAttempts == 5)
        #expect(config.app.signIn.resendInterval == 60)
        #expect(config.isLoopbackOnly)
    }

    @Test func everyVariableIsRead() throws {
        let config = try ServerConfig.fromEnvironment([
            "PARTA_HOST": "0.0.0.0", "PARTA_PORT": "9000", "PARTA_DATA_DIR": "/var/lib/parta",
            "PARTA_DATABASE_URL": "postgres://parta@db:5432/parta", "PARTA_DB_POOL_SIZE": "40",
            "PARTA_SQLITE_SYNCHRONOUS": "normal", "PARTA_AUTO_MIGRATE": "false", "PARTA_DEMO": "1",
            "PARTA_SMS_SENDER": "http", "PARTA_SMS_HTTP_URL": "https://sms.example.org/send", "PARTA_SMS_HTTP_TOKEN": "t",
            "PARTA_SMS_HTTP_TIMEOUT": "2.5", "PARTA_SMS_HTTP_RETRIES": "4",
            "PARTA_CODE_TTL": "600", "PARTA_CODE_MAX_ATTEMPTS": "3", "PARTA_CODE_RESEND_INTERVAL": "90",
            "PARTA_CODE_PHONE_DAILY_LIMIT": "7", "PARTA_CODE_ADDRESS_HOURLY_LIMIT": "20", "PARTA_CODE_ADDRESS_DAILY_LIMIT": "100",
            "PARTA_SESSION_IDLE_DAYS": "30", "PARTA_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2",
            "PARTA_MAX_BODY_BYTES": "65536", "PARTA_METRICS_TOKEN": "m", "PARTA_LOG_LEVEL": "debug", "PARTA_LOG_FORMAT": "json",
        ])
        #expect(config.host == "0.0.0.0" && !config.isLoopbackOnly)
        #expect(config.port == 9000)
        #expect(config.dataDirectory == "/var/lib/parta")
        #expect(config.databaseURL == "postgres://parta@db:5432/parta")
        #expect(config.databasePoolSize == 40)
        #expect(config.sqliteSynchronous == "NORMAL")
        #expect(!config.autoMigrate)
        #expect(config.demo)
        #expect(config.sms == .http(url: "https://sms.example.org/send", token: "t", timeoutSeconds: 2.5, retries: 4))
        #expect(config.app.signIn == SignInPolicyFixture.custom)
        #expect(config.app.sessions.idleLifetime == 30 * 86_400)
        #expect(config.trustedProxies == ["10.0.0.1", "10.0.0.2"])
        #expect(config.maxBodyBytes == 65536)
        #expect(config.metricsToken == "m")
        #expect(config.logLevel == .debug)
        #expect(config.logFormat == .json)
    }

    @Test("bad values are refused with the variable's name", arguments: [
        ["PARTA_PORT": "eighty"], ["PARTA_PORT": "70000"], ["PARTA_AUTO_MIGRATE": "maybe"],
        ["PARTA_SMS_SENDER": "pigeon"], ["PARTA_SMS_SENDER": "http"],
        ["PARTA_SMS_SENDER": "http", "PARTA_SMS_HTTP_URL": "https://x.example"],
        ["PARTA_SMS_SENDER": "http", "PARTA_SMS_HTTP_URL": "ftp://x", "PARTA_SMS_HTTP_TOKEN": "t"],
        ["PARTA_CODE_MAX_ATTEMPTS": "0"], ["PARTA_LOG_LEVEL": "loud"], ["PARTA_SQLITE_SYNCHRONOUS": "OFF"],
        ["PARTA_SMS_SENDER": "http", "PARTA_SMS_HTTP_URL": "https://x.example", "PARTA_SMS_HTTP_TOKEN_FILE": "/nonexistent/token"],
        ["PARTA_JANUS_URL": "http://127.0.0.1:8088/janus"], ["PARTA_JANUS_URL": "janus", "PARTA_JANUS_ADMIN_KEY": "k"],
        ["PARTA_JANUS_URL": "http://127.0.0.1:8088/janus", "PARTA_JANUS_ADMIN_KEY": "k", "PARTA_JANUS_PUBLIC_URL": "ws:/x"],
        ["PARTA_JANUS_URL": "http://10.0.0.5:8088/janus,http://10.0.0.6:8088/janus", "PARTA_JANUS_ADMIN_KEY": "k", "PARTA_JANUS_PUBLIC_URL": "https://a/janus"],
        ["PARTA_TURN_URLS": "turn:127.0.0.1:3478"], ["PARTA_TURN_SECRET": "s"], ["PARTA_TURN_URLS": "stun:x:3478", "PARTA_TURN_SECRET": "s"],
        ["PARTA_TURN_RELAY_ONLY": "true"], ["PARTA_TURN_URLS": "turn:x:3478", "PARTA_TURN_SECRET": "s", "PARTA_TURN_RELAY_ONLY": "sometimes"],
        ["PARTA_SEALING_KEY": "c2hvcnQ="], ["PARTA_SEALING_KEY": "# nothing"],
    ])
    func refuses(env: [String: String]) {
        do {
            _ = try ServerConfig.fromEnvironment(env)
            Issue.record("accepted \(env)")
        } catch let problem as ServerConfig.Problem {
            let named = env.keys.contains { problem.description.contains($0) }
            #expect(named, "\(problem.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func mediaServersAreOptionalAndRead() throws {
        let none = try ServerConfig.fromEnvironment([:])
        #expect(none.app.janus == nil && none.app.turn == nil)
        let config = try ServerConfig.fromEnvironment([
            "PARTA_JANUS_URL": "http://10.0.0.5:8088/janus", "PARTA_JANUS_PUBLIC_URL": "https://school.example/janus",
            "PARTA_JANUS_ADMIN_KEY": "key", "PARTA_TURN_URLS": "turn:turn.example:3478?transport=udp", "PARTA_TURN_SECRET": "s",
        ])
        #expect(config.app.janus == JanusConfiguration(url: "http://10.0.0.5:8088/janus", publicURL: "https://school.example/janus", adminKey: "key"))
        #expect(config.app.turn == TurnConfiguration(urls: ["turn:turn.example:3478?transport=udp"], secret: "s"))
        let relayed = try ServerConfig.fromEnvironment(["PARTA_TURN_URLS": "turn:t:3478", "PARTA_TURN_SECRET": "s", "PARTA_TURN_RELAY_ONLY": "true"])
        #expect(relayed.app.turn?.relayOnly == true && relayed.app.turn?.credentials(for: "a", now: Date()).relayOnly == true)
    }

    @Test func theSMSTokenCanComeFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parta-token-\(UUID().uuidString)")
        try "secret-from-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try ServerConfig.fromEnvironment([
            "PARTA_SMS_SENDER": "http", "PARTA_SMS_HTTP_URL": "https://sms.example.org", "PARTA_SMS_HTTP_TOKEN_FILE": file.path,
        ])
        #expect(config.sms == .http(url: "https://sms.example.org", token: "secret-from-file", timeoutSeconds: 5, retries: 1))
    }

    @Test("the sealing key: made once in the data directory, owner-only, kept across starts; or given to every node")
    func sealingKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parta-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = try ServerConfig.fromEnvironment(["PARTA_DATA_DIR": directory.path])
        let first = try PartaServer.withSealingKeys(config)
        let file = directory.appendingPathComponent("sealing.key")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["sealing.key"], "no draft left behind")
        let second = try PartaServer.withSealingKeys(config)
        #expect(first.app.sealing == second.app.sealing && first.app.sealing?.keyIDs.count == 1)
        #expect(first.app.sealing != AppConfig().sealing)
        let sealed = try #require(first.app.sealing).seal("t", context: "c")
        #expect(second.app.sealing?.open(sealed, context: "c") == "t")

        // A key added in front of the file's (rotation): it seals, the older one still opens.
        let newest = TokenSealer.newEncodedKey()
        let old = try String(contentsOf: file, encoding: .utf8)
        try (newest + "\n" + old).write(to: file, atomically: true, encoding: .utf8)
        let rotated = try #require(try PartaServer.withSealingKeys(config).app.sealing)
        #expect(rotated.keyIDs.count == 2 && rotated.open(sealed, context: "c") == "t")
        #expect(rotated.keyIDs[0] == (try TokenSealer(encoded: newest)).keyIDs[0])

        // A damaged file stops the start with the file named; the variable wins over the file.
        try "not a key\n".write(to: file, atomically: true, encoding: .utf8)
        #expect { try PartaServer.withSealingKeys(config) } throws: { "\($0)".contains(file.path) }
        config = try ServerConfig.fromEnvironment(["PARTA_DATA_DIR": directory.path, "PARTA_SEALING_KEY": newest])
        #expect(try PartaServer.withSealingKeys(config).app.sealing?.keyIDs == [rotated.keyIDs[0]])

        // Nodes starting at the same moment on one data directory end with one key between them.
        try FileManager.default.removeItem(at: file)
        let shared = try ServerConfig.fromEnvironment(["PARTA_DATA_DIR": directory.path])
        let found = Mutex<[[String]]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let keys = (try? PartaServer.withSealingKeys(shared).app.sealing?.keyIDs) ?? []
            found.withLock { $0.append(keys) }
        }
        let seen = found.withLock { $0 }
        #expect(seen.count == 8 && Set(seen).count == 1 && seen[0].count == 1, "\(seen)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["sealing.key"])
    }

    @Test func jsonLogsAreOneObjectPerLine() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "parta") { line in lines.withLock { $0.append(line) } }
        handler.logLevel = .info
        handler[metadataKey: "hb.request.id"] = "abc"
        let logger = Logger(label: "parta", factory: { _ in handler })
        logger.info("signin.completed", metadata: ["parta.account.id": "42"])
        let line = try #require(lines.withLock { $0.first })
        #expect(line.hasSuffix("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "signin.completed")
        #expect(object["level"] == "info")
        #expect(object["parta.account.id"] == "42")
        #expect(object["hb.request.id"] == "abc")
        #expect(object["ts"] != nil)
    }
}

enum SignInPolicyFixture {
    static let custom = {
        var p = AppConfig().signIn
        p.codeLifetime = 600
        p.maxAttempts = 3
        p.resendInterval = 90
        p.perPhonePerDay = 7
        p.perAddressPerHour = 20
        p.perAddressPerDay = 100
        return p
    }()
}
