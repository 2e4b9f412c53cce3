import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Benchmarks that print `BENCH <name> <value> <unit>` lines. Build in release:
/// `swift build -c release && .build/release/parta-bench all`.
@main
struct PartaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parta-bench",
        abstract: "Parta benchmarks; each prints BENCH <name> <value> <unit>.",
        subcommands: [Startup.self, SignIn.self, OneRosterImport.self, ChatSync.self, Fanout.self, IdleConnections.self, CallBench.self, StatsBench.self, All.self],
        defaultSubcommand: All.self)
}

struct All: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every benchmark with its default size.")

    func run() async throws {
        try await Startup.parse([]).run()
        try await SignIn.parse([]).run()
        try await OneRosterImport.parse([]).run()
        try await ChatSync.parse([]).run()
        try await Fanout.parse([]).run()
        try await IdleConnections.parse([]).run()
    }
}

func bench(_ name: String, _ value: Double, _ unit: String) {
    FileHandle.standardOutput.write(Data("BENCH \(name) \(String(format: "%.1f", value)) \(unit)\n".utf8))
}

/// A logger that speaks only of errors, so that it never disturbs a measurement.
func benchLogger() -> Logger {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}

/// A fresh data directory under the system's temporary directory; the caller removes it.
func scratchDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("parta-bench-\(UUID().uuidString)")
}

func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, length) }
    }
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Start of `parta serve` on an empty data directory until `/readyz` answers 200.
struct Startup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "BENCH startup_ms: process start to /readyz on an empty data dir.")

    @Option(help: "The parta binary (default: next to this one).") var parta: String?
    @Option(help: "Runs; the median is printed.") var runs = 7

    func run() async throws {
        let binary = parta ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parta").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("No parta binary at \(binary); build it or pass --parta.")
        }
        var samples: [Double] = []
        for _ in 0..<runs {
            let directory = scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let port = freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", "--port", "\(port)", "--data-dir", directory.path, "--log-level", "error"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let start = ContinuousClock.now
            try process.run()
            var ready = false
            while !ready {
                guard process.isRunning else { throw ValidationError("parta serve exited early") }
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
                request.method = .GET
                if let response = try? await HTTPClient.shared.execute(request, timeout: .milliseconds(200)), response.status == .ok {
                    ready = true
                } else {
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            samples.append((ContinuousClock.now - start).milliseconds)
            process.terminate()
            process.waitUntilExit()
        }
        bench("startup_ms", median(samples), "ms")
    }
}

/// Remembers the last code per phone (the gateway a benchmark talks to).
final class BenchSMS: SMSSender {
    let codes = Mutex<[String: String]>([:])
    let policy: SignInPolicy

    init(policy: SignInPolicy) {
        self.policy = policy
    }

    func send(_ message: SMSMessage) async throws {
        let code = policy.code(inSMS: message.text)
        codes.withLock { $0[message.phone.e164] = code }
    }
}

/// Full sign-ins (request a code, verify it) per second over real HTTP against an in-process
/// server on an embedded database, with concurrent clients.
struct SignIn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "BENCH signin_per_s: code request + verification over HTTP.")

    @Option(help: "Sign-ins (distinct phones).") var count = 2000
    @Option(help: "Concurrent clients.") var concurrency = 16
    @Option(help: "postgres://… to measure on PostgreSQL instead of SQLite.") var databaseURL: String?

    func run() async throws {
        let logger = benchLogger()
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var config = ServerConfig()
        config.port = freePort()
        config.dataDirectory = directory.path
        config.databaseURL = databaseURL
        config.app.signIn.perAddressPerHour = 1_000_000
        config.app.signIn.perAddressPerDay = 1_000_000
        config.app.limits = .unlimitedRates
        config.app.limits.liveConnections = 1_000_000
        let database = try await PartaServer.openDatabase(config, logger: logger)
        let sms = BenchSMS(policy: config.app.signIn)
        let parta = Parta(database: database, sms: sms, config: config.app, logger: logger)
        let app = PartaServer.buildApplication(parta: parta, config: config, logger: logger)
        let group = ServiceGroup(services: [database, app], gracefulShutdownSignals: [], logger: logger)
        let base = "http://127.0.0.1:\(config.port)"
        let count = self.count, concurrency = self.concurrency

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            _ = try await Migrator().migrate(database, logger: logger)
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { clients in
                for client in 0..<concurrency {
                    clients.addTask {
                        var i = client
                        while i < count {
                            try await Self.signIn(base: base, phone: String(format: "+7900%07d", i), sms: sms)
                            i += concurrency
                        }
                    }
                }
                try await clients.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            bench("signin_per_s", Double(count) / (elapsed.milliseconds / 1000), "per_s")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func post(_ url: String, _ body: [String: String]) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    }

    static func signIn(base: String, phone: String, sms: BenchSMS) async throws {
        let sent = try await post(base + "/api/v1/auth/code", ["phone": phone])
        _ = try await sent.body.collect(upTo: 1 << 16)
        guard sent.status == .accepted, let code = sms.codes.withLock({ $0[phone] }) else {
            throw ValidationError("code request failed: \(sent.status)")
        }
        let verified = try await post(base + "/api/v1/auth/verify", ["phone": phone, "code": code])
        _ = try await verified.body.collect(upTo: 1 << 16)
        guard verified.status == .ok else { throw ValidationError("verify failed: \(verified.status)") }
    }
}
