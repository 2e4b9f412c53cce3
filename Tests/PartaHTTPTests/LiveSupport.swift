import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization
import Testing
import WSCore

/// A frame received on the live connection.
struct Frame: @unchecked Sendable, CustomStringConvertible {
    let json: [String: Any]
    let text: String

    var type: String { json["type"] as? String ?? "" }
    subscript(key: String) -> Any? { json[key] }
    var chatID: Int64? { (json["chat_id"] as? NSNumber)?.int64Value }
    var seq: Int64? { (json["seq"] as? NSNumber)?.int64Value }
    var kind: String? { json["kind"] as? String }
    var message: [String: Any]? { json["message"] as? [String: Any] }
    var messageText: String? { message?["text"] as? String }
    var error: String? { json["error"] as? String }
    var description: String { text }

    init(json: [String: Any], text: String) {
        self.json = json
        self.text = text
    }

    init(_ text: String) {
        self.init(json: (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:], text: text)
    }
}

/// A real WebSocket client of `/api/v1/ws` for tests: frames are collected as they arrive and
/// read in order; `send` writes a JSON frame; the close frame the server sent is kept.
final class LiveSocket: Sendable {
    private final class Received: Sendable {
        let frames = Mutex<[String]>([])
    }

    private let inbox = Received()
    private let readIndex = Mutex(ReadState())
    private struct ReadState {
        var index = 0
        var taken: Set<Int> = []
    }
    private let outgoing: AsyncStream<String>.Continuation
    /// How the connection ended, once it has: the server's close frame or the error.
    private let ended = Ended()
    private final class Ended: Sendable {
        let result = Mutex<Result<WebSocketCloseFrame?, any Error>?>(nil)
    }
    /// A slow reader: after `readsBeforePause` frames the client stops reading from the socket
    /// (the server's writes back up in TCP) until `resumeReading()`.
    private final class Gate: Sendable {
        let state = Mutex<(limit: Int?, waiter: CheckedContinuation<Void, Never>?)>((nil, nil))

        func wait(after count: Int) async {
            await withCheckedContinuation { continuation in
                let proceed = state.withLock { state in
                    guard let limit = state.limit, count >= limit else { return true }
                    state.waiter = continuation
                    return false
                }
                if proceed { continuation.resume() }
            }
        }

        func open() {
            state.withLock { state in
                state.limit = nil
                defer { state.waiter = nil }
                return state.waiter
            }?.resume()
        }
    }
    private let gate = Gate()

    /// Connects; when `token` is given, authenticates with `cursors` first.
    init(port: Int, token: String?, cursors: [Int64: Int64] = [:], readsBeforePause: Int? = nil) {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        outgoing = continuation
        let inbox = self.inbox
        let ended = self.ended
        let gate = self.gate
        gate.state.withLock { $0.limit = readsBeforePause }
        Task {
            do {
                let frame = try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/ws", logger: Logger(label: "test-ws")) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in stream { try await outbound.writeTextMessage(text) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    var count = 0
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        if case .text(let text) = message { inbox.frames.withLock { $0.append(text) } }
                        count += 1
                        await gate.wait(after: count)
                    }
                    group.cancelAll()
                }
            }
                ended.result.withLock { $0 = .success(frame) }
            } catch {
                ended.result.withLock { $0 = .failure(error) }
            }
        }
        if let token {
            send(["type": "auth", "token": token, "cursors": Dictionary(uniqueKeysWithValues: cursors.map { ("\($0.key)", $0.value) })])
        }
    }

    func send(_ frame: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: frame)) ?? Data()
        outgoing.yield(String(decoding: data, as: UTF8.self))
    }

    func sendRaw(_ text: String) { outgoing.yield(text) }

    /// A paused reader (`readsBeforePause`) reads again.
    func resumeReading() { gate.open() }

    /// The next frame not read yet, waiting up to `timeout` seconds.
    func next(timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Frame {
        try await take(timeout: timeout, skipping: true) { _ in true }
    }

    /// The first unread frame satisfying `predicate`, waiting up to `timeout` seconds. With
    /// `skipping`, the frames before it count as read; without, only it does (the others are
    /// read later, in order).
    private func take(timeout: Double, skipping: Bool, _ predicate: (Frame) -> Bool) async throws -> Frame {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            let frame: Frame? = inbox.frames.withLock { frames in
                readIndex.withLock { state in
                    var index = state.index
                    while index < frames.count {
                        defer { index += 1 }
                        if state.taken.contains(index) { continue }
                        let frame = Frame(frames[index])
                        guard predicate(frame) else { continue }
                        if skipping {
                            state.index = index + 1
                        } else {
                            state.taken.insert(index)
                        }
                        return frame
                    }
                    if skipping { state.index = frames.count }
                    return nil
                }
            }
            if let frame { return frame }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw LiveTimeout(description: "no frame within \(timeout) s; received so far: \(inbox.frames.withLock { $0.map { String($0.prefix(160)) } })")
    }

    /// Skips frames until one satisfies `predicate`.
    func next(where predicate: (Frame) -> Bool, timeout: Double = 10) async throws -> Frame {
        try await take(timeout: timeout, skipping: true, predicate)
    }

    /// The reply to the command with `req`; the frames before it stay unread.
    func reply(_ req: String, timeout: Double = 10) async throws -> Frame {
        try await take(timeout: timeout, skipping: false) { ($0.type == "ack" || $0.type == "error") && $0["req"] as? String == req }
    }

    /// Frames that arrived and were not read yet (without waiting).
    func pending() -> [Frame] {
        inbox.frames.withLock { frames in
            readIndex.withLock { state in
                defer { state.index = frames.count }
                return (state.index..<frames.count).filter { !state.taken.contains($0) }.map { Frame(frames[$0]) }
            }
        }
    }

    /// Every frame received so far, read or not.
    func received() -> [Frame] {
        inbox.frames.withLock { $0.map(Frame.init) }
    }

    /// Closes from the client side.
    func close() async {
        outgoing.finish()
        _ = try? await closed()
    }

    /// Waits for the server to close the connection; its close frame.
    func closed(timeout: Double = 10) async throws -> WebSocketCloseFrame? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            if let result = ended.result.withLock({ $0 }) { return try result.get() }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw LiveTimeout(description: "the server did not close within \(timeout) s")
    }
}

struct LiveTimeout: Error, CustomStringConvertible {
    var description: String
}
