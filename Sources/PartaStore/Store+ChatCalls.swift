public import Foundation
public import PartaDomain
import SQLKit

/// A chat's call as its timeline shows it: the call, the chat events that opened and closed it,
/// and how many people took part.
public struct ChatCallEntry: Sendable, Equatable {
    public var call: Call
    public var startedSeq: Int64?
    public var endedSeq: Int64?
    public var participants: Int
    /// The meeting's title, for a meeting's call.
    public var meetingTitle: String?
}

/// Calls in chats and meetings.
extension Store {
    /// The chat's open call outside meetings, if one runs.
    public func openCall(chat: ChatID) async throws -> OpenCall? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns) FROM calls
            WHERE chat_id = \(bind: chat.rawValue) AND kind = \(bind: Call.Kind.chat.rawValue) AND ended_at IS NULL
            """).first().map(Self.openCall(from:))
    }

    /// A meeting's open call, if one runs.
    public func openCall(meeting: MeetingID) async throws -> OpenCall? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns) FROM calls WHERE meeting_id = \(bind: meeting.rawValue) AND ended_at IS NULL
            """).first().map(Self.openCall(from:))
    }

    /// A call of the chat (ended or not) with its room.
    public func call(_ id: CallID, chat: ChatID) async throws -> OpenCall? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns) FROM calls WHERE id = \(bind: id.rawValue) AND chat_id = \(bind: chat.rawValue)
            """).first().map(Self.openCall(from:))
    }

    /// Records a chat's (or a meeting's) call in its room; `nil` when another one opened meanwhile.
    public func insertChatCall(
        organization: OrganizationID, chat: ChatID, meeting: MeetingID?, media: CallMedia, startedBy: AccountID, server: String,
        room: Int64, secret: String, now: Date
    ) async throws -> CallID? {
        let kind: Call.Kind = meeting == nil ? .chat : .meeting
        return try await sql.raw("""
            INSERT INTO calls (organization_id, kind, chat_id, meeting_id, media, started_by, media_server, media_room, media_secret, started_at)
            VALUES (\(bind: organization.rawValue), \(bind: kind.rawValue), \(bind: chat.rawValue), \(bind: meeting?.rawValue),
                \(bind: media.rawValue), \(bind: startedBy.rawValue), \(bind: server), \(bind: room), \(bind: secret), \(bind: now.millis))
            ON CONFLICT DO NOTHING
            RETURNING id
            """).first()?.id("id")
    }

    /// Notes the chat event that opened (or closed) a call.
    public func setCallSeq(_ call: CallID, started: Int64? = nil, ended: Int64? = nil) async throws {
        if let started { try await sql.raw("UPDATE calls SET started_seq = \(bind: started) WHERE id = \(bind: call.rawValue)").run() }
        if let ended { try await sql.raw("UPDATE calls SET ended_seq = \(bind: ended) WHERE id = \(bind: call.rawValue)").run() }
    }

    /// How many people took part in a call (each counted once, however often they came back).
    public func participantCount(call: CallID) async throws -> Int {
        Int(try await sql.raw("SELECT COUNT(DISTINCT account_id) AS n FROM call_participants WHERE call_id = \(bind: call.rawValue)")
            .first()?.int64("n") ?? 0)
    }

    /// A chat's calls, newest first: at most `limit`, those before `before` (a call id) when given.
    public func chatCalls(chat: ChatID, before: CallID? = nil, limit: Int) async throws -> [ChatCallEntry] {
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
                c.started_seq, c.ended_seq, m.title,
                (SELECT COUNT(DISTINCT p.account_id) FROM call_participants p WHERE p.call_id = c.id) AS participants
            FROM calls c LEFT JOIN meetings m ON m.id = c.meeting_id
            WHERE c.chat_id = \(bind: chat.rawValue) AND c.id < \(bind: before?.rawValue ?? Int64.max)
            ORDER BY c.id DESC LIMIT \(bind: limit)
            """).all()
        return try rows.map { row in
            ChatCallEntry(
                call: try Self.openCall(from: row).call, startedSeq: try row.optionalInt64("started_seq"),
                endedSeq: try row.optionalInt64("ended_seq"), participants: Int(try row.int64("participants")),
                meetingTitle: try row.optionalString("title"))
        }
    }

    /// The open calls of some chats (the messenger's list shows "call in progress").
    public func openChatCalls(chats: [ChatID]) async throws -> [ChatID: Call] {
        var found: [ChatID: Call] = [:]
        for chunk in chats.sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.callColumns) FROM calls
                WHERE chat_id IN \(Self.ids(chunk)) AND kind = \(bind: Call.Kind.chat.rawValue) AND ended_at IS NULL
                """).all()
            for row in rows {
                let call = try Self.openCall(from: row).call
                if let chat = call.chatID { found[chat] = call }
            }
        }
        return found
    }

    /// The organization of a chat not deleted.
    public func chatOrganization(_ chat: ChatID) async throws -> OrganizationID? {
        try await sql.raw("SELECT organization_id FROM chats WHERE id = \(bind: chat.rawValue) AND deleted_at IS NULL").first()?.id("organization_id")
    }

    // MARK: Meetings

    static let meetingColumns = "id, organization_id, chat_id, title, media, starts_at, ends_at, created_by, cancelled_at"

    static func meeting(from row: any SQLRow) throws -> Meeting {
        Meeting(
            id: try row.id("id"), organizationID: try row.id("organization_id"), chatID: try row.id("chat_id"), title: try row.string("title"),
            media: CallMedia(rawValue: try row.string("media")) ?? .video, startsAt: try row.date("starts_at"), endsAt: try row.date("ends_at"),
            createdBy: try row.optionalID("created_by"), cancelledAt: try row.optionalDate("cancelled_at"))
    }

    public func insertMeeting(
        organization: OrganizationID, chat: ChatID, title: String, media: CallMedia, startsAt: Date, endsAt: Date, createdBy: AccountID, now: Date
    ) async throws -> Meeting {
        let row = try await sql.raw("""
            INSERT INTO meetings (organization_id, chat_id, title, media, starts_at, ends_at, created_by, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: chat.rawValue), \(bind: title), \(bind: media.rawValue), \(bind: startsAt.millis),
                \(bind: endsAt.millis), \(bind: createdBy.rawValue), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.meetingColumns)
            """).first()
        guard let row else { throw StoreError.missingRow("meeting") }
        return try Self.meeting(from: row)
    }

    public func meeting(_ id: MeetingID, chat: ChatID) async throws -> Meeting? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.meetingColumns) FROM meetings WHERE id = \(bind: id.rawValue) AND chat_id = \(bind: chat.rawValue)
            """).first().map(Self.meeting(from:))
    }

    public func meeting(_ id: MeetingID) async throws -> Meeting? {
        try await sql.raw("SELECT \(unsafeRaw: Self.meetingColumns) FROM meetings WHERE id = \(bind: id.rawValue)").first().map(Self.meeting(from:))
    }

    /// The chat's meetings not over at `now` and not cancelled, soonest first (at most 100).
    public func comingMeetings(chat: ChatID, now: Date) async throws -> [Meeting] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.meetingColumns) FROM meetings
            WHERE chat_id = \(bind: chat.rawValue) AND cancelled_at IS NULL AND ends_at > \(bind: now.millis)
            ORDER BY starts_at, id LIMIT 100
            """).all().map(Self.meeting(from:))
    }

    /// How many meetings of the chat are still to come (a chat holds at most a few dozen).
    public func comingMeetingCount(chat: ChatID, now: Date) async throws -> Int {
        Int(try await sql.raw("""
            SELECT COUNT(*) AS n FROM meetings WHERE chat_id = \(bind: chat.rawValue) AND cancelled_at IS NULL AND ends_at > \(bind: now.millis)
            """).first()?.int64("n") ?? 0)
    }

    /// Cancels a meeting; `false` when it was cancelled already.
    public func cancelMeeting(_ id: MeetingID, now: Date) async throws -> Bool {
        try await sql.raw("""
            UPDATE meetings SET cancelled_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue) AND cancelled_at IS NULL RETURNING id
            """).first() != nil
    }
}

/// A present stay as the call's state shows it.
public struct CallPresence: Sendable, Equatable {
    public var account: AccountID
    public var role: String
    public var participant: Int64
    public var handRaisedAt: Date?
}

/// Inside a running call: hands, muting everyone, removals.
extension Store {
    /// Open calls among `ids`.
    public func openCalls(ids: [CallID]) async throws -> [OpenCall] {
        guard !ids.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns) FROM calls WHERE id IN \(Self.ids(ids)) AND ended_at IS NULL ORDER BY id
            """).all().map(Self.openCall(from:))
    }

    /// Those in the call now, in order of entering.
    public func presences(call: CallID) async throws -> [CallPresence] {
        try await sql.raw("""
            SELECT account_id, role, media_participant, hand_raised_at FROM call_participants
            WHERE call_id = \(bind: call.rawValue) AND left_at IS NULL ORDER BY id
            """).all().map {
            CallPresence(account: try $0.id("account_id"), role: try $0.string("role"), participant: try $0.int64("media_participant"),
                         handRaisedAt: try $0.optionalDate("hand_raised_at"))
        }
    }

    /// Raises or lowers the account's hand in the call; `false` when it is not in it.
    public func setHand(call: CallID, account: AccountID, raised: Bool, now: Date) async throws -> Bool {
        try await sql.raw("""
            UPDATE call_participants SET hand_raised_at = \(bind: raised ? now.millis : nil as Int64?)
            WHERE call_id = \(bind: call.rawValue) AND account_id = \(bind: account.rawValue) AND left_at IS NULL RETURNING id
            """).first() != nil
    }

    public func setMutedAll(call: CallID, now: Date) async throws {
        try await sql.raw("UPDATE calls SET muted_all_at = \(bind: now.millis) WHERE id = \(bind: call.rawValue)").run()
    }

    public func mutedAllAt(call: CallID) async throws -> Date? {
        try await sql.raw("SELECT muted_all_at FROM calls WHERE id = \(bind: call.rawValue)").first()?.optionalDate("muted_all_at")
    }

    /// Ends the account's stay as a removal; answers its token and participant id to withdraw.
    public func removeFromCall(call: CallID, account: AccountID, now: Date) async throws -> (token: String, participant: Int64)? {
        guard let present = try await presentStay(call: call, account: account) else { return nil }
        try await sql.raw("""
            UPDATE call_participants SET left_at = \(bind: now.millis), removed_at = \(bind: now.millis), hand_raised_at = NULL
            WHERE call_id = \(bind: call.rawValue) AND account_id = \(bind: account.rawValue) AND left_at IS NULL
            """).run()
        return (present.token, present.participant)
    }

    /// Whether a host removed the account from this call — or, for a meeting's call, from any call
    /// of that meeting (it does not come back into the meeting when its call opens again).
    public func wasRemoved(call: CallID, account: AccountID) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS removed FROM call_participants p JOIN calls c ON c.id = p.call_id
            WHERE p.account_id = \(bind: account.rawValue) AND p.removed_at IS NOT NULL
                AND (c.id = \(bind: call.rawValue)
                    OR c.meeting_id = (SELECT meeting_id FROM calls WHERE id = \(bind: call.rawValue) AND meeting_id IS NOT NULL))
            """).first() != nil
    }
}
