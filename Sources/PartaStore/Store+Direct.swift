public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    // MARK: Direct chats

    /// The live direct chat of two accounts in an organization.
    public func directChat(between a: AccountID, _ b: AccountID, in organization: OrganizationID) async throws -> ChatID? {
        let (low, high) = a < b ? (a, b) : (b, a)
        return try await sql.raw("""
            SELECT d.chat_id FROM direct_chats d JOIN chats c ON c.id = d.chat_id
            WHERE d.organization_id = \(bind: organization.rawValue) AND d.account_low = \(bind: low.rawValue)
                AND d.account_high = \(bind: high.rawValue) AND c.deleted_at IS NULL
            """).first().map { try $0.id("chat_id") }
    }

    /// Records `chat` as the direct chat of two accounts (replacing a deleted one's record), with
    /// each side's name as the organization knows it now — what the other side keeps seeing should
    /// one of them leave.
    public func insertDirectChat(
        _ chat: ChatID, between a: AccountID, _ b: AccountID, in organization: OrganizationID, names: [AccountID: PersonName] = [:]
    ) async throws {
        let (low, high) = a < b ? (a, b) : (b, a)
        try await sql.raw("""
            DELETE FROM direct_chats WHERE organization_id = \(bind: organization.rawValue) AND account_low = \(bind: low.rawValue)
                AND account_high = \(bind: high.rawValue)
            """).run()
        try await sql.raw("""
            INSERT INTO direct_chats (chat_id, organization_id, account_low, account_high, low_name, high_name)
            VALUES (\(bind: chat.rawValue), \(bind: organization.rawValue), \(bind: low.rawValue), \(bind: high.rawValue),
                \(bind: Self.encodeName(names[low])), \(bind: Self.encodeName(names[high])))
            """).run()
    }

    /// For each of these direct chats, the other account than `account` and the name to show: as
    /// the organization names them now (`names(of:in:)`), else as it named them when the chat was
    /// opened, else — unconfirmed — their own.
    public func directPeers(_ chats: [ChatID], of account: AccountID) async throws -> [ChatID: (AccountID, OrganizationName)] {
        var result: [ChatID: (AccountID, OrganizationName)] = [:]
        for chunk in chats.chunked(400) {
            let rows = try await sql.raw("""
                SELECT d.chat_id, a.id AS peer, a.surname, a.given_name, a.patronymic,
                    CASE WHEN d.account_low = \(bind: account.rawValue) THEN d.high_name ELSE d.low_name END AS snapshot,
                    p.surname AS p_surname, p.given_name AS p_given_name, p.patronymic AS p_patronymic,
                    g.surname AS g_surname, g.given_name AS g_given_name, g.patronymic AS g_patronymic
                FROM direct_chats d
                JOIN accounts a ON a.id = CASE WHEN d.account_low = \(bind: account.rawValue) THEN d.account_high ELSE d.account_low END
                LEFT JOIN roster_persons p ON p.id = \(Self.linkedPerson(account: "a.id", organization: "d.organization_id"))
                LEFT JOIN organization_roles g ON g.organization_id = d.organization_id AND g.account_id = a.id
                    AND g.role = \(bind: OrganizationRole.administrator.rawValue) AND g.surname <> ''
                WHERE d.chat_id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let name = try Self.organizationName(row, snapshot: Self.decodeName(try row.optionalString("snapshot")))
                result[try row.id("chat_id")] = (try row.id("peer"), name)
            }
        }
        return result
    }

    // MARK: Attachments

    static let attachmentColumns = "id, sha256, size, content_type, name, uploaded_by, created_at"

    static func attachment(from row: any SQLRow) throws -> Attachment {
        Attachment(
            id: try row.id("id"), sha256: try row.string("sha256"), size: try row.int64("size"), contentType: try row.string("content_type"),
            name: try row.string("name"), uploadedBy: try row.id("uploaded_by"), createdAt: try row.date("created_at"))
    }

    public func insertAttachment(sha256: String, size: Int64, contentType: String, name: String, uploadedBy: AccountID, now: Date) async throws -> Attachment {
        let row = try await sql.raw("""
            INSERT INTO attachments (sha256, size, content_type, name, uploaded_by, created_at, orphaned_at)
            VALUES (\(bind: sha256), \(bind: size), \(bind: contentType), \(bind: name), \(bind: uploadedBy.rawValue), \(bind: now.millis),
                \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.attachmentColumns)
            """).first()
        guard let row else { throw StoreError.missingRow("the new attachment") }
        return try Self.attachment(from: row)
    }

    /// What an account uploaded since `date`: when and how many bytes (its daily quota).
    public func uploads(by account: AccountID, since date: Date) async throws -> [(at: Date, size: Int64)] {
        try await sql.raw("""
            SELECT created_at, size FROM attachments WHERE uploaded_by = \(bind: account.rawValue) AND created_at > \(bind: date.millis)
            ORDER BY created_at
            """).all().map { (try $0.date("created_at"), try $0.int64("size")) }
    }

    /// Forgets up to `limit` uploads no message has carried since before `date` (never sent, or
    /// their messages deleted); returns the contents (SHA-256) no upload refers to any more. The
    /// condition is checked again as each row is deleted: an upload sent meanwhile stays.
    public func deleteUnsentAttachments(before date: Date, limit: Int = 1_000) async throws -> [String] {
        let ids: [AttachmentID] = try await sql.raw("""
            SELECT id FROM attachments WHERE orphaned_at < \(bind: date.millis) ORDER BY orphaned_at LIMIT \(bind: limit)
            """).all().map { try $0.id("id") }
        var contents = Set<String>()
        for chunk in ids.chunked(400) {
            let rows = try await sql.raw("""
                DELETE FROM attachments WHERE id IN \(Self.ids(chunk)) AND orphaned_at < \(bind: date.millis)
                  AND NOT EXISTS (SELECT 1 FROM message_attachments x WHERE x.attachment_id = attachments.id)
                RETURNING sha256
                """).all()
            for row in rows { contents.insert(try row.string("sha256")) }
        }
        let kept = try await referencedContents(Array(contents))
        return contents.subtracting(kept).sorted()
    }

    /// Which of these contents (SHA-256) some upload still refers to.
    public func referencedContents(_ contents: [String]) async throws -> Set<String> {
        var kept = Set<String>()
        for chunk in contents.sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT DISTINCT sha256 FROM attachments WHERE sha256 IN \(SQLGroupExpression(chunk.map { SQLBind($0) }))
                """).all()
            for row in rows { kept.insert(try row.string("sha256")) }
        }
        return kept
    }

    /// Forgets an upload whose file could not be kept.
    public func deleteAttachment(_ id: AttachmentID) async throws {
        try await sql.raw("DELETE FROM attachments WHERE id = \(bind: id.rawValue)").run()
    }

    public func attachments(_ ids: [AttachmentID]) async throws -> [AttachmentID: Attachment] {
        var result: [AttachmentID: Attachment] = [:]
        for chunk in ids.chunked(400) {
            for row in try await sql.raw("SELECT \(unsafeRaw: Self.attachmentColumns) FROM attachments WHERE id IN \(Self.ids(chunk))").all() {
                let attachment = try Self.attachment(from: row)
                result[attachment.id] = attachment
            }
        }
        return result
    }

    /// Whether `account` is a member of a live chat where a standing message carries the attachment.
    public func isMemberOfAChat(with attachment: AttachmentID, account: AccountID) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS found FROM message_attachments ma
            JOIN chat_members cm ON cm.chat_id = ma.chat_id AND cm.account_id = \(bind: account.rawValue)
            JOIN chats c ON c.id = ma.chat_id AND c.deleted_at IS NULL
            WHERE ma.attachment_id = \(bind: attachment.rawValue)
            LIMIT 1
            """).first() != nil
    }
}
