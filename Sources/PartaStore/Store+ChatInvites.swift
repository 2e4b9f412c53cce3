public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    static let chatInviteColumns = """
        id, organization_id, chat_id, audiences, created_at, created_by, expires_at, max_uses, use_count, revoked_at
        """

    static func chatInvite(from row: any SQLRow) throws -> ChatInvite {
        let audiences = try row.string("audiences").split(separator: ",").map { raw in try ChatInviteAudience.parse(String(raw)) }
        return ChatInvite(
            id: try row.id("id"), organizationID: try row.id("organization_id"), chatID: try row.id("chat_id"),
            audiences: Set(audiences), createdAt: try row.date("created_at"), createdBy: try row.optionalID("created_by"),
            expiresAt: try row.date("expires_at"), maxUses: try row.optionalInt64("max_uses").map(Int.init),
            useCount: try row.int("use_count"), revokedAt: try row.optionalDate("revoked_at"))
    }

    /// How a link's roles are stored: sorted, comma-separated.
    static func storageKey(_ audiences: Set<ChatInviteAudience>) -> String {
        audiences.sorted().map(\.rawValue).joined(separator: ",")
    }

    public func insertChatInvite(
        organization: OrganizationID, chat: ChatID, terms: ChatInviteTerms, token: String, createdBy: AccountID?, now: Date
    ) async throws -> ChatInvite {
        let row = try await sql.raw("""
            INSERT INTO chat_invites (organization_id, chat_id, token, audiences, created_by, created_at, expires_at, max_uses)
            VALUES (\(bind: organization.rawValue), \(bind: chat.rawValue), \(bind: token),
                \(bind: Self.storageKey(terms.audiences)), \(bind: createdBy?.rawValue),
                \(bind: now.millis), \(bind: terms.expiresAt.millis), \(bind: terms.maxUses.map(Int64.init)))
            RETURNING \(unsafeRaw: Self.chatInviteColumns)
            """).first()
        return try Self.chatInvite(from: row!)
    }

    /// A chat's invite with its token, for the chat's managers to show again.
    public func chatInvite(_ id: ChatInviteID, chat: ChatID) async throws -> (invite: ChatInvite, token: String)? {
        guard let row = try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatInviteColumns), token FROM chat_invites
            WHERE id = \(bind: id.rawValue) AND chat_id = \(bind: chat.rawValue)
            """).first() else { return nil }
        return (try Self.chatInvite(from: row), try row.string("token"))
    }

    public func chatInvite(token: String) async throws -> ChatInvite? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatInviteColumns) FROM chat_invites WHERE token = \(bind: token)
            """).first().map(Self.chatInvite(from:))
    }

    /// A chat's invites newest first, each with its token; with `audiences`, only the links for
    /// exactly those roles.
    public func chatInvites(
        of chat: ChatID, usableAt: Date?, audiences: Set<ChatInviteAudience>? = nil, page: PageRequest
    ) async throws -> Page<(invite: ChatInvite, token: String)> {
        var predicate = SQLQueryString("chat_id = \(bind: chat.rawValue)")
        if let now = usableAt { predicate = "\(predicate) AND \(Self.usable(at: now))" }
        if let audiences { predicate = "\(predicate) AND audiences = \(bind: Self.storageKey(audiences))" }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM chat_invites WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatInviteColumns), token FROM chat_invites WHERE \(predicate)
            ORDER BY id DESC LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        return Page(
            items: try rows.map { (try Self.chatInvite(from: $0), try $0.string("token")) }, page: page.page, perPage: page.perPage,
            total: total)
    }

    /// How many of a chat's invites made by `maker` are usable at `now`.
    public func usableChatInviteCount(of chat: ChatID, by maker: AccountID, at now: Date) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM chat_invites
            WHERE chat_id = \(bind: chat.rawValue) AND created_by = \(bind: maker.rawValue) AND \(Self.usable(at: now))
            """).first()!.int("n")
    }

    /// Counts one use if the invite is still usable at `now`: one conditional update, so people
    /// racing for the last use cannot both get it. `false` when it is not usable.
    public func redeemChatInvite(_ id: ChatInviteID, now: Date) async throws -> Bool {
        try await redeemLink(.chatInvites, id.rawValue, now: now)
    }

    /// Revokes one chat invite; `false` when it was already revoked.
    public func revokeChatInvite(_ id: ChatInviteID, now: Date) async throws -> Bool {
        try await revokeLink(.chatInvites, id.rawValue, now: now)
    }

}
