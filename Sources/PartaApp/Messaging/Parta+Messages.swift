import Foundation
public import PartaDomain
public import PartaStore

/// A message sent: the stored message and whether it was a resend of one already stored.
public struct SentMessage: Sendable, Equatable {
    public var message: Message
    public var duplicate: Bool
}

/// A chat in the messenger's list.
public struct MessengerChat: Sendable, Equatable {
    public var entry: AccountChat
    public var lastMessage: Message?
    /// In a direct chat, the other person (the chat is named after them).
    public var peer: AccountID?
    /// Whether the chat's name — in a direct chat, the other person's — is one the school stands
    /// behind (`OrganizationName.confirmed`).
    public var nameConfirmed = true
    /// The call running in the chat (outside meetings): its members see "call in progress — join".
    public var call: Call?
}

/// The messenger (SPEC §6): every change is a chat event in the chat's sequence, committed before
/// it is acknowledged; live connections hear of it after the commit (`Database.onChatEvents`).
extension Parta {
    /// The account's place in a chat, or 404 (a non-member does not learn the chat exists).
    func seat(_ account: AccountID, chat: ChatID, in store: Store) async throws -> (ChatSeat, MessageActor) {
        guard let seat = try await store.seat(chat: chat, account: account) else { throw PartaError.notFound("The chat") }
        return (seat, MessageActor(account: account, isMember: true, isChatAdmin: seat.isAdmin))
    }

    /// Sends a message. A resend under the same `clientID` returns the first message unchanged.
    /// `attachments` are files the sender uploaded (`registerAttachment`); with some, the text may be empty.
    public func sendMessage(
        _ principal: Principal, chat: ChatID, clientID rawClientID: String, text rawText: String, replyTo: MessageID? = nil,
        attachments attachmentIDs: [AttachmentID] = []
    ) async throws -> SentMessage {
        let clientID = try MessageRules.checkClientID(rawClientID)
        let attachmentIDs = try AttachmentRules.checkList(attachmentIDs)
        let text = try MessageRules.checkText(rawText, allowEmpty: !attachmentIDs.isEmpty)
        let me = principal.account.id
        do {
            try checkRate(.messages, me.rawValue)
        } catch {
            // Past the limit, a resend of what was stored is still answered: it sends nothing new.
            if let sent = try await database.read({ try await $0.message(sender: me, clientID: clientID) }), sent.chatID == chat {
                return SentMessage(message: sent, duplicate: true)
            }
            throw error
        }
        return try await database.write { store in
            let (seat, actor) = try await seat(me, chat: chat, in: store)
            if let sent = try await store.message(sender: me, clientID: clientID) {
                guard sent.chatID == chat else {
                    throw PartaError.conflict("client_id_reused", "This client_id was already used for a message in another chat.")
                }
                return SentMessage(message: sent, duplicate: true)
            }
            try MessageRules.decide(.post, actor: actor, chat: seat.settings, closed: seat.closed).check()
            if let replyTo, try await store.message(replyTo, in: chat) == nil {
                throw PartaError.invalid("invalid_reply", "The message replied to is not in this chat.")
            }
            let found = try await store.attachments(attachmentIDs)
            let refs = try attachmentIDs.map { id in
                // Only one's own uploads: someone else's file id does not exist for the sender.
                guard let attachment = found[id], attachment.uploadedBy == me else { throw PartaError.notFound("The attachment") }
                return attachment.ref
            }
            try admit(.messages, me.rawValue)
            let now = clock.now()
            let seq = try await store.appendChatEvents([(chat, ChatEvent.message)], organization: seat.organization, now: now)[0]
            let message = try await store.insertMessage(
                chat: chat, seq: seq, sender: me, clientID: clientID, text: text, replyTo: replyTo, attachments: refs, now: now)
            return SentMessage(message: message, duplicate: false)
        }
    }

    /// Edits one's own message; the edit is a new event naming the message (and counts as sending).
    public func editMessage(_ principal: Principal, chat: ChatID, message id: MessageID, text rawText: String) async throws -> (Message, Int64) {
        let text = try MessageRules.checkText(rawText)
        try checkRate(.messages, principal.account.id.rawValue)
        return try await changeMessage(principal, chat: chat, message: id, action: .edit) { store, message, now in
            try await store.editMessage(message.id, text: text, now: now)
        }
    }

    /// Deletes a message for everyone (the sender, or a chat admin).
    public func deleteMessage(_ principal: Principal, chat: ChatID, message id: MessageID) async throws -> (Message, Int64) {
        try await changeMessage(principal, chat: chat, message: id, action: .delete) { store, message, now in
            try await store.deleteMessage(message.id, by: principal.account.id, now: now)
        }
    }

    private func changeMessage(
        _ principal: Principal, chat: ChatID, message id: MessageID, action: MessageAction,
        _ change: (Store, Message, Date) async throws -> Void
    ) async throws -> (Message, Int64) {
        let me = principal.account.id
        return try await database.write { store in
            let (seat, actor) = try await seat(me, chat: chat, in: store)
            guard let message = try await store.message(id, in: chat) else { throw PartaError.notFound("The message") }
            if action == .delete, message.isDeleted { return (message, message.seq) }
            try MessageRules.decide(action, actor: actor, chat: seat.settings, closed: seat.closed, message: message).check()
            if action == .edit { try admit(.messages, me.rawValue) }
            let now = clock.now()
            try await change(store, message, now)
            if action == .delete, message.senderID != me {
                try await audit(store, principal.caller(from: "messenger"), .messageModerated, organization: seat.organization,
                                target: ("message", "\(message.id)"), details: ["chat": "\(chat)", "sender": "\(message.senderID)"])
            }
            let event: ChatEvent = action == .edit ? .messageEdited(seq: message.seq) : .messageDeleted(seq: message.seq)
            let seq = try await store.appendChatEvents([(chat, event)], organization: seat.organization, now: now)[0]
            guard let changed = try await store.message(id, in: chat) else { throw StoreError.missingRow("message \(id)") }
            return (changed, seq)
        }
    }

    /// Moves my read marker forward; returns it.
    public func markRead(_ principal: Principal, chat: ChatID, seq: Int64) async throws -> Int64 {
        let me = principal.account.id
        return try await database.write { store in
            let (seat, _) = try await seat(me, chat: chat, in: store)
            let marker = try MessageRules.readMarker(seq, lastSeq: seat.lastSeq)
            return try await store.markRead(chat: chat, account: me, seq: marker, now: clock.now())
        }
    }

    /// My chats for the messenger: last message, unread count, my role, newest first.
    public func myChats(_ principal: Principal) async throws -> [MessengerChat] {
        try await myChats(principal.account.id)
    }

    func myChats(_ account: AccountID, only: ChatID? = nil) async throws -> [MessengerChat] {
        try await database.read { store in
            let chats = try await store.accountChats(account, only: only)
            let last = try await store.lastMessages(of: chats.map(\.chat.id))
            let peers = try await store.directPeers(chats.filter { $0.chat.kind == .direct }.map(\.chat.id), of: account)
            let calls = try await store.openChatCalls(chats: chats.map(\.chat.id))
            return chats.map { entry in
                var chat = MessengerChat(entry: entry, lastMessage: last[entry.chat.id], call: calls[entry.chat.id])
                if let (peer, named) = peers[entry.chat.id] {
                    chat.peer = peer
                    chat.entry.chat.name = named.name.full
                    chat.nameConfirmed = named.confirmed
                }
                return chat
            }
        }
    }

    /// One of my chats as the list shows it; `nil` when I am not (or no longer) in it.
    func myChat(_ account: AccountID, chat: ChatID) async throws -> MessengerChat? {
        try await myChats(account, only: chat).first
    }

    /// History of a chat I am a member of: before `before` (newest first) or after `after`.
    public func history(_ principal: Principal, chat: ChatID, before: Int64?, after: Int64?, limit: Int) async throws -> [Message] {
        guard (1...200).contains(limit) else { throw PartaError.invalid("invalid_limit", "limit must be 1–200.") }
        return try await database.read { store in
            _ = try await seat(principal.account.id, chat: chat, in: store)
            return try await store.messages(in: chat, before: before, after: after, limit: limit)
        }
    }

    /// Who read my message, for chats with read receipts on.
    public func readBy(_ principal: Principal, chat: ChatID, message id: MessageID) async throws -> [AccountID] {
        try await database.read { store in
            let (seat, actor) = try await seat(principal.account.id, chat: chat, in: store)
            guard let message = try await store.message(id, in: chat) else { throw PartaError.notFound("The message") }
            try MessageRules.decide(.seeReaders, actor: actor, chat: seat.settings, message: message).check()
            return try await store.readers(chat: chat, seq: message.seq, except: principal.account.id)
        }
    }

    /// Chat admins switch announcements-only and read receipts.
    @discardableResult
    public func setChatSettings(_ principal: Principal, chat: ChatID, announcementsOnly: Bool?, readReceipts: Bool?) async throws -> ChatSettings {
        try await database.write { store in
            let (seat, actor) = try await seat(principal.account.id, chat: chat, in: store)
            try MessageRules.decide(.changeSettings, actor: actor, chat: seat.settings, closed: seat.closed).check()
            let settings = seat.settings.changing(announcementsOnly: announcementsOnly, readReceipts: readReceipts)
            let now = clock.now()
            try await store.setChatSettings(chat, settings, now: now)
            try await store.appendChatEvents([(chat, ChatEvent.settingsChanged(settings))], organization: seat.organization, now: now)
            try await audit(store, principal.caller(from: "messenger"), .chatSettingsChanged, organization: seat.organization,
                            target: ("chat", "\(chat)"),
                            details: ["announcements_only": "\(settings.announcementsOnly)", "read_receipts": "\(settings.readReceipts)"])
            return settings
        }
    }
}
