import ArgumentParser
import Foundation

/// `parta-bench call`: a class of 30 on a `parta serve` process with a real Janus, and WebRTC
/// clients (aiortc, `Benchmarks/call_clients.py`) acting as the teacher and 29 students. Janus
/// will not use a loopback interface: run it in the namespace the test scripts make —
/// `unshare --net -- scripts/lib/netns-media.sh .build/release/parta-bench call` (as root).
struct CallBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "BENCH call_join_first_frame_p50/_p95 (ms), call_janus_cpu_per_subscriber and call_parta_cpu_per_subscriber (%core).")

    @Option(help: "The parta binary (default: next to this one).") var parta: String?
    @Option(help: "Python with aiortc (installed into it when missing).") var python = ".build/test-venv/bin/python"
    @Option var joins = 20
    @Option var subscribers = 29
    @Option(help: "Seconds the subscribers watch while CPU is measured.") var window = 20

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard let janus = env["PARTA_MEDIA_JANUS_URL"] ?? env["PARTA_JANUS_URL"],
            let key = env["PARTA_MEDIA_JANUS_ADMIN_KEY"] ?? env["PARTA_JANUS_ADMIN_KEY"], let janusPID = env["PARTA_JANUS_PID"]
        else {
            throw ValidationError(
                "No Janus: run it as `unshare --net -- scripts/lib/netns-media.sh .build/release/parta-bench call` (PARTA_JANUS_URL, _ADMIN_KEY, _PID).")
        }
        try ensureAiortc()
        let fixture = try await ClassChatFixture.make(members: subscribers + 1)
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        progress("call: a class of \(subscribers + 1) set up")
        let server = try ServerProcess(
            dataDirectory: fixture.directory, binary: parta,
            environment: ["PARTA_JANUS_URL": janus, "PARTA_JANUS_ADMIN_KEY": key, "PARTA_LIMIT_CALLS": "off", "PARTA_LIMIT_LIVE_CONNECTIONS": "1000"])
        defer { server.stop() }
        try await server.waitReady()
        let description = fixture.directory.appendingPathComponent("call-fixture.json")
        let json: [String: Any] = [
            "url": "http://127.0.0.1:\(server.port)", "chat": fixture.chat, "tokens": fixture.tokens,
            "parta_pid": Int(server.process.processIdentifier), "janus_pid": Int(janusPID) ?? 0,
        ]
        try JSONSerialization.data(withJSONObject: json).write(to: description)
        let clients = Process()
        clients.executableURL = URL(fileURLWithPath: python)
        clients.arguments = [
            "Benchmarks/call_clients.py", description.path, "--joins", "\(joins)", "--subscribers", "\(subscribers)", "--window", "\(window)",
        ]
        try clients.run()
        clients.waitUntilExit()
        guard clients.terminationStatus == 0 else { throw ValidationError("the call clients failed (\(clients.terminationStatus))") }
    }

    /// aiortc from PyPI in the given Python, installed when it is missing.
    func ensureAiortc() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: python)
        check.arguments = ["-c", "import aiortc, requests"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus != 0 else { return }
        progress("call: installing aiortc into \(python)")
        let install = Process()
        install.executableURL = URL(fileURLWithPath: python)
        install.arguments = ["-m", "pip", "install", "--quiet", "aiortc", "requests"]
        try install.run()
        install.waitUntilExit()
        guard install.terminationStatus == 0 else { throw ValidationError("could not install aiortc into \(python)") }
    }
}
