public import Foundation
import Logging
public import PartaDomain
public import PartaStore

/// A place in a chat's call: the call and the caller's grant on the media server.
public struct JoinedCall: Sendable, Equatable {
    public var call: Call
    public var grant: MediaGrant
    /// The meeting, for a meeting's call.
    public var meeting: Meeting?
}

/// A meeting as its chat lists it: where it stands now and the call it has open.
public struct MeetingEntry: Sendable, Equatable {
    public var meeting: Meeting
    public var state: ChatCallRules.MeetingState
    public var openCall: CallID?

    public init(meeting: Meeting, state: ChatCallRules.MeetingState, openCall: CallID?) {
        self.meeting = meeting
        self.state = state
        self.openCall = openCall
    }
}

/// Calls in chats and meetings (SPEC §7): who may start, join and end one follows
/// `ChatCallRules`; each call's start and end are events in the chat's sequence; the call ends
/// when its last participant leaves (or their browsers are gone) or a chat admin ends it.
extension Parta {
    /// How long a browser may take to appear in the room after entering, or to come back after a
    /// network drop, before its stay is counted as over.
    static let callAbsenceGrace: TimeInterval = 60

    /// The caller's seat in the chat and how they stand towards its calls; 404 for a non-member.
    func callSeat(_ account: AccountID, chat: ChatID, in store: Store) async throws -> (seat: ChatSeat, actor: CallActor, chat: CallChat) {
        guard let seat = try await store.seat(chat: chat, account: account) else { throw PartaError.notFound("The chat") }
        let roles = try await store.roleGrants(of: account).filter { $0.organizationID == seat.organization }.map(\.role)
        let actor = CallActor(isMember: true, isChatAdmin: seat.isAdmin, isStaff: roles.contains { $0.isStaff || $0 == .administrator })
        return (seat, actor, CallChat(kind: seat.kind, announcementsOnly: seat.settings.announcementsOnly, closed: seat.closed))
    }

    /// Starts a call in the chat — or, when one runs already, joins it.
    public func startChatCall(_ principal: Principal, chat: ChatID, media rawMedia: String?) async throws -> JoinedCall {
        let me = principal.account.id
        let media = try CallMedia.parse(rawMedia)
        try checkRate(.calls, me.rawValue)
        let (seat, actor, callChat) = try await database.read { store in try await callSeat(me, chat: chat, in: store) }
        let running = try await database.read { try await $0.openCall(chat: chat) }
        try ChatCallRules.decide(running == nil ? .start : .join, actor: actor, chat: callChat).check()
        try admit(.calls, me.rawValue)
        // Whoever starts the call hosts it, as do the chat's admins.
        let role = CallModeration.chatRole(isChatAdmin: actor.isChatAdmin, isOrganizer: running == nil || running?.call.startedBy == me)
        let entered = try await enterCall(
            me, organization: seat.organization, role: role.rawValue, description: "chat \(chat)",
            find: { store in try await store.openCall(chat: chat) },
            open: { store, room, now in
                // The rules are checked again where the call is recorded: a member removed (or a
                // call that ended) meanwhile — the one found running was only joined — starts
                // nothing the rules would not let them start.
                let (_, actorNow, chatNow) = try await self.callSeat(me, chat: chat, in: store)
                try ChatCallRules.decide(.start, actor: actorNow, chat: chatNow).check()
                guard let id = try await store.insertChatCall(
                    organization: seat.organization, chat: chat, meeting: nil, media: media, startedBy: me, server: room.server,
                    room: room.room, secret: room.secret, now: now)
                else { return nil }
                let seq = try await store.appendChatEvents(
                    [(chat, ChatEvent.callStarted(id, media: media, startedBy: me, meeting: nil))], organization: seat.organization, now: now)[0]
                try await store.setCallSeq(id, started: seq)
                return id
            })
        logger.info("calls.chat_entered", metadata: ["parta.call.id": "\(entered.call.call.id)", "parta.chat.id": "\(chat)"])
        return JoinedCall(call: entered.call.call, grant: entered.grant, meeting: nil)
    }

    /// Joins a running call of the chat (a plain call, or a meeting's in its window).
    public func joinChatCall(_ principal: Principal, chat: ChatID, call id: CallID) async throws -> JoinedCall {
        let me = principal.account.id
        try checkRate(.calls, me.rawValue)
        let (seat, actor, callChat, call, meeting) = try await database.read { store in
            let (seat, actor, callChat) = try await callSeat(me, chat: chat, in: store)
            guard let call = try await store.call(id, chat: chat) else { throw PartaError.notFound("The call") }
            let meeting = try await call.call.meetingID.asyncMap { try await store.meeting($0) } ?? nil
            return (seat, actor, callChat, call, meeting)
        }
        try ChatCallRules.decide(.join, actor: actor, chat: callChat).check()
        if let meeting { try ChatCallRules.checkJoin(meeting, now: clock.now()) }
        guard call.call.endedAt == nil else { throw PartaError(.gone, code: "call_over", message: "The call is over.") }
        try admit(.calls, me.rawValue)
        let role = CallModeration.chatRole(isChatAdmin: actor.isChatAdmin, isOrganizer: ChatCallRules.organizes(me, call: call.call, meeting: meeting))
        let entered = try await enterCall(
            me, organization: seat.organization, role: role.rawValue, description: "chat \(chat)",
            find: { store in try await store.call(id, chat: chat).flatMap { $0.call.endedAt == nil ? $0 : nil } }, open: nil)
        return JoinedCall(call: entered.call.call, grant: entered.grant, meeting: meeting)
    }

    /// Leaves a call of the chat; the last one out ends it.
    public func leaveChatCall(_ principal: Principal, chat: ChatID, call id: CallID) async throws {
        let me = principal.account.id
        let now = clock.now()
        let (call, stay, empty) = try await database.write { store in
            _ = try await callSeat(me, chat: chat, in: store)
            guard let call = try await store.call(id, chat: chat) else { throw PartaError.notFound("The call") }
            let stay = try await store.endStay(call: id, account: me, now: now)
            return (call, stay, try await store.presentStays(call: id).isEmpty)
        }
        if let stay { await withdrawQuietly(call, token: stay.token, participant: stay.participant) }
        if call.call.endedAt == nil && empty { try await finishCall(call, now: now) }
    }

    /// Ends a call for everyone: the chat's admins and whoever started it (or scheduled its meeting).
    public func endChatCall(_ principal: Principal, chat: ChatID, call id: CallID) async throws {
        let me = principal.account.id
        let call = try await database.read { store in
            let (_, actor, callChat) = try await callSeat(me, chat: chat, in: store)
            guard let call = try await store.call(id, chat: chat) else { throw PartaError.notFound("The call") }
            let meeting = try await call.call.meetingID.asyncMap { try await store.meeting($0) } ?? nil
            var acting = actor
            acting.isOrganizer = ChatCallRules.organizes(me, call: call.call, meeting: meeting)
            try ChatCallRules.decide(.end, actor: acting, chat: callChat).check()
            return call
        }
        guard call.call.endedAt == nil else { return }
        guard try await finishCall(call, now: clock.now()) else {
            throw Self.mediaUnavailable(MediaServerError(code: 0, reason: "the room could not be destroyed"))
        }
    }

    /// A chat's calls, newest first, for its timeline (members only).
    public func chatCalls(_ principal: Principal, chat: ChatID, before: CallID?, limit: Int) async throws -> [ChatCallEntry] {
        guard (1...100).contains(limit) else { throw PartaError.invalid("invalid_limit", "limit is 1–100.") }
        return try await database.read { store in
            _ = try await callSeat(principal.account.id, chat: chat, in: store)
            return try await store.chatCalls(chat: chat, before: before, limit: limit)
        }
    }

    /// Withdraws a stay's token and puts its participant out of the room; a media server that
    /// does not answer is logged (the token dies with the room).
    func withdrawQuietly(_ call: OpenCall, token: String, participant: Int64) async {
        guard let media else { return }
        let room = MediaRoom(server: call.server, room: call.room, secret: call.secret)
        do {
            try await media.withdraw(room, tokens: [token])
            try await media.kickWithScreen(room, participant: participant)
        } catch {
            logger.warning("calls.withdraw_failed", metadata: ["parta.call.id": "\(call.call.id)", "error": "\(error)"])
        }
    }
}

/// Meetings: a call planned in a chat, joined in its window.
extension Parta {
    /// The most meetings a chat has coming at once.
    public static let maxComingMeetings = 50

    public func scheduleMeeting(
        _ principal: Principal, chat: ChatID, title rawTitle: String, media rawMedia: String?, startsAt: Date, endsAt: Date
    ) async throws -> Meeting {
        let me = principal.account.id
        let title = try ChatCallRules.checkTitle(rawTitle)
        let media = try CallMedia.parse(rawMedia)
        let now = clock.now()
        try ChatCallRules.checkWindow(startsAt: startsAt, endsAt: endsAt, now: now)
        return try await database.write { store in
            let (seat, actor, callChat) = try await callSeat(me, chat: chat, in: store)
            try ChatCallRules.decide(.scheduleMeeting, actor: actor, chat: callChat).check()
            guard try await store.comingMeetingCount(chat: chat, now: now) < Self.maxComingMeetings else {
                throw PartaError.conflict("too_many_meetings", "This chat has \(Self.maxComingMeetings) meetings coming; cancel one first.")
            }
            let meeting = try await store.insertMeeting(
                organization: seat.organization, chat: chat, title: title, media: media, startsAt: startsAt, endsAt: endsAt, createdBy: me, now: now)
            try await store.appendChatEvents([(chat, ChatEvent.meetingScheduled(meeting.id))], organization: seat.organization, now: now)
            return meeting
        }
    }

    /// The chat's meetings still to come or running, soonest first.
    public func meetings(_ principal: Principal, chat: ChatID) async throws -> [MeetingEntry] {
        let now = clock.now()
        return try await database.read { store in
            _ = try await callSeat(principal.account.id, chat: chat, in: store)
            var entries: [MeetingEntry] = []
            for meeting in try await store.comingMeetings(chat: chat, now: now) {
                entries.append(MeetingEntry(
                    meeting: meeting, state: ChatCallRules.state(of: meeting, at: now), openCall: try await store.openCall(meeting: meeting.id)?.call.id))
            }
            return entries
        }
    }

    /// Cancels a meeting (whoever scheduled it, the chat's admins); a call it has open ends.
    public func cancelMeeting(_ principal: Principal, chat: ChatID, meeting id: MeetingID) async throws {
        let me = principal.account.id
        let now = clock.now()
        let open: OpenCall? = try await database.write { store in
            let (seat, actor, callChat) = try await callSeat(me, chat: chat, in: store)
            guard let meeting = try await store.meeting(id, chat: chat) else { throw PartaError.notFound("The meeting") }
            var acting = actor
            acting.isOrganizer = meeting.createdBy == me
            try ChatCallRules.decide(.cancelMeeting, actor: acting, chat: callChat).check()
            guard try await store.cancelMeeting(id, now: now) else { return nil }
            try await store.appendChatEvents([(chat, ChatEvent.meetingCancelled(id))], organization: seat.organization, now: now)
            return try await store.openCall(meeting: id)
        }
        if let open { try await finishCall(open, now: now) }
    }

    /// Joins a meeting in its window, opening its call when nobody is in it yet.
    public func joinMeeting(_ principal: Principal, chat: ChatID, meeting id: MeetingID) async throws -> JoinedCall {
        let me = principal.account.id
        try checkRate(.calls, me.rawValue)
        let (seat, actor, callChat, meeting) = try await database.read { store in
            let (seat, actor, callChat) = try await callSeat(me, chat: chat, in: store)
            guard let meeting = try await store.meeting(id, chat: chat) else { throw PartaError.notFound("The meeting") }
            return (seat, actor, callChat, meeting)
        }
        try ChatCallRules.decide(.join, actor: actor, chat: callChat).check()
        try ChatCallRules.checkJoin(meeting, now: clock.now())
        try admit(.calls, me.rawValue)
        let role = CallModeration.chatRole(isChatAdmin: actor.isChatAdmin, isOrganizer: meeting.createdBy == me)
        let entered = try await enterCall(
            me, organization: seat.organization, role: role.rawValue, description: meeting.title,
            find: { store in try await store.openCall(meeting: id) },
            open: { store, room, now in
                let (_, actorNow, chatNow) = try await self.callSeat(me, chat: chat, in: store)
                try ChatCallRules.decide(.join, actor: actorNow, chat: chatNow).check()
                guard let current = try await store.meeting(id, chat: chat), ChatCallRules.callGoesOn(current, now: now),
                    let callID = try await store.insertChatCall(
                        organization: seat.organization, chat: chat, meeting: id, media: meeting.media, startedBy: me, server: room.server,
                        room: room.room, secret: room.secret, now: now)
                else { return nil }
                let seq = try await store.appendChatEvents(
                    [(chat, ChatEvent.callStarted(callID, media: meeting.media, startedBy: me, meeting: id))], organization: seat.organization, now: now)[0]
                try await store.setCallSeq(callID, started: seq)
                return callID
            })
        return JoinedCall(call: entered.call.call, grant: entered.grant, meeting: meeting)
    }
}
