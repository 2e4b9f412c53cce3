import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

struct ChatInviteDTO: ResponseCodable {
    var id: ChatInviteID
    var chatId: ChatID
    var roles: [ChatInviteAudience]
    var status: Invite.Status
    var createdAt: Date
    var createdBy: String?
    var expiresAt: Date
    /// `null`: unlimited.
    var maxUses: Int?
    var useCount: Int
    var remainingUses: Int?
    var revokedAt: Date?
    /// The link to hand out, shown to the chat's managers as often as they ask.
    var url: String
    /// The link as a QR code, on creation and on asking for one invite.
    var qrSvg: String?
    var qrPngBase64: String?

    init(_ view: ChatInviteView, base: String, withQR: Bool) throws {
        let i = view.invite
        id = i.id
        chatId = i.chatID
        roles = i.audiences.sorted()
        status = view.status
        createdAt = i.createdAt
        createdBy = view.createdByName?.short
        expiresAt = i.expiresAt
        maxUses = i.maxUses
        useCount = i.useCount
        remainingUses = i.remainingUses
        revokedAt = i.revokedAt
        url = view.url(base: base)
        if withQR {
            let qr = try LinkBuilder.qr(url)
            qrSvg = qr.svg
            qrPngBase64 = qr.pngBase64
        }
    }
}

struct ChatInvitePreviewDTO: ResponseCodable {
    var organization: OrganizationSummaryDTO
    var chatName: String
    var chatType: ChatKind
    var roles: [ChatInviteAudience]
    var expiresAt: Date
}

struct ChatInviteJoinDTO: ResponseCodable {
    var organizationId: OrganizationID
    var chatId: ChatID
    var chatName: String
    /// `false`: already a member; the link was not used.
    var joined: Bool
}

/// Chat invite links (SPEC §4): the chat's managers make, list, show again and revoke them; people
/// of the organization in an invited role open them and join.
struct ChatInviteRoutes {
    let parta: Parta
    let links: LinkBuilder

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.post("organizations/{id}/chats/{chat_id}/invites", use: create)
        api.get("organizations/{id}/chats/{chat_id}/invites", use: list)
        api.get("organizations/{id}/chats/{chat_id}/invites/{invite_id}", use: show)
        api.delete("organizations/{id}/chats/{chat_id}/invites/{invite_id}", use: revoke)
        api.get("chat-invites/{token}", use: preview)
        api.post("chat-invites/{token}/join", use: join)
    }

    func ids(_ context: PartaRequestContext) throws -> (OrganizationID, ChatID) {
        (try context.id("id", OrganizationID.self, what: "The organization"), try context.id("chat_id", ChatID.self, what: "The chat"))
    }

    func inviteID(_ context: PartaRequestContext) throws -> ChatInviteID {
        try context.id("invite_id", ChatInviteID.self, what: "The invite link")
    }

    struct NewChatInvite: Decodable {
        var roles: [String]
        var expiresAt: Date?
        var expiresInDays: Int?
        /// Absent or `null`: unlimited.
        var maxUses: Int?
    }

    /// POST /api/v1/organizations/{id}/chats/{chat_id}/invites — a new link, with its QR code.
    @Sendable func create(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<ChatInviteDTO> {
        let caller = try context.caller()
        let base = try links.base(for: request)
        let body = try await request.decodeJSON(NewChatInvite.self, context: context)
        guard body.roles.count <= ChatInviteAudience.allCases.count else {
            throw PartaError.invalid("invalid_audience", "A chat invite is for students, parents or staff.", details: ["field": .string("roles")])
        }
        let audiences = try body.roles.map { raw throws(PartaError) in try ChatInviteAudience.parse(raw) }
        let expiresAt = try InviteRules.requestedExpiry(at: body.expiresAt, inDays: body.expiresInDays, now: parta.clock.now())
        let (organization, chat) = try ids(context)
        let view = try await parta.createChatInvite(
            caller, organization: organization, chat: chat, audiences: audiences, expiresAt: expiresAt, maxUses: body.maxUses)
        return EditedResponse(status: .created, response: try ChatInviteDTO(view, base: base, withQR: true))
    }

    /// GET /api/v1/organizations/{id}/chats/{chat_id}/invites — newest first; `usable=true` leaves out spent ones.
    @Sendable func list(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<ChatInviteDTO> {
        let (organization, chat) = try ids(context)
        let caller = try context.caller()
        let base = try links.base(for: request)
        let found = try await parta.chatInvites(
            caller, organization: organization, chat: chat, usableOnly: try request.queryBool("usable") ?? false,
            page: try request.pageRequest())
        let items = try found.items.map { try ChatInviteDTO($0, base: base, withQR: false) }
        return PageDTO(Page(items: items, page: found.page, perPage: found.perPage, total: found.total)) { $0 }
    }

    /// GET /api/v1/organizations/{id}/chats/{chat_id}/invites/{invite_id} — one link, with its QR code again.
    @Sendable func show(_ request: Request, context: PartaRequestContext) async throws -> ChatInviteDTO {
        let (organization, chat) = try ids(context)
        let caller = try context.caller()
        let base = try links.base(for: request)
        let view = try await parta.chatInvite(caller, organization: organization, chat: chat, invite: try inviteID(context))
        return try ChatInviteDTO(view, base: base, withQR: true)
    }

    /// DELETE /api/v1/organizations/{id}/chats/{chat_id}/invites/{invite_id} — revoke.
    @Sendable func revoke(_ request: Request, context: PartaRequestContext) async throws -> ChatInviteDTO {
        let (organization, chat) = try ids(context)
        let caller = try context.caller()
        let base = try links.base(for: request)
        let view = try await parta.revokeChatInvite(caller, organization: organization, chat: chat, invite: try inviteID(context))
        return try ChatInviteDTO(view, base: base, withQR: false)
    }

    /// GET /api/v1/chat-invites/{token} — where a chat invite leads (no sign-in needed); 410 names why it no longer works.
    @Sendable func preview(_ request: Request, context: PartaRequestContext) async throws -> ChatInvitePreviewDTO {
        let preview = try await parta.previewChatInvite(token: context.parameters.get("token") ?? "")
        return ChatInvitePreviewDTO(
            organization: OrganizationSummaryDTO(preview.organization), chatName: preview.chatName, chatType: preview.chatKind,
            roles: preview.audiences.sorted(), expiresAt: preview.expiresAt)
    }

    /// POST /api/v1/chat-invites/{token}/join — come into the chat (signed in, of the organization, in an invited role).
    @Sendable func join(_ request: Request, context: PartaRequestContext) async throws -> ChatInviteJoinDTO {
        let joined = try await parta.joinChatByInvite(try context.caller(), token: context.parameters.get("token") ?? "")
        return ChatInviteJoinDTO(organizationId: joined.organizationID, chatId: joined.chatID, chatName: joined.chatName, joined: joined.joined)
    }
}
