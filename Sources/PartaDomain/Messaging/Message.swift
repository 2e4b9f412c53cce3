public import Foundation

public typealias MessageID = Identifier<Message>

/// A message in a chat. Its `seq` is the chat event that created it: messages and membership
/// changes share one sequence per chat, which is what a client's cursor counts.
public struct Message: Hashable, Sendable {
    public var id: MessageID
    public var chatID: ChatID
    public var seq: Int64
    public var senderID: AccountID
    /// The sender's own id for the message: a resend with the same id is the same message.
    public var clientID: String
    /// Empty once deleted.
    public var text: String
    public var replyTo: MessageID?
    public var createdAt: Date
    public var editedAt: Date?
    public var deletedAt: Date?
    /// Files sent with the message; none once deleted.
    public var attachments: [AttachmentRef]

    public init(
        id: MessageID, chatID: ChatID, seq: Int64, senderID: AccountID, clientID: String, text: String, replyTo: MessageID?,
        createdAt: Date, editedAt: Date? = nil, deletedAt: Date? = nil, attachments: [AttachmentRef] = []
    ) {
        self.id = id
        self.chatID = chatID
        self.seq = seq
        self.senderID = senderID
        self.clientID = clientID
        self.text = text
        self.replyTo = replyTo
        self.createdAt = createdAt
        self.editedAt = editedAt
        self.deletedAt = deletedAt
        self.attachments = attachments
    }

    public var isDeleted: Bool { deletedAt != nil }
}

/// What a person may do with messages (SPEC §6).
public enum MessageAction: String, Sendable, CaseIterable {
    case post
    case edit
    case delete
    /// See who read one's message (read receipts).
    case seeReaders = "see_readers"
    /// Switch announcements-only and read receipts.
    case changeSettings = "change_settings"
}

/// The actor's standing in the chat.
public struct MessageActor: Sendable, Equatable {
    public var account: AccountID
    public var isMember: Bool
    public var isChatAdmin: Bool

    public init(account: AccountID, isMember: Bool, isChatAdmin: Bool = false) {
        self.account = account
        self.isMember = isMember
        self.isChatAdmin = isChatAdmin
    }
}

/// How a chat works, set by its admins.
public struct ChatSettings: Sendable, Equatable {
    /// Only the chat's admins post (the usual mode of a parents' chat).
    public var announcementsOnly: Bool
    /// Senders see who read their messages.
    public var readReceipts: Bool

    public init(announcementsOnly: Bool = false, readReceipts: Bool = false) {
        self.announcementsOnly = announcementsOnly
        self.readReceipts = readReceipts
    }

    /// These settings with the changes a person asked for.
    public func changing(announcementsOnly: Bool?, readReceipts: Bool?) -> ChatSettings {
        ChatSettings(announcementsOnly: announcementsOnly ?? self.announcementsOnly, readReceipts: readReceipts ?? self.readReceipts)
    }
}

public enum MessageRules {
    /// The longest text, in characters as a person counts them.
    public static let maxTextLength = 4000
    /// Client ids: 1–64 letters, digits, `-` and `_` (a UUID fits).
    public static let maxClientIDLength = 64

    /// The text as it will be stored: surrounding blank lines and spaces trimmed; not empty; at
    /// most `maxTextLength` characters and `maxTextBytes` bytes (`text_too_long`); line breaks and
    /// tabs but no other control character (`invalid_text`) — `TextRules.checkText`.
    public static func checkText(_ raw: String, allowEmpty: Bool = false) throws(PartaError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty || allowEmpty else { throw PartaError.invalid("text_required", "The message is empty.") }
        return try TextRules.checkText(text, field: "text", maxCharacters: maxTextLength, bytesPerCharacter: 8, multiline: true)
    }

    /// The most bytes a message's text takes: eight a character (emoji with skin tones and flags fit).
    public static let maxTextBytes = maxTextLength * 8

    public static func checkClientID(_ raw: String) throws(PartaError) -> String {
        let allowed = raw.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" }
        guard !raw.isEmpty, raw.count <= maxClientIDLength, allowed else {
            throw PartaError.invalid(
                "invalid_client_id", "client_id must be 1–\(maxClientIDLength) letters, digits, '-' or '_' (a UUID will do).")
        }
        return raw
    }

    /// Where a read marker moves when a member reports having read up to `requested`: never past
    /// the chat's last event (a marker ahead of the chat would hide every later message from the
    /// unread count). It never moves back either; the store keeps that under concurrent reports.
    public static func readMarker(_ requested: Int64, lastSeq: Int64) throws(PartaError) -> Int64 {
        guard requested >= 0 else { throw PartaError.invalid("invalid_seq", "seq must not be negative.") }
        return min(requested, lastSeq)
    }

    /// Who may post, edit, delete, see readers and change the chat's settings. `message` is the
    /// message acted on (edit, delete, see readers).
    public static func decide(
        _ action: MessageAction, actor: MessageActor, chat: ChatSettings, closed: Bool = false, message: Message? = nil
    ) -> Decision {
        guard actor.isMember else { return .denied("Only the chat's members see and write in it.") }
        // A closed chat (a direct chat whose other side left the organization) is kept to be read.
        if closed && action != .seeReaders { return .denied("This chat is closed: it can be read, not written in.") }
        switch action {
        case .post:
            if chat.announcementsOnly && !actor.isChatAdmin {
                return .denied("This chat is for announcements: only its admins post.")
            }
            return .allowed
        case .edit:
            guard let message, message.senderID == actor.account else { return .denied("Only the sender edits a message.") }
            return message.isDeleted ? .denied("A deleted message cannot be edited.") : .allowed
        case .delete:
            guard let message else { return .denied("Only the sender or the chat's admins delete a message.") }
            return message.senderID == actor.account || actor.isChatAdmin
                ? .allowed : .denied("Only the sender or the chat's admins delete a message.")
        case .seeReaders:
            guard let message, message.senderID == actor.account else { return .denied("Only the sender sees who read a message.") }
            return chat.readReceipts ? .allowed : .denied("Read receipts are off in this chat.")
        case .changeSettings:
            return actor.isChatAdmin ? .allowed : .denied("Only the chat's admins change how it works.")
        }
    }
}
