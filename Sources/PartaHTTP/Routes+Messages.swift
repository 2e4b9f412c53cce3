import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

/// The messenger over HTTP (SPEC §6): my chats, history, and the same commands the live
/// connection takes, for clients between connections. A chat I am not in is 404.
struct MessageRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("me/chats", use: myChats)
        api.get("chats/{chat_id}/messages", use: history)
        api.get("chats/{chat_id}/members", use: members)
        api.post("chats/{chat_id}/messages", use: send)
        api.patch("chats/{chat_id}/messages/{message_id}", use: edit)
        api.delete("chats/{chat_id}/messages/{message_id}", use: delete)
        api.get("chats/{chat_id}/messages/{message_id}/readers", use: readers)
        api.post("chats/{chat_id}/read", use: read)
        api.patch("chats/{chat_id}/settings", use: settings)
        api.post("organizations/{id}/direct-chats", use: openDirect)
    }

    func chat(_ context: PartaRequestContext) throws -> ChatID {
        try context.id("chat_id", ChatID.self, what: "The chat")
    }

    func message(_ context: PartaRequestContext) throws -> MessageID {
        try context.id("message_id", MessageID.self, what: "The message")
    }

    /// GET /api/v1/me/chats — my chats, most recent activity first.
    @Sendable func myChats(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<MessengerChatDTO> {
        ListDTO(items: try await parta.myChats(try context.principal()).map { MessengerChatDTO($0) })
    }

    /// GET /api/v1/chats/{chat_id}/messages?before=&after=&limit= — newest first before `before`
    /// (or the newest), oldest first after `after`.
    @Sendable func history(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<MessageDTO> {
        let before = try request.queryInt("before").map(Int64.init)
        let after = try request.queryInt("after").map(Int64.init)
        if before != nil && after != nil {
            throw PartaError.invalid("invalid_query", "Give 'before' or 'after', not both.")
        }
        let messages = try await parta.history(
            try context.principal(), chat: try chat(context), before: before, after: after, limit: try request.queryInt("limit") ?? 50)
        return ListDTO(items: messages.map(MessageDTO.init))
    }

    struct NewMessage: Decodable {
        var clientId: String
        var text: String?
        var replyTo: MessageID?
        var attachmentIds: [AttachmentID]?
    }

    /// POST /api/v1/chats/{chat_id}/messages — 201 with the message once committed; a resend
    /// with the same `client_id` is 200 with the first message.
    @Sendable func send(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<MessageDTO> {
        let body = try await request.decodeJSON(NewMessage.self, context: context)
        let sent = try await parta.sendMessage(
            try context.principal(), chat: try chat(context), clientID: body.clientId, text: body.text ?? "", replyTo: body.replyTo,
            attachments: body.attachmentIds ?? [])
        return EditedResponse(status: sent.duplicate ? .ok : .created, response: MessageDTO(sent.message))
    }

    struct Edit: Decodable {
        var text: String
    }

    /// PATCH /api/v1/chats/{chat_id}/messages/{message_id} — the sender edits.
    @Sendable func edit(_ request: Request, context: PartaRequestContext) async throws -> MessageDTO {
        let body = try await request.decodeJSON(Edit.self, context: context)
        let (message, _) = try await parta.editMessage(try context.principal(), chat: try chat(context), message: try message(context), text: body.text)
        return MessageDTO(message)
    }

    /// DELETE /api/v1/chats/{chat_id}/messages/{message_id} — the sender or a chat admin.
    @Sendable func delete(_ request: Request, context: PartaRequestContext) async throws -> MessageDTO {
        let (message, _) = try await parta.deleteMessage(try context.principal(), chat: try chat(context), message: try message(context))
        return MessageDTO(message)
    }

    struct Readers: ResponseCodable {
        var accountIds: [AccountID]
    }

    /// GET /api/v1/chats/{chat_id}/messages/{message_id}/readers — for the sender, in chats with read receipts.
    @Sendable func readers(_ request: Request, context: PartaRequestContext) async throws -> Readers {
        Readers(accountIds: try await parta.readBy(try context.principal(), chat: try chat(context), message: try message(context)))
    }

    struct Read: Decodable {
        var seq: Int64
    }

    struct ReadMarker: ResponseCodable {
        var readSeq: Int64
    }

    /// POST /api/v1/chats/{chat_id}/read — I have read up to `seq`; the marker never moves back.
    @Sendable func read(_ request: Request, context: PartaRequestContext) async throws -> ReadMarker {
        let body = try await request.decodeJSON(Read.self, context: context)
        return ReadMarker(readSeq: try await parta.markRead(try context.principal(), chat: try chat(context), seq: body.seq))
    }

    struct Settings: Decodable {
        var announcementsOnly: Bool?
        var readReceipts: Bool?
    }

    /// PATCH /api/v1/chats/{chat_id}/settings — chat admins; audited.
    @Sendable func settings(_ request: Request, context: PartaRequestContext) async throws -> ChatSettingsDTO {
        let body = try await request.decodeJSON(Settings.self, context: context)
        let settings = try await parta.setChatSettings(
            try context.principal(), chat: try chat(context), announcementsOnly: body.announcementsOnly, readReceipts: body.readReceipts)
        return ChatSettingsDTO(settings)
    }

    struct OpenDirect: Decodable {
        var accountId: AccountID
    }

    /// POST /api/v1/organizations/{id}/direct-chats — my direct chat with `account_id`: the
    /// existing one, or a new one where the safeguarding rule allows me to start it.
    @Sendable func openDirect(_ request: Request, context: PartaRequestContext) async throws -> MessengerChatDTO {
        let body = try await request.decodeJSON(OpenDirect.self, context: context)
        let organization = try context.id("id", OrganizationID.self, what: "The organization")
        return MessengerChatDTO(try await parta.openDirectChat(try context.principal(), organization: organization, with: body.accountId))
    }

    /// A member as the other members see them: a name, a role, whether they administer the chat,
    /// and whether they are in the messenger yet (a roster person not linked to an account is not).
    struct MemberDTO: ResponseCodable {
        var accountId: AccountID?
        var fullName: String
        /// `false`: the account's own name, not one the school stands behind.
        var nameConfirmed: Bool
        var role: RosterRole?
        var admin: Bool
        var pending: Bool
    }

    /// GET /api/v1/chats/{chat_id}/members?page=&per_page= — the chat's members, admins first.
    @Sendable func members(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<MemberDTO> {
        let page = try await parta.members(try context.principal(), chat: try chat(context), page: try request.pageRequest())
        return PageDTO(page) { membership, name in
            MemberDTO(
                accountId: name.accountID, fullName: name.name.full, nameConfirmed: name.confirmed, role: name.role,
                admin: membership.isAdmin, pending: name.accountID == nil)
        }
    }
}
