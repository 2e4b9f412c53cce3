public import Foundation
import Logging
public import PartaDomain
import PartaStore

/// A chat invite as the chat's managers see it: with its link, which they may show again.
public struct ChatInviteView: Sendable, Equatable {
    public var invite: ChatInvite
    public var token: String
    public var status: Invite.Status
    public var createdByName: PersonName?

    /// The path a person opens: `/chat-invite/<token>`.
    public var path: String { "/chat-invite/\(token)" }

    public func url(base: String) -> String {
        Secrets.link(base: base, path: path)
    }
}

/// What a chat invite link shows before it is used.
public struct ChatInvitePreview: Sendable, Equatable {
    public var organization: OrganizationSummary
    public var chatName: String
    public var chatKind: ChatKind
    public var audiences: Set<ChatInviteAudience>
    public var expiresAt: Date
}

/// What opening a chat invite did.
public struct ChatInviteJoin: Sendable, Equatable {
    public var organizationID: OrganizationID
    public var chatID: ChatID
    public var chatName: String
    /// `false`: the person was a member already; the link was not used.
    public var joined: Bool

    public init(organizationID: OrganizationID, chatID: ChatID, chatName: String, joined: Bool) {
        self.organizationID = organizationID
        self.chatID = chatID
        self.chatName = chatName
        self.joined = joined
    }
}

/// Chat invite links (SPEC §4): made, listed and revoked by those who add members to the chat
/// (`ChatInviteRules.decide`); opened by people of the organization in an invited role.
extension Parta {
    public func createChatInvite(
        _ caller: Caller, organization: OrganizationID, chat id: ChatID, audiences: [ChatInviteAudience], expiresAt: Date? = nil,
        maxUses: Int? = nil
    ) async throws -> ChatInviteView {
        let now = clock.now()
        let terms = try ChatInviteRules.terms(audiences: audiences, expiresAt: expiresAt, maxUses: maxUses, now: now)
        // A link lives by its maker's rights, so it is made by someone signed in.
        guard let account = caller.accountID else { throw PartaError.forbidden("Chat invite links are made by people signed in to the messenger.") }
        try checkRate(.invites, account.rawValue)
        let token = Secrets.newToken()
        let view = try await database.write { store in
            let (chat, context, _) = try await chatInviteAccess(caller, organization, id, audiences: terms.audiences, in: store)
            try ChatInviteRules.checkRoom(usable: try await store.usableChatInviteCount(of: chat.id, by: account, at: now))
            try admit(.invites, account.rawValue)
            let invite = try await store.insertChatInvite(
                organization: organization, chat: chat.id, terms: terms, token: token, createdBy: context.account, now: now)
            try await audit(store, caller, .chatInviteCreated, organization: organization, target: ("chat", "\(chat.id)"), details: [
                "invite": "\(invite.id)", "roles": terms.audiences.sorted().map(\.rawValue).joined(separator: ","),
                "expires_at": ISO8601DateFormatter().string(from: terms.expiresAt),
                "max_uses": terms.maxUses.map(String.init) ?? "unlimited",
            ])
            return try await chatInviteViews([(invite, token)], organization: organization, in: store)[0]
        }
        logger.info("chat_invite.created", metadata: ["parta.chat.id": "\(id)", "parta.chat_invite.id": "\(view.invite.id)"])
        return view
    }

    /// A chat's invite links, newest first, with their links to show again.
    public func chatInvites(
        _ caller: Caller, organization: OrganizationID, chat id: ChatID, usableOnly: Bool = false, page: PageRequest
    ) async throws -> Page<ChatInviteView> {
        try await database.read { store in
            let (chat, context, target) = try await chatInviteAccess(caller, organization, id, audiences: nil, in: store)
            let found = try await store.chatInvites(
                of: chat.id, usableAt: usableOnly ? clock.now() : nil, audiences: ChatInviteRules.visibleAudiences(context.actor, target),
                page: page)
            return Page(
                items: try await chatInviteViews(found.items, organization: organization, in: store), page: found.page,
                perPage: found.perPage, total: found.total)
        }
    }

    /// One of a chat's invites, with its link: for showing the link and QR code again.
    public func chatInvite(_ caller: Caller, organization: OrganizationID, chat id: ChatID, invite inviteID: ChatInviteID) async throws -> ChatInviteView {
        try await database.read { store in
            let found = try await managedChatInvite(caller, organization, id, inviteID, in: store)
            return try await chatInviteViews([found], organization: organization, in: store)[0]
        }
    }

    /// Revokes one chat invite; revoking it again changes nothing.
    public func revokeChatInvite(_ caller: Caller, organization: OrganizationID, chat id: ChatID, invite inviteID: ChatInviteID) async throws -> ChatInviteView {
        let now = clock.now()
        return try await database.write { store in
            var found = try await managedChatInvite(caller, organization, id, inviteID, in: store)
            if try await store.revokeChatInvite(inviteID, now: now) {
                found.invite.revokedAt = now
                try await audit(store, caller, .chatInviteRevoked, organization: organization, target: ("chat", "\(id)"),
                                details: ["invite": "\(inviteID)", "uses": "\(found.invite.useCount)"])
            }
            return try await chatInviteViews([found], organization: organization, in: store)[0]
        }
    }

    /// Where a chat invite leads, for anyone holding it; throws why it no longer works.
    public func previewChatInvite(token: String) async throws -> ChatInvitePreview {
        try await database.read { store in
            let (invite, chat) = try await usableChatInvite(token, in: store)
            // A link whose maker can no longer make it says so before anyone signs in for it.
            _ = try await standingMaker(invite, chat, from: "preview", in: store)
            guard let organization = try await summary(of: invite.organizationID, in: store) else { throw PartaError.notFound("The organization") }
            return ChatInvitePreview(
                organization: organization, chatName: chat.name, chatKind: chat.kind, audiences: invite.audiences, expiresAt: invite.expiresAt)
        }
    }

    /// Comes into a chat by its invite: a person of the organization in an invited role, whom the
    /// link's maker could add by hand today, joins it as a member added by hand (the roster keeps
    /// them), one use counted atomically; a member already there uses nothing. A link whose maker
    /// can no longer make it stops working. Open clients see the chat at once.
    public func joinChatByInvite(_ caller: Caller, token: String) async throws -> ChatInviteJoin {
        guard let account = caller.accountID else { throw PartaError.forbidden("Sign in to join a chat by its link.") }
        try checkRate(.invites, account.rawValue)
        let now = clock.now()
        let joined = try await database.write { store in
            // Someone in the chat already is let through to it, whatever became of the link since
            // (revoked, expired, its maker gone): they use nothing and gain nothing.
            if Secrets.looksLikeToken(token), let found = try await store.chatInvite(token: token),
               try await store.isMember(account, of: found.chatID),
               let chat = try await store.chat(found.chatID, in: found.organizationID) {
                return ChatInviteJoin(organizationID: chat.organizationID, chatID: chat.id, chatName: chat.name, joined: false)
            }
            let org = try await usableChatInvite(token, in: store).0.organizationID
            // The roster stays as it is while the maker's reach is read and the person added.
            try await lockRoster(org, in: store)
            let (invite, chat) = try await usableChatInvite(token, in: store)
            let maker = try await standingMaker(invite, chat, from: caller.clientAddress, in: store)
            let addable = try await addablePersons(ChatPermissions.additionLimit(maker.context.actor, maker.target), context: maker.context, in: store)
            let persons = try await store.persons(linkedTo: account).filter { $0.organizationID == org && $0.active }
            let roles = try await actorRoles(caller, in: store)
            let members = Set((try await store.memberships(of: [chat.id])[chat.id] ?? []).map(\.member))
            let admission = try ChatInviteRules.admit(
                invite.audiences, persons: persons.map { ($0.id, $0.role) }, administrator: roles.isAdministrator(of: org) ? account : nil,
                members: members, removed: try await store.exclusions(of: [chat.id])[chat.id] ?? [], addable: addable)
            guard case .member(let member) = admission else {
                return ChatInviteJoin(organizationID: org, chatID: chat.id, chatName: chat.name, joined: false)
            }
            try admit(.invites, account.rawValue)
            guard try await store.redeemChatInvite(invite.id, now: now) else {
                // Someone else took the last use between the read and the update.
                throw ChatInviteRules.usedUp
            }
            try await addByHand(chat, [member], admin: false, in: store)
            try await store.updateMemberships(chat: chat.id, [member], viaInvite: invite.id)
            try await audit(store, caller, .chatJoinedByInvite, organization: org, target: ("chat", "\(chat.id)"),
                            details: ["invite": "\(invite.id)", "member": member.description])
            return ChatInviteJoin(organizationID: org, chatID: chat.id, chatName: chat.name, joined: true)
        }
        if joined.joined {
            logger.info("chat_invite.used", metadata: ["parta.chat.id": "\(joined.chatID)", "parta.account.id": "\(account)"])
        }
        return joined
    }

    /// The chat and caller once they may manage its invites (with `audiences`, also make one for
    /// them; without, the links for students that every maker of links may make).
    func chatInviteAccess(
        _ caller: Caller, _ organization: OrganizationID, _ id: ChatID, audiences: Set<ChatInviteAudience>?, in store: Store
    ) async throws -> (Chat, ChatContext, ChatTarget) {
        let context = try await chatContext(caller, organization, in: store)
        guard let chat = try await store.chat(id, in: organization) else { throw PartaError.notFound("The chat") }
        let target = try await chatTarget(chat, context, in: store)
        try ChatInviteRules.decide(context.actor, target, audiences: audiences ?? [.students]).check()
        return (chat, context, target)
    }

    /// The maker of `invite` as they are now, toward `chat` — once they could still make the link
    /// (`ChatInviteRules.checkMaker`); the join then reads whom they could add. The preview stops
    /// here: it needs no roster.
    func standingMaker(
        _ invite: ChatInvite, _ chat: Chat, from address: String, in store: Store
    ) async throws -> (context: ChatContext, target: ChatTarget) {
        guard let made = invite.createdBy else { throw ChatInviteRules.makerLeft }
        let maker = try await chatContext(.account(made, from: address), invite.organizationID, in: store)
        let target = try await chatTarget(chat, maker, in: store)
        try ChatInviteRules.checkMaker(ChatInviteRules.decide(maker.actor, target, audiences: invite.audiences))
        return (maker, target)
    }

    /// One of a chat's invites, once the caller may manage it: a subject teacher only the links for
    /// students (`ChatInviteRules.visibleAudiences`), as they make only those.
    func managedChatInvite(
        _ caller: Caller, _ organization: OrganizationID, _ id: ChatID, _ inviteID: ChatInviteID, in store: Store
    ) async throws -> (invite: ChatInvite, token: String) {
        let (chat, context, target) = try await chatInviteAccess(caller, organization, id, audiences: nil, in: store)
        // A link the caller may not make is not theirs to see: not found, as in their list.
        guard let found = try await store.chatInvite(inviteID, chat: chat.id),
            ChatInviteRules.decide(context.actor, target, audiences: found.invite.audiences).isAllowed
        else { throw PartaError.notFound("The invite link") }
        return found
    }

    /// The invite behind a token and its chat, checked for use now.
    func usableChatInvite(_ token: String, in store: Store) async throws -> (ChatInvite, Chat) {
        guard Secrets.looksLikeToken(token), let invite = try await store.chatInvite(token: token) else {
            throw PartaError.notFound("This invite link")
        }
        let chat = try await store.chat(invite.chatID, in: invite.organizationID)
        try ChatInviteRules.check(invite, chatExists: chat != nil, now: clock.now())
        return (invite, chat!)
    }

    func chatInviteViews(
        _ found: [(invite: ChatInvite, token: String)], organization: OrganizationID, in store: Store
    ) async throws -> [ChatInviteView] {
        let creators = try await store.names(of: Array(Set(found.compactMap(\.invite.createdBy))), in: organization)
        let now = clock.now()
        return found.map { item in
            ChatInviteView(
                invite: item.invite, token: item.token, status: item.invite.status(at: now),
                createdByName: item.invite.createdBy.flatMap { creators[$0]?.name })
        }
    }
}
