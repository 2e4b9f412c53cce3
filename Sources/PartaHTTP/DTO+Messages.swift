import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

/// A message as clients see it (HTTP and WebSocket alike). A deleted message keeps its place
/// with empty text and `deleted_at`.
struct MessageDTO: ResponseCodable, Equatable {
    var id: MessageID
    var chatId: ChatID
    var seq: Int64
    var senderId: AccountID
    var clientId: String
    var text: String
    var replyTo: MessageID?
    var createdAt: Date
    var editedAt: Date?
    var deletedAt: Date?
    var attachments: [AttachmentDTO]

    init(_ m: Message) {
        id = m.id
        chatId = m.chatID
        seq = m.seq
        senderId = m.senderID
        clientId = m.clientID
        text = m.text
        replyTo = m.replyTo
        createdAt = m.createdAt
        editedAt = m.editedAt
        deletedAt = m.deletedAt
        attachments = m.attachments.map(AttachmentDTO.init)
    }
}

/// A file as messages and uploads show it.
struct AttachmentDTO: ResponseCodable, Equatable {
    var id: AttachmentID
    var name: String
    var size: Int64
    var contentType: String

    init(_ a: AttachmentRef) {
        id = a.id
        name = a.name
        size = a.size
        contentType = a.contentType
    }
}

struct ChatSettingsDTO: ResponseCodable, Equatable {
    var announcementsOnly: Bool
    var readReceipts: Bool

    init(_ s: ChatSettings) {
        announcementsOnly = s.announcementsOnly
        readReceipts = s.readReceipts
    }
}

/// A chat in my messenger list.
struct MessengerChatDTO: ResponseCodable {
    var id: ChatID
    var organizationId: OrganizationID
    var type: String
    var name: String
    var isAdmin: Bool
    var lastSeq: Int64
    var readSeq: Int64
    var unread: Int
    var settings: ChatSettingsDTO
    var lastMessage: MessageDTO?
    /// In a direct chat, the other person's account (the chat bears their name).
    var peerId: AccountID?
    /// In WebSocket frames: events after this sequence number follow on the connection.
    var cursor: Int64?
    /// Kept to be read, not written in: a direct chat whose other side left the organization, or
    /// whom the roster no longer relates.
    var closed: Bool
    /// `false` when the chat bears a name the school does not stand behind (a direct chat named
    /// after someone's own name).
    var nameConfirmed: Bool
    /// The call running in the chat: "call in progress — join".
    var call: CallDTO?

    init(_ c: MessengerChat, cursor: Int64? = nil) {
        id = c.entry.chat.id
        organizationId = c.entry.chat.organizationID
        type = c.entry.chat.kind.rawValue
        name = c.entry.chat.name
        isAdmin = c.entry.isAdmin
        lastSeq = c.entry.lastSeq
        readSeq = c.entry.readSeq
        unread = c.entry.unread
        settings = ChatSettingsDTO(c.entry.settings)
        lastMessage = c.lastMessage.map(MessageDTO.init)
        peerId = c.peer
        self.cursor = cursor
        closed = c.entry.closed
        nameConfirmed = c.nameConfirmed
        call = c.call.map(CallDTO.init)
    }
}

/// Frames the server sends on `/api/v1/ws` (docs/protocol.md), as JSON with snake_case keys.
struct LiveFrames: LiveFrameEncoder {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) -> String {
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            return #"{"type":"error","error":"encoding_failed","message":"The server could not write this frame."}"#
        }
    }

    struct Event: Encodable {
        var type = "event"
        var chatId: ChatID
        var seq: Int64
        var at: Date
        var kind: String
        var message: MessageDTO?
        var name: String?
        var settings: ChatSettingsDTO?
        /// `call_started` / `call_ended`: the call, its media and starter, or its length and
        /// participants.
        var call: ChatEvent.CallPayload?
        /// `meeting_scheduled` / `meeting_cancelled`: the meeting (read it from the chat's meetings).
        var meetingId: Int64?
    }

    /// The parts of a stored payload a client may see: a chat's name and settings. Membership
    /// payloads name roster persons and are not sent; the client re-reads the chat's members.
    private struct Payload: Decodable {
        var name: String?
        var announcementsOnly: Bool?
        var readReceipts: Bool?

        enum CodingKeys: String, CodingKey {
            case name
            case announcementsOnly = "announcements_only"
            case readReceipts = "read_receipts"
        }
    }

    func event(_ event: LiveEvent) -> String {
        var frame = Event(
            chatId: event.record.chat, seq: event.record.seq, at: event.record.at, kind: event.record.kind,
            message: event.message.map(MessageDTO.init))
        switch event.record.kind {
        case "chat_created", "chat_renamed", "settings_changed":
            if let payload = try? JSONDecoder().decode(Payload.self, from: Data(event.record.payload.utf8)) {
                frame.name = payload.name
                if let announcements = payload.announcementsOnly, let receipts = payload.readReceipts {
                    frame.settings = ChatSettingsDTO(ChatSettings(announcementsOnly: announcements, readReceipts: receipts))
                }
            }
        case "call_started", "call_ended":
            frame.call = ChatEvent.CallPayload.decode(event.record.payload)
        case "meeting_scheduled", "meeting_cancelled":
            struct Named: Decodable { var meeting_id: Int64 }
            frame.meetingId = (try? JSONDecoder().decode(Named.self, from: Data(event.record.payload.utf8)))?.meeting_id
        default:
            break
        }
        return Self.encode(frame)
    }

    struct Ready: Encodable {
        var type = "ready"
        var chats: [MessengerChatDTO]
        var removed: [ChatID]
    }

    func ready(chats: [MessengerChat], cursors: [ChatID: Int64], removed: [ChatID]) -> String {
        Self.encode(Ready(chats: chats.map { MessengerChatDTO($0, cursor: cursors[$0.entry.chat.id]) }, removed: removed))
    }

    struct ChatFrame: Encodable {
        var type = "chat"
        var chat: MessengerChatDTO
    }

    func chat(_ chat: MessengerChat, cursor: Int64) -> String {
        Self.encode(ChatFrame(chat: MessengerChatDTO(chat, cursor: cursor)))
    }

    struct ChatRemoved: Encodable {
        var type = "chat_removed"
        var chatId: ChatID
    }

    func chatRemoved(_ chat: ChatID) -> String {
        Self.encode(ChatRemoved(chatId: chat))
    }

    /// The answer to a client's command, after its change is committed.
    struct Ack: Encodable {
        var type = "ack"
        var req: String?
        var message: MessageDTO?
        var duplicate: Bool?
        /// The event the change made (edits and deletions).
        var seq: Int64?
        var readSeq: Int64?
    }

    struct Failure: Encodable {
        var type = "error"
        var req: String?
        /// The HTTP status the same refusal has over HTTP.
        var status: Int
        var error: String
        var message: String
        var details: [String: PartaError.Detail]?
    }

    struct Pong: Encodable {
        var type = "pong"
        var req: String?
    }
}
