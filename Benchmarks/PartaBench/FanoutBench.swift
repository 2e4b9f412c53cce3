import ArgumentParser
import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import Synchronization
import WSCore

#if canImport(Glibc)
import Glibc
#endif

/// A class chat of `members` signed-in people on a fresh SQLite data directory, for a
/// `parta serve` process started afterwards: the tokens, and the class chat's id.
struct ClassChatFixture {
    var directory: URL
    var tokens: [String]
    var chat: Int64

    static let names = ["Анна", "Борис", "Вера", "Глеб", "Дарья", "Егор", "Жанна", "Зоя", "Иван", "Кира"]

    static func make(members: Int) async throws -> ClassChatFixture {
        let logger = benchLogger()
        let directory = scratchDirectory()
        var config = ServerConfig()
        config.dataDirectory = directory.path
        config.app.signIn.perAddressPerHour = 1_000_000
        config.app.signIn.perAddressPerDay = 1_000_000
        // A load generator sends far faster than a person may; measure delivery, not the limits.
        config.app.limits = .unlimitedRates
        config.app.limits.liveConnections = 1_000_000
        let database = try await PartaServer.openDatabase(config, logger: logger)
        let sms = BenchSMS(policy: config.app.signIn)
        var tokens: [String] = []
        var chat: Int64 = 0
        try await database.withRunning {
            _ = try await Migrator().migrate(database, logger: logger)
            // The real clock: the server process that follows runs on it.
            let parta = Parta(database: database, sms: sms, config: config.app, logger: logger)
            let system = Caller.system("bench")
            let org = try await parta.registerOrganization(system, OrganizationRegistration(
                region: "Тверская область", municipality: "г. Тверь",
                profile: OrganizationProfile(kind: .school, fullName: "Школа для замеров", shortName: "Школа"),
                administratorName: "Смирнова Ольга", administratorPhone: "+79990000010")).summary.organization.id
            let today = LocalDate(Date(), timeZone: "Europe/Moscow")
            let firstYear = today.month >= 9 ? today.year : today.year - 1
            let year = try await parta.createSchoolYear(system, organization: org, name: "\(firstYear)/\(firstYear + 1)")
            let teacher = try await parta.createPerson(system, organization: org, PersonInput(role: .teacher, surname: "Иванова", givenName: "Мария")).person.id
            let schoolClass = try await parta.createClass(system, organization: org, schoolYear: year.id, label: ClassLabel.parse("7А"), homeroomTeacher: teacher)
                .schoolClass.id
            var persons = [teacher]
            for i in 1..<members {
                let student = try await parta.createPerson(
                    system, organization: org, PersonInput(role: .student, surname: "Ученикова", givenName: Self.names[i % Self.names.count])).person.id
                _ = try await parta.createOrder(system, organization: org, student: student, kind: .enrollment, classID: schoolClass, date: today)
                persons.append(student)
            }
            for (i, person) in persons.enumerated() {
                let phone = String(format: "+7901%07d", i)
                _ = try await parta.requestSignInCode(phone: phone, clientAddress: "127.0.0.1")
                let code = sms.codes.withLock { $0[phone] }!
                let result = try await parta.verifySignInCode(phone: phone, code: code, deviceName: "bench", userAgent: "bench", clientAddress: "127.0.0.1")
                let principal = try await parta.authenticate(token: result.token)!
                let link = try await parta.createLinkCode(system, organization: org, person: person)
                _ = try await parta.confirmLinkCode(principal, code: link.code, clientAddress: "127.0.0.1")
                tokens.append(result.token)
            }
            let principal = try await parta.authenticate(token: tokens[0])!
            let chats = try await parta.myChats(principal)
            chat = chats.first { $0.entry.chat.kind == .classChat }!.entry.chat.id.rawValue
            let members = try await database.read { store in try await store.chatAudiences([ChatID(chat)]) }[ChatID(chat)]?.members.count ?? 0
            precondition(members == persons.count, "the class chat has \(members) members, not \(persons.count)")
        }
        return ClassChatFixture(directory: directory, tokens: tokens, chat: chat)
    }
}

/// `parta serve` as a separate process, so that its CPU time and memory can be read from /proc.
final class ServerProcess {
    let process = Process()
    let port = freePort()

    init(dataDirectory: URL, binary: String?, environment: [String: String] = [:]) throws {
        let binary = binary ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("parta").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("No parta binary at \(binary); build it or pass --parta.")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "\(port)", "--data-dir", dataDirectory.path, "--log-level", "error"]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARTA_") }.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    func waitReady() async throws {
        while true {
            guard process.isRunning else { throw ValidationError("parta serve exited early") }
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .milliseconds(200)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// User plus system CPU time the server used so far, in microseconds.
    var cpuMicroseconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks * 1_000_000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory now (VmRSS), in kilobytes.
    var rssKilobytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// A line on standard error, so that a long benchmark shows where it is.
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

func monotonicNanoseconds() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}

/// One benchmark client's live connection: counts the message events it receives and how long
/// each took from its sender's `send` (the text carries the send time), and answers its own
/// sends' acks to whoever waits for them.
final class BenchSocket: Sendable {
    struct State {
        var ready = false
        var deliveries = 0
        var latencies: [Double] = []
        var acks: [String: CheckedContinuation<Void, Never>] = [:]
        var early: Set<String> = []
        var closed = false
    }

    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    init(port: Int, token: String) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outgoing = continuation
        let box = StateBox()
        self.box = box
        task = Task {
            _ = try? await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/ws", logger: benchLogger()) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in stream { try await outbound.writeTextMessage(text) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        box.receive(text)
                    }
                    group.cancelAll()
                }
            }
            box.close()
        }
        continuation.yield(#"{"type":"auth","token":"\#(token)"}"#)
    }

    private let box: StateBox

    func waitReady() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !box.isReady {
            if box.isClosed || ContinuousClock.now > deadline { throw ValidationError("a live connection did not become ready") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Sends a message and waits for its ack.
    func send(chat: Int64, clientID: String, text: String) async {
        await withCheckedContinuation { continuation in
            box.expect(clientID, continuation)
            outgoing.yield(#"{"type":"send","req":"\#(clientID)","chat_id":\#(chat),"client_id":"\#(clientID)","text":"\#(text)"}"#)
        }
    }

    var deliveries: Int { box.deliveries }
    var latencies: [Double] { box.latencies }

    func close() async {
        outgoing.finish()
        await task.value
    }

    final class StateBox: Sendable {
        private let state = Mutex(State())

        var isReady: Bool { state.withLock { $0.ready } }
        var isClosed: Bool { state.withLock { $0.closed } }
        var deliveries: Int { state.withLock { $0.deliveries } }
        var latencies: [Double] { state.withLock { $0.latencies } }

        func expect(_ req: String, _ continuation: CheckedContinuation<Void, Never>) {
            let done = state.withLock { state in
                if state.early.remove(req) != nil { return true }
                state.acks[req] = continuation
                return false
            }
            if done { continuation.resume() }
        }

        func receive(_ text: String) {
            let now = monotonicNanoseconds()
            // Cheap parsing: the benchmark's own frames have a known shape.
            if text.contains(#""type":"ready""#) {
                state.withLock { $0.ready = true }
            } else if text.contains(#""kind":"message""#), let range = text.range(of: "t="),
                let sent = UInt64(text[range.upperBound...].prefix { $0.isNumber }) {
                state.withLock { state in
                    state.deliveries += 1
                    state.latencies.append(Double(now &- sent) / 1_000_000)
                }
            } else if text.contains(#""type":"ack""#), let range = text.range(of: #""req":""#) {
                let req = String(text[range.upperBound...].prefix { $0 != "\"" })
                let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    if let waiting = state.acks.removeValue(forKey: req) { return waiting }
                    state.early.insert(req)
                    return nil
                }
                continuation?.resume()
            }
        }

        func close() {
            let waiting = state.withLock { state in
                state.closed = true
                defer { state.acks.removeAll() }
                return Array(state.acks.values)
            }
            for continuation in waiting { continuation.resume() }
        }
    }
}

/// BENCH fanout_class_*: a class chat of 30 connected members, 5 of them sending 200 messages
/// each (the next after the previous one's ack), to a `parta serve` process on SQLite.
struct Fanout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout", abstract: "BENCH fanout_class_deliveries_per_s, _latency_p99_ms, _server_cpu_us_per_delivery.")

    @Option(help: "The parta binary (default: next to this one).") var parta: String?
    @Option var members = 30
    @Option var senders = 5
    @Option var messages = 200
    @Option(help: "The server's SQLite synchronous setting: FULL (the default, survives power loss) or NORMAL.")
    var sqliteSynchronous = "FULL"

    func run() async throws {
        let fixture = try await ClassChatFixture.make(members: members)
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        progress("fanout: a class chat of \(members) set up")
        let server = try ServerProcess(
            dataDirectory: fixture.directory, binary: parta, environment: ["PARTA_SQLITE_SYNCHRONOUS": sqliteSynchronous])
        defer { server.stop() }
        try await server.waitReady()
        let sockets = fixture.tokens.map { BenchSocket(port: server.port, token: $0) }
        for socket in sockets { try await socket.waitReady() }
        progress("fanout: \(sockets.count) connections ready")

        let (chat, messages) = (fixture.chat, self.messages)
        let cpuBefore = server.cpuMicroseconds
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for (index, sender) in sockets.prefix(senders).enumerated() {
                group.addTask {
                    for k in 0..<messages {
                        await sender.send(chat: chat, clientID: "b\(index)-\(k)", text: "Сообщение t=\(monotonicNanoseconds())")
                    }
                }
            }
        }
        // Every member's connection hears every message.
        let expected = senders * messages * sockets.count
        let deadline = ContinuousClock.now + .seconds(60)
        while sockets.map(\.deliveries).reduce(0, +) < expected && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - start
        let cpu = server.cpuMicroseconds - cpuBefore
        let delivered = sockets.map(\.deliveries).reduce(0, +)
        guard delivered == expected else { throw ValidationError("delivered \(delivered) of \(expected)") }
        let latencies = sockets.flatMap(\.latencies).sorted()
        bench("fanout_class_deliveries_per_s", Double(delivered) / (elapsed.milliseconds / 1000), "per_s")
        bench("fanout_class_latency_p50_ms", latencies[latencies.count / 2], "ms")
        bench("fanout_class_latency_p99_ms", latencies[min(latencies.count - 1, latencies.count * 99 / 100)], "ms")
        bench("fanout_class_server_cpu_us_per_delivery", cpu / Double(delivered), "us")
        for socket in sockets { await socket.close() }
    }
}

/// BENCH idle_ws_rss_kb_per_conn: the server's resident memory per idle, signed-in live connection.
struct IdleConnections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "idle-ws", abstract: "BENCH idle_ws_rss_kb_per_conn.")

    @Option(help: "The parta binary (default: next to this one).") var parta: String?
    @Option var connections = 10_000
    @Option(help: "Connections opened at once.") var concurrency = 64

    func run() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard Int(limit.rlim_cur) > connections + 256 else {
            throw ValidationError("open-file limit \(limit.rlim_cur) is too low for \(connections) connections")
        }
        let fixture = try await ClassChatFixture.make(members: 30)
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let server = try ServerProcess(dataDirectory: fixture.directory, binary: parta)
        defer { server.stop() }
        try await server.waitReady()
        // Warm up: the first few connections allocate what every connection shares.
        var sockets = fixture.tokens.map { BenchSocket(port: server.port, token: $0) }
        for socket in sockets { try await socket.waitReady() }
        try await Task.sleep(for: .milliseconds(500))
        let before = server.rssKilobytes
        var opened = 0
        while opened < connections {
            let batch = (0..<min(concurrency, connections - opened)).map { i in
                BenchSocket(port: server.port, token: fixture.tokens[(opened + i) % fixture.tokens.count])
            }
            for socket in batch { try await socket.waitReady() }
            sockets += batch
            opened += batch.count
        }
        try await Task.sleep(for: .seconds(2))
        let after = server.rssKilobytes
        bench("idle_ws_rss_kb_per_conn", Double(after - before) / Double(connections), "kb")
        for socket in sockets { await socket.close() }
    }
}
