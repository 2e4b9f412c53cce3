import Foundation

/// What happens in a chat, in its sequence (`chat_events`). The kind and the JSON payload are
/// derived from one value, so a kind never travels with another kind's payload; the messenger's
/// clients read both (docs/architecture.md, "The messenger").
public enum ChatEvent: Sendable, Equatable {
    case created(name: String, kind: ChatKind)
    case renamed(String)
    case deleted
    case membersChanged(added: [ChatMemberRef], removed: [ChatMemberRef], adminsGranted: [ChatMemberRef], adminsRevoked: [ChatMemberRef])
    /// A message; the message row carries the same `seq`.
    case message
    case messageEdited(seq: Int64)
    case messageDeleted(seq: Int64)
    case settingsChanged(ChatSettings)
    /// The chat is kept to be read, not written in (a direct chat whose other side left); or open again.
    case closed
    case reopened
    /// A call began in the chat (its members see "call in progress — join").
    case callStarted(CallID, media: CallMedia, startedBy: AccountID, meeting: MeetingID?)
    /// The call is over: how long it ran and how many people took part.
    case callEnded(CallID, durationSeconds: Int, participants: Int)
    case meetingScheduled(MeetingID)
    case meetingCancelled(MeetingID)

    public var kind: String {
        switch self {
        case .created: "chat_created"
        case .renamed: "chat_renamed"
        case .deleted: "chat_deleted"
        case .membersChanged: "members_changed"
        case .message: "message"
        case .messageEdited: "message_edited"
        case .messageDeleted: "message_deleted"
        case .settingsChanged: "settings_changed"
        case .closed: "chat_closed"
        case .reopened: "chat_reopened"
        case .callStarted: "call_started"
        case .callEnded: "call_ended"
        case .meetingScheduled: "meeting_scheduled"
        case .meetingCancelled: "meeting_cancelled"
        }
    }

    /// Whether an event of this kind may change who is in the chat or their roles (a new chat,
    /// membership changes, a deleted chat).
    public static func changesMembership(kind: String) -> Bool {
        membershipKinds.contains(kind)
    }

    /// The kinds, named by the events themselves so that a renamed kind cannot slip out of it.
    private static let membershipKinds: Set<String> = [
        ChatEvent.created(name: "", kind: .custom).kind,
        ChatEvent.membersChanged(added: [], removed: [], adminsGranted: [], adminsRevoked: []).kind,
        ChatEvent.deleted.kind,
    ]

    /// The message an edit or deletion names, read back from its stored payload.
    public static func messageSeq(payload: String) -> Int64? {
        struct Named: Decodable { var message_seq: Int64 }
        return (try? JSONDecoder().decode(Named.self, from: Data(payload.utf8)))?.message_seq
    }

    /// The payload as stored: JSON with sorted keys.
    public var payload: String {
        switch self {
        case .created(let name, let kind): Self.encode(["name": name, "type": kind.rawValue])
        case .renamed(let name): Self.encode(["name": name])
        case .deleted, .message, .closed, .reopened: "{}"
        case .membersChanged(let added, let removed, let granted, let revoked):
            Self.encode(MembersChanged(
                added: added.map(Member.init), removed: removed.map(Member.init), adminsGranted: granted.map(Member.init),
                adminsRevoked: revoked.map(Member.init)))
        case .messageEdited(let seq), .messageDeleted(let seq): Self.encode(["message_seq": seq])
        case .settingsChanged(let settings):
            Self.encode(["announcements_only": settings.announcementsOnly, "read_receipts": settings.readReceipts])
        case .callStarted(let call, let media, let startedBy, let meeting):
            Self.encode(CallPayload(callID: call.rawValue, media: media.rawValue, startedBy: startedBy.rawValue, meetingID: meeting?.rawValue))
        case .callEnded(let call, let duration, let participants):
            Self.encode(CallPayload(callID: call.rawValue, durationSeconds: duration, participants: participants))
        case .meetingScheduled(let meeting), .meetingCancelled(let meeting):
            Self.encode(["meeting_id": meeting.rawValue])
        }
    }

    private struct Member: Encodable {
        var personID: Int64?
        var accountID: Int64?

        init(_ ref: ChatMemberRef) {
            personID = ref.personID?.rawValue
            accountID = ref.accountID?.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case personID = "person_id"
            case accountID = "account_id"
        }
    }

    private struct MembersChanged: Encodable {
        var added: [Member]
        var removed: [Member]
        var adminsGranted: [Member]
        var adminsRevoked: [Member]

        enum CodingKeys: String, CodingKey {
            case added, removed
            case adminsGranted = "admins_granted"
            case adminsRevoked = "admins_revoked"
        }
    }

    /// A call event's payload, as stored and as sent on the live connection.
    public struct CallPayload: Codable, Sendable, Equatable {
        public var callID: Int64
        public var media: String?
        public var startedBy: Int64?
        public var meetingID: Int64?
        public var durationSeconds: Int?
        public var participants: Int?

        public init(
            callID: Int64, media: String? = nil, startedBy: Int64? = nil, meetingID: Int64? = nil, durationSeconds: Int? = nil,
            participants: Int? = nil
        ) {
            self.callID = callID
            self.media = media
            self.startedBy = startedBy
            self.meetingID = meetingID
            self.durationSeconds = durationSeconds
            self.participants = participants
        }

        enum CodingKeys: String, CodingKey {
            case callID = "call_id"
            case media
            case startedBy = "started_by"
            case meetingID = "meeting_id"
            case durationSeconds = "duration_seconds"
            case participants
        }

        /// Read back from a stored payload.
        public static func decode(_ payload: String) -> CallPayload? {
            try? JSONDecoder().decode(CallPayload.self, from: Data(payload.utf8))
        }
    }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
