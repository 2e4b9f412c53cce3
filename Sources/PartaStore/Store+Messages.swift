public import Foundation
public import PartaDomain
import SQLKit

/// One entry of a chat's event log.
public struct ChatEventRecord: Sendable, Equatable {
    public var chat: ChatID
    public var seq: Int64
    public var at: Date
    public var kind: String
    public var payload: String
}

/// A chat as one of its members sees it in the messenger's list.
public struct AccountChat: Sendable, Equatable {
    public var chat: Chat
    public var isAdmin: Bool
    public var lastSeq: Int64
    /// The member's read marker: messages up to this sequence number are read.
    public var readSeq: Int64
    /// Messages of others after the read marker, not deleted.
    public var unread: Int
    public var settings: ChatSettings
    /// Kept to be read, not written in (a direct chat whose other side left).
    public var closed: Bool = false
}

/// An account's place in a live chat.
public struct ChatSeat: Sendable, Equatable {
    public var organization: OrganizationID
    public var isAdmin: Bool
    public var settings: ChatSettings
    /// The chat's last sequence number.
    public var lastSeq: Int64
    /// Kept to be read, not written in.
    public var closed: Bool = false
    public var kind: ChatKind = .custom
}

extension Store {
    static let messageColumns =
        "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.text, m.reply_to, m.created_at, m.edited_at, m.deleted_at, m.attachments"

    static func message(from row: any SQLRow) throws -> Message {
        Message(
            id: try row.id("id"), chatID: try row.id("chat_id"), seq: try row.int64("seq"), senderID: try row.id("sender_id"),
            clientID: try row.string("client_id"), text: try row.string("text"), replyTo: try row.optionalID("reply_to"),
            createdAt: try row.date("created_at"), editedAt: try row.optionalDate("edited_at"), deletedAt: try row.optionalDate("deleted_at"),
            attachments: try attachments(fromJSON: try row.string("attachments")))
    }

    /// Most messages carry no files: their `[]` is not worth a decoder.
    static func attachments(fromJSON json: String) throws -> [AttachmentRef] {
        json == "[]" ? [] : try JSONDecoder().decode([AttachmentRef].self, from: Data(json.utf8))
    }

    static func json(_ attachments: [AttachmentRef]) throws -> String {
        guard !attachments.isEmpty else { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(attachments), as: UTF8.self)
    }

    public func insertMessage(
        chat: ChatID, seq: Int64, sender: AccountID, clientID: String, text: String, replyTo: MessageID?,
        attachments: [AttachmentRef] = [], now: Date
    ) async throws -> Message {
        let json = try Self.json(attachments)
        let row = try await sql.raw("""
            INSERT INTO messages (chat_id, seq, sender_id, client_id, text, reply_to, created_at, attachments)
            VALUES (\(bind: chat.rawValue), \(bind: seq), \(bind: sender.rawValue), \(bind: clientID), \(bind: text),
                \(bind: replyTo?.rawValue), \(bind: now.millis), \(bind: json))
            RETURNING id, chat_id, seq, sender_id, client_id, text, reply_to, created_at, edited_at, deleted_at, attachments
            """).first()
        guard let row else { throw StoreError.missingRow("the new message") }
        let message = try Self.message(from: row)
        if !attachments.isEmpty {
            try await sql.raw("""
                INSERT INTO message_attachments (message_id, attachment_id, chat_id) VALUES \(SQLList(attachments.map {
                    SQLQueryString("(\(bind: message.id.rawValue), \(bind: $0.id.rawValue), \(bind: chat.rawValue))")
                }))
                """).run()
            // Carried by a message now: housekeeping leaves them alone.
            try await sql.raw("UPDATE attachments SET orphaned_at = NULL WHERE id IN \(Self.ids(attachments.map(\.id)))").run()
        }
        return message
    }

    /// The message a sender sent under `clientID` (a resend).
    public func message(sender: AccountID, clientID: String) async throws -> Message? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.messageColumns) FROM messages m
            WHERE m.sender_id = \(bind: sender.rawValue) AND m.client_id = \(bind: clientID)
            """).first().map(Self.message(from:))
    }

    public func message(_ id: MessageID, in chat: ChatID) async throws -> Message? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.messageColumns) FROM messages m WHERE m.id = \(bind: id.rawValue) AND m.chat_id = \(bind: chat.rawValue)
            """).first().map(Self.message(from:))
    }

    /// The newest message still standing in each of these chats.
    public func lastMessages(of chats: [ChatID]) async throws -> [ChatID: Message] {
        var result: [ChatID: Message] = [:]
        for chunk in chats.chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.messageColumns) FROM messages m
                WHERE m.chat_id IN \(Self.ids(chunk)) AND m.seq = (
                    SELECT MAX(y.seq) FROM messages y WHERE y.chat_id = m.chat_id AND y.deleted_at IS NULL)
                """).all()
            for row in rows {
                let message = try Self.message(from: row)
                result[message.chatID] = message
            }
        }
        return result
    }

    /// History: up to `limit` messages before `before` (newest first), or after `after` (oldest first).
    public func messages(in chat: ChatID, before: Int64?, after: Int64?, limit: Int) async throws -> [Message] {
        let rows: [any SQLRow]
        if let after {
            rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.messageColumns) FROM messages m WHERE m.chat_id = \(bind: chat.rawValue) AND m.seq > \(bind: after)
                ORDER BY m.seq LIMIT \(bind: limit)
                """).all()
        } else {
            rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.messageColumns) FROM messages m
                WHERE m.chat_id = \(bind: chat.rawValue) AND m.seq < \(bind: before ?? Int64.max)
                ORDER BY m.seq DESC LIMIT \(bind: limit)
                """).all()
        }
        return try rows.map(Self.message(from:))
    }

    public func editMessage(_ id: MessageID, text: String, now: Date) async throws {
        try await sql.raw("UPDATE messages SET text = \(bind: text), edited_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue)").run()
    }

    /// Deletes a message for everyone: its text is erased, the row stays as a tombstone.
    public func deleteMessage(_ id: MessageID, by account: AccountID, now: Date) async throws {
        try await sql.raw("""
            UPDATE messages SET text = '', attachments = '[]', deleted_at = \(bind: now.millis), deleted_by = \(bind: account.rawValue)
            WHERE id = \(bind: id.rawValue)
            """).run()
        // Its files are no longer reachable through it; those no other message carries are orphans from now.
        let files: [AttachmentID] = try await sql.raw("""
            DELETE FROM message_attachments WHERE message_id = \(bind: id.rawValue) RETURNING attachment_id
            """).all().map { try $0.id("attachment_id") }
        guard !files.isEmpty else { return }
        try await sql.raw("""
            UPDATE attachments SET orphaned_at = \(bind: now.millis) WHERE id IN \(Self.ids(files))
              AND NOT EXISTS (SELECT 1 FROM message_attachments x WHERE x.attachment_id = attachments.id)
            """).run()
    }

    public func setChatSettings(_ chat: ChatID, _ settings: ChatSettings, now: Date) async throws {
        try await sql.raw("""
            UPDATE chats SET announcements_only = \(bind: settings.announcementsOnly), read_receipts = \(bind: settings.readReceipts),
                updated_at = \(bind: now.millis)
            WHERE id = \(bind: chat.rawValue)
            """).run()
    }

    /// The account's place in a live chat: `nil` when not a member (a pending person is not).
    public func seat(chat: ChatID, account: AccountID) async throws -> ChatSeat? {
        let rows = try await sql.raw("""
            SELECT c.organization_id, c.announcements_only, c.read_receipts, c.last_seq, c.closed_at, c.kind, m.admin
            FROM chat_members m JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL
            WHERE m.chat_id = \(bind: chat.rawValue) AND m.account_id = \(bind: account.rawValue)
            """).all()
        guard let first = rows.first else { return nil }
        // A person row and an account row of the same account: admin if either is.
        let admin = try rows.contains { ChatAdminMark(rawValue: try $0.string("admin"))?.isAdmin == true }
        return ChatSeat(
            organization: try first.id("organization_id"), isAdmin: admin,
            settings: ChatSettings(announcementsOnly: try first.bool("announcements_only"), readReceipts: try first.bool("read_receipts")),
            lastSeq: try first.int64("last_seq"), closed: try first.optionalInt64("closed_at") != nil,
            kind: ChatKind(rawValue: try first.string("kind")) ?? .custom)
    }

    /// Moves the account's read marker forward (never back); returns the marker now stored.
    @discardableResult
    public func markRead(chat: ChatID, account: AccountID, seq: Int64, now: Date) async throws -> Int64 {
        try await sql.raw("""
            INSERT INTO chat_reads (chat_id, account_id, seq, at) VALUES (\(bind: chat.rawValue), \(bind: account.rawValue), \(bind: seq), \(bind: now.millis))
            ON CONFLICT (chat_id, account_id) DO UPDATE SET
                seq = CASE WHEN excluded.seq > chat_reads.seq THEN excluded.seq ELSE chat_reads.seq END,
                at = CASE WHEN excluded.seq > chat_reads.seq THEN excluded.at ELSE chat_reads.at END
            """).run()
        return try await sql.raw("""
            SELECT seq FROM chat_reads WHERE chat_id = \(bind: chat.rawValue) AND account_id = \(bind: account.rawValue)
            """).first()?.int64("seq") ?? seq
    }

    /// Who has read up to at least `seq` (read receipts), other than `except`.
    public func readers(chat: ChatID, seq: Int64, except: AccountID) async throws -> [AccountID] {
        try await sql.raw("""
            SELECT account_id FROM chat_reads WHERE chat_id = \(bind: chat.rawValue) AND seq >= \(bind: seq)
              AND account_id <> \(bind: except.rawValue) ORDER BY account_id
            """).all().map { try $0.id("account_id") }
    }

    /// The account's live chats with their read state, newest activity first (or just `only`).
    public func accountChats(_ account: AccountID, only: ChatID? = nil) async throws -> [AccountChat] {
        let me = account.rawValue
        let one: any SQLExpression = only.map { SQLQueryString("AND c.id = \(bind: $0.rawValue)") } ?? SQLRaw("")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatColumns), c.last_seq, c.announcements_only, c.read_receipts, c.closed_at, m.admin,
                COALESCE(r.seq, 0) AS read_seq,
                (SELECT COUNT(*) FROM messages x WHERE x.chat_id = c.id AND x.seq > COALESCE(r.seq, 0)
                    AND x.sender_id <> \(bind: me) AND x.deleted_at IS NULL) AS unread
            FROM chat_members m
            JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL
            LEFT JOIN chat_reads r ON r.chat_id = c.id AND r.account_id = \(bind: me)
            WHERE m.account_id = \(bind: me) \(one)
            ORDER BY c.last_seq DESC, c.id
            """).all()
        var result: [AccountChat] = []
        var index: [ChatID: Int] = [:]
        for row in rows {
            let chat = try Self.chat(from: row)
            let admin = ChatAdminMark(rawValue: try row.string("admin"))?.isAdmin == true
            if let at = index[chat.id] {
                // A person row and an account row of the same account: one chat, admin if either is.
                result[at].isAdmin = result[at].isAdmin || admin
                continue
            }
            index[chat.id] = result.count
            result.append(AccountChat(
                chat: chat, isAdmin: admin, lastSeq: try row.int64("last_seq"), readSeq: try row.int64("read_seq"),
                unread: try row.int("unread"),
                settings: ChatSettings(announcementsOnly: try row.bool("announcements_only"), readReceipts: try row.bool("read_receipts")),
                closed: try row.optionalInt64("closed_at") != nil))
        }
        return result
    }

    // MARK: Live delivery

    /// Events of several chats, each after its own cursor (and up to `through`, when given),
    /// ordered by chat and sequence, with the message each concerns as it stands now.
    public func liveEvents(_ ranges: [(chat: ChatID, after: Int64, through: Int64?)], limit: Int) async throws -> [LiveEvent] {
        guard !ranges.isEmpty else { return [] }
        var events: [LiveEvent] = []
        // In chat order across chunks too, so a caller stopped by `limit` knows which chats it read.
        for chunk in ranges.sorted(by: { $0.chat < $1.chat }).chunked(200) {
            let predicates = chunk.map { range in
                range.through.map { SQLQueryString("(e.chat_id = \(bind: range.chat.rawValue) AND e.seq > \(bind: range.after) AND e.seq <= \(bind: $0))") }
                    ?? SQLQueryString("(e.chat_id = \(bind: range.chat.rawValue) AND e.seq > \(bind: range.after))")
            }
            let rows = try await sql.raw("""
                SELECT e.chat_id AS e_chat, e.seq AS e_seq, e.at AS e_at, e.kind AS e_kind, e.payload AS e_payload,
                    \(unsafeRaw: Self.messageColumns)
                FROM chat_events e LEFT JOIN messages m ON m.chat_id = e.chat_id AND m.seq = e.seq
                WHERE \(SQLList(predicates, separator: SQLRaw(" OR ")))
                ORDER BY e.chat_id, e.seq LIMIT \(bind: limit - events.count)
                """).all()
            for row in rows {
                let record = ChatEventRecord(
                    chat: try row.id("e_chat"), seq: try row.int64("e_seq"), at: try row.date("e_at"), kind: try row.string("e_kind"),
                    payload: try row.string("e_payload"))
                let message: Message? = try row.optionalInt64("id") == nil ? nil : Self.message(from: row)
                events.append(LiveEvent(record: record, message: message))
            }
            if events.count >= limit { break }
        }
        // Edits and deletions name the message by its sequence number in the payload.
        var wanted: [ChatID: [Int64]] = [:]
        var referring: [Int] = []
        for (index, event) in events.enumerated() where event.message == nil {
            if let seq = ChatEvent.messageSeq(payload: event.record.payload) {
                wanted[event.record.chat, default: []].append(seq)
                events[index].messageSeq = seq
                referring.append(index)
            }
        }
        guard !wanted.isEmpty else { return events }
        var found: [ChatID: [Int64: Message]] = [:]
        for chunk in wanted.sorted(by: { $0.key < $1.key }).chunked(100) {
            let predicates = chunk.map { chat, seqs in
                SQLQueryString("(m.chat_id = \(bind: chat.rawValue) AND m.seq IN \(SQLGroupExpression(seqs.map { SQLBind($0) })))")
            }
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.messageColumns) FROM messages m WHERE \(SQLList(predicates, separator: SQLRaw(" OR ")))
                """).all()
            for row in rows {
                let message = try Self.message(from: row)
                found[message.chatID, default: [:]][message.seq] = message
            }
        }
        // Only the events that name their message by seq: a `message` event already carries its own.
        for index in referring {
            if let seq = events[index].messageSeq { events[index].message = found[events[index].record.chat]?[seq] }
        }
        return events
    }

    /// Who is in each of these chats (accounts, and whether each is an admin) and where each
    /// chat's sequence stands. A deleted chat has nobody; a chat that does not exist is absent.
    public func chatAudiences(_ chats: [ChatID]) async throws -> [ChatID: ChatAudience] {
        var result: [ChatID: ChatAudience] = [:]
        for chunk in chats.chunked(400) {
            let rows = try await sql.raw("""
                SELECT c.id, c.last_seq, c.deleted_at, m.account_id, m.admin
                FROM chats c LEFT JOIN chat_members m ON m.chat_id = c.id AND m.account_id IS NOT NULL AND c.deleted_at IS NULL
                WHERE c.id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let chat: ChatID = try row.id("id")
                var audience = try result[chat] ?? ChatAudience(lastSeq: row.int64("last_seq"), members: [:])
                if let account: AccountID = try row.optionalID("account_id") {
                    let admin = ChatAdminMark(rawValue: try row.string("admin"))?.isAdmin == true
                    audience.members[account] = (audience.members[account] ?? false) || admin
                }
                result[chat] = audience
            }
        }
        return result
    }

    /// The live chats an account is a member of.
    public func memberChats(of account: AccountID) async throws -> [ChatID] {
        try await sql.raw("""
            SELECT DISTINCT m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL
            WHERE m.account_id = \(bind: account.rawValue)
            """).all().map { try $0.id("chat_id") }
    }
}

/// A chat event with the message it concerns (a new message, or the one edited or deleted), as
/// the message stands now: a deleted message has no text.
public struct LiveEvent: Sendable, Equatable {
    public var record: ChatEventRecord
    public var message: Message?
    /// For edits and deletions: the sequence number of the message concerned.
    public var messageSeq: Int64?

    public init(record: ChatEventRecord, message: Message?, messageSeq: Int64? = nil) {
        self.record = record
        self.message = message
        self.messageSeq = messageSeq ?? message?.seq
    }
}

/// Who receives a chat's events.
public struct ChatAudience: Sendable, Equatable {
    public var lastSeq: Int64
    /// Member accounts, `true` for the chat's admins.
    public var members: [AccountID: Bool]

    public init(lastSeq: Int64, members: [AccountID: Bool]) {
        self.lastSeq = lastSeq
        self.members = members
    }

}

extension Store {
    /// When the newest message of any of `chats` was written; `nil` when they have none.
    public func latestMessageTime(in chats: [ChatID]) async throws -> Date? {
        guard !chats.isEmpty else { return nil }
        let row = try await sql.raw("SELECT MAX(created_at) AS t FROM messages WHERE chat_id IN \(Self.ids(chats))").first()
        return try row?.optionalDate("t")
    }
}
