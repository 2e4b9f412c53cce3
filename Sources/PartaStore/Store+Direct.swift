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

    /// Records `chat` as the direct chat of two accounts (replacing a deleted one's record).
    public func insertDirectChat(_ chat: ChatID, between a: AccountID, _ b: AccountID, in organization: OrganizationID) async throws {
        let (low, high) = a < b ? (a, b) : (b, a)
        try await sql.raw("""
            DELETE FROM direct_chats WHERE organization_id = \(bind: organization.rawValue) AND account_low = \(bind: low.rawValue)
                AND account_high = \(bind: high.rawValue)
            """).run()
        try await sql.raw("""
            INSERT INTO direct_chats (chat_id, organization_id, account_low, account_high)
            VALUES (\(bind: chat.rawValue), \(bind: organization.rawValue), \(bind: low.rawValue), \(bind: high.rawValue))
            """).run()
    }

    /// For each of these direct chats, the other account than `account`, with its name as the
    /// organization's roster writes it (the account's own name when no person is linked).
    public func directPeers(_ chats: [ChatID], of account: AccountID) async throws -> [ChatID: (AccountID, PersonName)] {
        var result: [ChatID: (AccountID, PersonName)] = [:]
        for chunk in chats.chunked(400) {
            let rows = try await sql.raw("""
                SELECT d.chat_id, a.id AS peer, a.surname, a.given_name, a.patronymic,
                    p.surname AS p_surname, p.given_name AS p_given_name, p.patronymic AS p_patronymic
                FROM direct_chats d
                JOIN accounts a ON a.id = CASE WHEN d.account_low = \(bind: account.rawValue) THEN d.account_high ELSE d.account_low END
                LEFT JOIN roster_persons p ON p.id = \(Self.linkedPerson(account: "a.id", organization: "d.organization_id"))
                WHERE d.chat_id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let prefix = try row.decode(column: "p_surname", as: String?.self) == nil ? "" : "p_"
                result[try row.id("chat_id")] = (
                    try row.id("peer"),
                    PersonName(
                        surname: try row.string(prefix + "surname"), givenName: try row.string(prefix + "given_name"),
                        patronymic: try row.string(prefix + "patronymic")))
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
            INSERT INTO attachments (sha256, size, content_type, name, uploaded_by, created_at)
            VALUES (\(bind: sha256), \(bind: size), \(bind: contentType), \(bind: name), \(bind: uploadedBy.rawValue), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.attachmentColumns)
            """).first()
        guard let row else { throw StoreError.missingRow("the new attachment") }
        return try Self.attachment(from: row)
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
