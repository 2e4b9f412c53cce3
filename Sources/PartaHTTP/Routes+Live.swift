import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import PartaApp
import PartaDomain
import PartaStore
import Synchronization

/// The live connection, `GET /api/v1/ws` upgraded to a WebSocket (docs/protocol.md): the client
/// authenticates with its first frame (tokens stay out of URLs and proxy logs), then sends
/// commands and receives its chats' events. Close codes: 4001 not signed in (or the session
/// ended), 4002 no `auth` frame in time, 4008 too slow, 1001 the server is stopping.
struct LiveRoutes {
    let parta: Parta
    let hub: LiveHub
    let config: ServerConfig.LiveConfig
    let metrics: HTTPMetrics

    /// The largest frame a client may send: a 4,000-character message in UTF-8, with room.
    static let maxClientFrame = 1 << 16

    enum Close {
        static let unauthorized = WebSocketErrorCode.unknown(4001)
        static let authTimeout = WebSocketErrorCode.unknown(4002)
        static let tooSlow = WebSocketErrorCode.unknown(4008)
        static let tooManyConnections = WebSocketErrorCode.unknown(4029)
    }

    func register(on router: Router<PartaRequestContext>) {
        router.ws("api/v1/ws") { inbound, outbound, context in
            metrics.webSocketOpened(1)
            defer { metrics.webSocketOpened(-1) }
            try await serve(inbound, outbound, clientAddress: context.requestContext.clientAddress, logger: context.logger)
        }
    }

    /// What a client sends. `type` names the command; the other fields belong to some commands.
    struct Command: Decodable {
        var type: String
        var req: String?
        var token: String?
        var cursors: [String: Int64]?
        var chatId: ChatID?
        var clientId: String?
        var text: String?
        var replyTo: MessageID?
        var messageId: MessageID?
        var seq: Int64?
        var attachmentIds: [AttachmentID]?
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    private func serve(
        _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, clientAddress: String, logger: Logger
    ) async throws {
        var messages = inbound.messages(maxSize: Self.maxClientFrame).makeAsyncIterator()
        // The first frame, in time, must be `auth`. A timer closes the connection unless a frame
        // arrived first (closing ends the inbound stream, so the read below returns nil).
        let timeout = config.authTimeoutSeconds
        let gate = Mutex(AuthGate.waiting)
        let timer = Task {
            try await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
            let expired = gate.withLock { state in
                guard state == .waiting else { return false }
                state = .expired
                return true
            }
            if expired { try await outbound.close(Close.authTimeout, reason: "auth_timeout") }
        }
        let first = try await messages.next()
        timer.cancel()
        let inTime = gate.withLock { state in
            guard state == .waiting else { return false }
            state = .received
            return true
        }
        guard inTime else { return }
        guard let first else { return }
        guard case .text(let text) = first, let auth = try? Self.decoder.decode(Command.self, from: Data(text.utf8)), auth.type == "auth",
              let token = auth.token, let principal = try await parta.authenticate(token: token)
        else {
            try await outbound.close(Close.unauthorized, reason: "unauthorized")
            return
        }
        var cursors: [ChatID: Int64] = [:]
        for (key, value) in auth.cursors ?? [:] {
            if let chat = ChatID(string: key) { cursors[chat] = value }
        }
        let connection: LiveConnection
        do {
            connection = try await hub.connect(principal)
        } catch LiveEnd.tooManyConnections {
            let limit = parta.config.limits.liveConnections
            try await outbound.writeTextMessage(Self.failure(nil, PartaError(
                .tooManyRequests(retryAfterSeconds: 30), code: "too_many_connections",
                message: "This account has \(limit) live connections open already; close one (another tab or device) first.",
                details: ["limit": .int(limit)])))
            try await outbound.close(Close.tooManyConnections, reason: "too_many_connections")
            return
        }
        defer { hub.disconnect(connection) }
        let check = config.sessionCheckSeconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Writer: the stream's frames, in order; when the server ends the connection, the
            // close frame says why (and ends the client's side, hence the reader below).
            group.addTask { [cursors] in
                var stream = hub.stream(for: connection, cursors: cursors)
                do {
                    while let frames = try await stream.next() {
                        for frame in frames {
                            // Ended (signed out, too slow) while a batch was being written: not one frame more.
                            if let reason = connection.endReason { throw reason }
                            try await outbound.writeTextMessage(frame)
                        }
                    }
                } catch let end as LiveEnd {
                    switch end {
                    case .tooSlow:
                        logger.notice("ws.too_slow", metadata: ["account": "\(principal.account.id)"])
                        try await outbound.close(Close.tooSlow, reason: "too_slow")
                    case .sessionEnded:
                        try await outbound.close(Close.unauthorized, reason: "session_ended")
                    case .serverStopping:
                        try await outbound.close(.goingAway, reason: "server_stopping")
                    case .tooManyConnections:
                        try await outbound.close(Close.tooManyConnections, reason: "too_many_connections")
                    }
                }
            }
            // The session is checked now and then: signing out elsewhere ends this connection.
            group.addTask {
                while true {
                    try await Task.sleep(for: .milliseconds(Int64(check * 1000)))
                    if try await parta.authenticate(token: token) == nil {
                        connection.end(.sessionEnded)
                        return
                    }
                }
            }
            // Reader: commands, one at a time; each answer follows the frames queued before it.
            while let message = try await messages.next() {
                guard case .text(let text) = message else {
                    connection.reply(Self.failure(nil, PartaError.invalid("invalid_frame", "Frames are JSON text.")))
                    continue
                }
                connection.reply(await execute(text, principal: principal))
            }
            group.cancelAll()
        }
    }

    enum AuthGate { case waiting, received, expired }

    /// Runs one command; returns the frame that answers it.
    func execute(_ text: String, principal: Principal) async -> String {
        let command: Command
        do {
            command = try Self.decoder.decode(Command.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            return Self.failure(nil, PartaError.invalid("invalid_frame", ErrorMapping.describe(error)))
        } catch {
            return Self.failure(nil, PartaError.invalid("invalid_frame", "The frame is not JSON."))
        }
        let req = command.req
        do {
            if let req, req.count > 64 { throw PartaError.invalid("invalid_req", "req is at most 64 characters.") }
            switch command.type {
            case "ping":
                return LiveFrames.encode(LiveFrames.Pong(req: req))
            case "send":
                let sent = try await parta.sendMessage(
                    principal, chat: try Self.required(command.chatId, "chat_id"), clientID: try Self.required(command.clientId, "client_id"),
                    text: command.text ?? "", replyTo: command.replyTo, attachments: command.attachmentIds ?? [])
                return LiveFrames.encode(LiveFrames.Ack(req: req, message: MessageDTO(sent.message), duplicate: sent.duplicate, seq: sent.message.seq))
            case "edit":
                let (message, seq) = try await parta.editMessage(
                    principal, chat: try Self.required(command.chatId, "chat_id"), message: try Self.required(command.messageId, "message_id"),
                    text: try Self.required(command.text, "text"))
                return LiveFrames.encode(LiveFrames.Ack(req: req, message: MessageDTO(message), seq: seq))
            case "delete":
                let (message, seq) = try await parta.deleteMessage(
                    principal, chat: try Self.required(command.chatId, "chat_id"), message: try Self.required(command.messageId, "message_id"))
                return LiveFrames.encode(LiveFrames.Ack(req: req, message: MessageDTO(message), seq: seq))
            case "read":
                let marker = try await parta.markRead(
                    principal, chat: try Self.required(command.chatId, "chat_id"), seq: try Self.required(command.seq, "seq"))
                return LiveFrames.encode(LiveFrames.Ack(req: req, readSeq: marker))
            case "auth":
                throw PartaError.invalid("already_authenticated", "This connection is already signed in.")
            default:
                throw PartaError.invalid("unknown_command", "Unknown command type; see docs/protocol.md.")
            }
        } catch {
            guard let failure = ErrorMapping.partaError(from: error) else {
                parta.logger.error("ws.command_failed", metadata: ["command": "\(command.type)", "error": "\(Store.describe(error))"])
                return Self.failure(req, PartaError(.unavailable(retryAfterSeconds: nil), code: "internal_error", message: "Something went wrong; try again."))
            }
            return Self.failure(req, failure)
        }
    }

    static func required<T>(_ value: T?, _ field: String) throws(PartaError) -> T {
        guard let value else { throw PartaError.invalid("invalid_frame", "The field '\(field)' is required.") }
        return value
    }

    static func failure(_ req: String?, _ error: PartaError) -> String {
        LiveFrames.encode(LiveFrames.Failure(
            req: req, status: Int(ErrorMapping.status(for: error.kind).code), error: error.code, message: error.message,
            details: error.details.isEmpty ? nil : error.details))
    }
}
