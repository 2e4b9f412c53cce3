import Foundation
import Logging
public import PartaDomain
public import PartaStore
public import ServiceLifecycle
import Synchronization

/// Writes the frames live connections receive (PartaHTTP encodes them as JSON,
/// docs/protocol.md). The hub encodes each event once, whatever the number of recipients.
public protocol LiveFrameEncoder: Sendable {
    func event(_ event: LiveEvent) -> String
    /// The first frame after authentication: my chats and, for each, the cursor after which
    /// events follow; and the chats the client named that I am no longer in.
    func ready(chats: [MessengerChat], cursors: [ChatID: Int64], removed: [ChatID]) -> String
    /// A chat I was added to, or whose entry changed for me (my role); events after `cursor` follow.
    func chat(_ chat: MessengerChat, cursor: Int64) -> String
    func chatRemoved(_ chat: ChatID) -> String
}

/// Why the server ended a live connection.
public enum LiveEnd: Error, Sendable, Equatable {
    /// The client did not read its frames fast enough: its queue filled up.
    case tooSlow
    /// The session was signed out or expired.
    case sessionEnded
    /// The server is shutting down.
    case serverStopping
    /// The account already holds as many live connections as it may (`RateLimits.liveConnections`).
    case tooManyConnections
}

/// A frame of one chat event, encoded once and shared by every recipient.
public struct LiveFrame: Sendable {
    public var seq: Int64
    public var text: String
}

/// What the hub hands one connection, in order.
enum LiveSignal: Sendable {
    case events(ChatID, [LiveFrame])
    /// The account joined the chat (or its role changed) at `seq`; or left it.
    case membership(ChatID, seq: Int64, member: Bool)
    /// A reply to the client's own command.
    case reply(String)
}

/// One live connection as the hub sees it: who it is, and a bounded queue of signals. When the
/// queue is full the connection is cut off (`LiveEnd.tooSlow`) rather than buffered without bound.
public final class LiveConnection: Sendable {
    let id: Int
    public let account: AccountID
    let signals: AsyncStream<LiveSignal>
    private let continuation: AsyncStream<LiveSignal>.Continuation
    private let ending = Mutex<LiveEnd?>(nil)
    /// Chats the account left, with the event that took it out: the stream reads these between
    /// pages and frames, ahead of the queue, so a connection busy catching up stops at once.
    private let removals = Mutex<[ChatID: Int64]>([:])

    init(id: Int, account: AccountID, queueLimit: Int) {
        self.id = id
        self.account = account
        (signals, continuation) = AsyncStream.makeStream(of: LiveSignal.self, bufferingPolicy: .bufferingOldest(queueLimit))
    }

    func push(_ signal: LiveSignal) {
        if case .dropped = continuation.yield(signal) { end(.tooSlow) }
    }

    /// Sends a reply to the client's command after everything queued before it.
    public func reply(_ frame: String) { push(.reply(frame)) }

    /// The account left `chat` at `seq`: noted for the stream at once, and queued in order.
    func removed(from chat: ChatID, at seq: Int64) {
        removals.withLock { $0[chat] = max($0[chat] ?? 0, seq) }
        push(.membership(chat, seq: seq, member: false))
    }

    /// The removals noted since the last call.
    func takeRemovals() -> [ChatID: Int64] {
        removals.withLock { removals in
            defer { removals = [:] }
            return removals
        }
    }

    /// Ends the connection: the stream's `next()` throws `reason` at once, leaving what was queued.
    public func end(_ reason: LiveEnd) {
        ending.withLock { if $0 == nil { $0 = reason } }
        continuation.finish()
    }

    /// Why the server ended the connection, once it has.
    public var endReason: LiveEnd? { ending.withLock { $0 } }
}

/// Live delivery (docs/architecture.md, "The messenger"): after every commit that appended chat
/// events — on this node, or on another one heard through PostgreSQL NOTIFY — the hub reads the
/// new events once and hands them to the connections of the chats' members. Each connection
/// keeps a cursor per chat and fills any gap from the database, so it sees every event after its
/// cursor once and in order. Who is in a chat is re-read from the database at every membership
/// event, so a member removed by the roster stops receiving from that event on.
public final class LiveHub: Service, Sendable {
    let parta: Parta
    let encoder: any LiveFrameEncoder
    /// Signals a connection may have queued before it is cut off.
    public let queueLimit: Int
    /// Work for the hub's task; `nil` once the hub stopped.
    private let inbox = Mutex<[Work]?>([])
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let nextID = Mutex(0)
    private let logger: Logger

    enum Work: Sendable {
        case touched([ChatID: ChatTouch])
        case connect(LiveConnection, CheckedContinuation<Void, any Error>)
        case disconnect(LiveConnection)
        /// Re-read every tracked chat (after (re)starting to listen to other nodes).
        case catchUp
    }

    public init(parta: Parta, encoder: any LiveFrameEncoder, queueLimit: Int = 1024) {
        self.parta = parta
        self.encoder = encoder
        self.queueLimit = queueLimit
        self.logger = parta.logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        parta.database.onChatEvents { [weak self] chats in self?.submit(.touched(chats)) }
    }

    private func submit(_ work: Work) {
        let accepted = inbox.withLock { inbox in
            guard inbox != nil else { return false }
            inbox?.append(work)
            return true
        }
        if accepted {
            wakeContinuation.yield()
        } else if case .connect(let connection, let continuation) = work {
            connection.end(.serverStopping)
            continuation.resume(throwing: LiveEnd.serverStopping)
        }
    }

    /// Registers a connection for `principal`: from now on it hears of its chats' events.
    public func connect(_ principal: Principal) async throws -> LiveConnection {
        let id = nextID.withLock { $0 += 1; return $0 }
        let connection = LiveConnection(id: id, account: principal.account.id, queueLimit: queueLimit)
        try await withCheckedThrowingContinuation { continuation in submit(.connect(connection, continuation)) }
        return connection
    }

    /// The frames for a registered connection, read by one task: the `ready` frame, then what the
    /// client missed after `cursors`, then live events.
    public func stream(for connection: LiveConnection, cursors: [ChatID: Int64]) -> LiveStream {
        LiveStream(hub: self, connection: connection, clientCursors: cursors)
    }

    /// Forgets a connection (the client went away).
    public func disconnect(_ connection: LiveConnection) {
        submit(.disconnect(connection))
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.process() }
            group.addTask {
                await self.parta.database.listenToOtherNodes { [weak self] in self?.submit(.catchUp) }
            }
            try? await gracefulShutdown()
            wakeContinuation.finish()
            group.cancelAll()
        }
    }

    // MARK: The hub's own task: all state below is owned by it.

    private struct Tracked {
        /// Events up to here were read and handed out.
        var cursor: Int64
        var members: [AccountID: Bool]
        var subscribers: [Int: LiveConnection]
    }

    private struct State {
        var connections: [Int: LiveConnection] = [:]
        var byAccount: [AccountID: Set<Int>] = [:]
        var chatsOf: [Int: Set<ChatID>] = [:]
        var chats: [ChatID: Tracked] = [:]
    }

    private func process() async {
        var state = State()
        for await _ in wake {
            let work = inbox.withLock { work in defer { work = [] }; return work ?? [] }
            var touched: [ChatID: ChatTouch] = [:]
            for item in work {
                if case .touched(let chats) = item {
                    touched.merge(chats) { $0.merged(with: $1) }
                    continue
                }
                await deliver(touched, &state)
                touched = [:]
                switch item {
                case .touched: break
                case .connect(let connection, let continuation):
                    do {
                        try await register(connection, &state)
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                case .disconnect(let connection):
                    unregister(connection, &state)
                case .catchUp:
                    touched = state.chats.mapValues { ChatTouch(firstSeq: $0.cursor + 1, membership: false) }
                }
            }
            await deliver(touched, &state)
        }
        for connection in state.connections.values { connection.end(.serverStopping) }
        for item in inbox.withLock({ work in defer { work = nil }; return work ?? [] }) {
            if case .connect(let connection, let continuation) = item {
                connection.end(.serverStopping)
                continuation.resume(throwing: LiveEnd.serverStopping)
            }
        }
    }

    private func register(_ connection: LiveConnection, _ state: inout State) async throws {
        let account = connection.account
        guard (state.byAccount[account]?.count ?? 0) < parta.config.limits.liveConnections else {
            connection.end(.tooManyConnections)
            throw LiveEnd.tooManyConnections
        }
        let tracked = Set(state.chats.keys)
        let (chats, audiences) = try await parta.database.read { store in
            let chats = try await store.memberChats(of: account)
            return (chats, try await store.chatAudiences(chats.filter { !tracked.contains($0) }))
        }
        for (chat, audience) in audiences {
            state.chats[chat] = Tracked(cursor: audience.lastSeq, members: audience.members, subscribers: subscribers(of: audience.members, state))
        }
        state.connections[connection.id] = connection
        state.byAccount[account, default: []].insert(connection.id)
        for chat in chats {
            state.chats[chat]?.subscribers[connection.id] = connection
            if state.chats[chat]?.members[account] == nil { state.chats[chat]?.members[account] = false }
        }
        state.chatsOf[connection.id] = Set(chats)
    }

    private func unregister(_ connection: LiveConnection, _ state: inout State) {
        state.connections[connection.id] = nil
        state.byAccount[connection.account]?.remove(connection.id)
        if state.byAccount[connection.account]?.isEmpty == true { state.byAccount[connection.account] = nil }
        for chat in state.chatsOf.removeValue(forKey: connection.id) ?? [] {
            state.chats[chat]?.subscribers[connection.id] = nil
            if state.chats[chat]?.subscribers.isEmpty == true { state.chats[chat] = nil }
        }
    }

    private func subscribers(of members: [AccountID: Bool], _ state: State) -> [Int: LiveConnection] {
        var result: [Int: LiveConnection] = [:]
        for account in members.keys {
            for id in state.byAccount[account] ?? [] { result[id] = state.connections[id] }
        }
        return result
    }

    /// Reads what the touched chats appended and hands it out. A chat nobody connected is in
    /// matters only when its membership changed (someone connected may have joined).
    private func deliver(_ touched: [ChatID: ChatTouch], _ state: inout State) async {
        guard !touched.isEmpty else { return }
        for (chat, touch) in touched where state.chats[chat] == nil && touch.membership {
            state.chats[chat] = Tracked(cursor: touch.firstSeq - 1, members: [:], subscribers: [:])
        }
        var ranges = touched.keys.compactMap { chat in state.chats[chat].map { (chat: chat, after: $0.cursor, through: Int64?.none) } }
        let limit = 1000
        while !ranges.isEmpty {
            let events: [LiveEvent]
            do {
                events = try await parta.database.read { store in try await store.liveEvents(ranges, limit: limit) }
            } catch {
                // The next commit in these chats, or a client's gap fill, brings them.
                logger.error("live.read_failed", metadata: ["error": "\(Store.describe(error))"])
                return
            }
            var byChat: [ChatID: [LiveEvent]] = [:]
            for event in events { byChat[event.record.chat, default: []].append(event) }
            for (chat, chatEvents) in byChat { await hand(chatEvents, of: chat, &state) }
            guard events.count >= limit, let last = events.last else { break }
            // The last chat read may have more; the chats after it in the order were not read.
            ranges = ranges.filter { $0.chat >= last.record.chat }.map { range in
                (chat: range.chat, after: state.chats[range.chat]?.cursor ?? range.after, through: nil)
            }
        }
        for chat in touched.keys where state.chats[chat]?.subscribers.isEmpty == true {
            state.chats[chat] = nil
        }
    }

    private func hand(_ events: [LiveEvent], of chat: ChatID, _ state: inout State) async {
        guard var tracked = state.chats[chat] else { return }
        var frames: [LiveFrame] = []
        func flush() {
            guard !frames.isEmpty else { return }
            for connection in tracked.subscribers.values { connection.push(.events(chat, frames)) }
            frames = []
        }
        for event in events where event.record.seq > tracked.cursor {
            if ChatEvent.changesMembership(kind: event.record.kind) {
                flush()
                let audience: ChatAudience
                do {
                    audience = try await parta.database.read { store in try await store.chatAudiences([chat]) }[chat]
                        ?? ChatAudience(lastSeq: event.record.seq, members: [:])
                } catch {
                    logger.error("live.read_failed", metadata: ["error": "\(Store.describe(error))"])
                    audience = ChatAudience(lastSeq: event.record.seq, members: tracked.members)
                }
                let seq = event.record.seq
                for account in tracked.members.keys where audience.members[account] == nil {
                    for id in state.byAccount[account] ?? [] {
                        tracked.subscribers[id]?.removed(from: chat, at: seq)
                        tracked.subscribers[id] = nil
                        state.chatsOf[id]?.remove(chat)
                    }
                }
                for (account, admin) in audience.members where tracked.members[account] != admin {
                    for id in state.byAccount[account] ?? [] {
                        guard let connection = state.connections[id] else { continue }
                        connection.push(.membership(chat, seq: seq, member: true))
                        tracked.subscribers[id] = connection
                        state.chatsOf[id, default: []].insert(chat)
                    }
                }
                tracked.members = audience.members
            }
            frames.append(LiveFrame(seq: event.record.seq, text: encoder.event(event)))
            tracked.cursor = event.record.seq
        }
        flush()
        state.chats[chat] = tracked
    }
}

/// One connection's stream of frames, read by one task: the `ready` frame, then what the client
/// missed, then live events — for each chat every event after the client's cursor, once, in order.
public struct LiveStream {
    let hub: LiveHub
    public let connection: LiveConnection
    private var clientCursors: [ChatID: Int64]
    private var signals: AsyncStream<LiveSignal>.AsyncIterator
    private var cursors: [ChatID: Int64] = [:]
    /// Chats to replay, each up to its last event when `ready` was written: what came later
    /// arrives through the hub, which stops it at the moment the account leaves the chat.
    private var replay: [(chat: ChatID, through: Int64)] = []
    /// The event that (re)admitted the account to a chat after `ready`; a removal before it is stale.
    private var joined: [ChatID: Int64] = [:]
    private var started = false
    static let page = 200

    init(hub: LiveHub, connection: LiveConnection, clientCursors: [ChatID: Int64]) {
        self.hub = hub
        self.connection = connection
        self.clientCursors = clientCursors
        self.signals = connection.signals.makeAsyncIterator()
    }

    /// The next frames to write; `nil` once the connection ended normally. Throws `LiveEnd` when
    /// the server ended it.
    public mutating func next() async throws -> [String]? {
        if !started {
            started = true
            return [try await ready()]
        }
        // Between pages of the replay, and before every signal, an ended connection stops and a
        // chat the account left is dropped (`chat_removed`) — ahead of whatever is queued.
        while let (chat, through) = replay.first.map({ ($0.chat, $0.through) }) {
            let urgent = try urgentFrames()
            if !urgent.isEmpty { return urgent }
            let frames = try await fill(chat, through: through)
            if frames.count < Self.page || (cursors[chat] ?? through) >= through { replay.removeFirst() }
            if !frames.isEmpty { return frames.map(\.text) }
        }
        while true {
            // An ended connection stops at once: what is still queued is not written (the client
            // resumes from its cursors).
            let urgent = try urgentFrames()
            if !urgent.isEmpty { return urgent }
            guard let signal = await signals.next() else {
                if let reason = connection.endReason { throw reason }
                return nil
            }
            let frames = try await take(signal)
            if !frames.isEmpty { return frames }
        }
    }

    /// Throws when the connection ended; `chat_removed` for chats the account left meanwhile.
    private mutating func urgentFrames() throws -> [String] {
        if let reason = connection.endReason { throw reason }
        var frames: [String] = []
        for (chat, seq) in connection.takeRemovals().sorted(by: { $0.key < $1.key }) where seq > joined[chat] ?? 0 {
            guard cursors.removeValue(forKey: chat) != nil else { continue }
            replay.removeAll { $0.chat == chat }
            frames.append(hub.encoder.chatRemoved(chat))
        }
        return frames
    }

    private mutating func ready() async throws -> String {
        let chats = try await hub.parta.myChats(connection.account)
        var removed = Set(clientCursors.keys)
        for chat in chats {
            let id = chat.entry.chat.id
            removed.remove(id)
            if let cursor = clientCursors[id], cursor < chat.entry.lastSeq {
                cursors[id] = max(0, cursor)
                replay.append((chat: id, through: chat.entry.lastSeq))
            } else {
                cursors[id] = chat.entry.lastSeq
            }
        }
        clientCursors = [:]
        return hub.encoder.ready(chats: chats, cursors: cursors, removed: removed.sorted())
    }

    /// Reads the chat's events after my cursor (up to `through`) from the database.
    private mutating func fill(_ chat: ChatID, through: Int64?) async throws -> [LiveFrame] {
        guard let cursor = cursors[chat] else { return [] }
        let events = try await hub.parta.database.read { store in
            try await store.liveEvents([(chat: chat, after: cursor, through: through)], limit: Self.page)
        }
        if let last = events.last { cursors[chat] = last.record.seq }
        return events.map { LiveFrame(seq: $0.record.seq, text: hub.encoder.event($0)) }
    }

    private mutating func take(_ signal: LiveSignal) async throws -> [String] {
        switch signal {
        case .reply(let frame):
            return [frame]
        case .events(let chat, let frames):
            var out: [String] = []
            for frame in frames {
                guard let cursor = cursors[chat] else { return out }
                if frame.seq <= cursor { continue }
                while let cursor = cursors[chat], frame.seq > cursor + 1 {
                    let missed = try await fill(chat, through: frame.seq - 1)
                    out += missed.map(\.text)
                    if missed.isEmpty { break }
                }
                out.append(frame.text)
                cursors[chat] = frame.seq
            }
            return out
        case .membership(let chat, let seq, let member):
            let entry = member ? try await hub.parta.myChat(connection.account, chat: chat) : nil
            guard let entry else {
                replay.removeAll { $0.chat == chat }
                return cursors.removeValue(forKey: chat) == nil ? [] : [hub.encoder.chatRemoved(chat)]
            }
            joined[chat] = max(joined[chat] ?? 0, seq)
            let cursor = cursors[chat] ?? seq
            cursors[chat] = cursor
            return [hub.encoder.chat(entry, cursor: cursor)]
        }
    }
}
