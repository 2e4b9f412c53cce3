import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

/// Calls in chats and meetings (SPEC §7): start, join, leave, end; plan, list, cancel and join
/// meetings. A chat the caller is not in is 404; who may do what is `ChatCallRules`.
struct CallRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("chats/{chat_id}/calls", use: calls)
        api.post("chats/{chat_id}/calls", use: start)
        api.post("chats/{chat_id}/calls/{call_id}/join", use: join)
        api.post("chats/{chat_id}/calls/{call_id}/leave", use: leave)
        api.post("chats/{chat_id}/calls/{call_id}/end", use: end)
        api.get("chats/{chat_id}/meetings", use: meetings)
        api.post("chats/{chat_id}/meetings", use: schedule)
        api.delete("chats/{chat_id}/meetings/{meeting_id}", use: cancel)
        api.post("chats/{chat_id}/meetings/{meeting_id}/join", use: joinMeeting)
        api.get("calls/{call_id}/state", use: state)
        api.post("calls/{call_id}/hand", use: hand)
        api.post("calls/{call_id}/mute-all", use: muteAll)
        api.post("calls/{call_id}/participants/{account_id}/remove", use: remove)
    }

    func chat(_ context: PartaRequestContext) throws -> ChatID { try context.id("chat_id", ChatID.self, what: "The chat") }
    func call(_ context: PartaRequestContext) throws -> CallID { try context.id("call_id", CallID.self, what: "The call") }
    func meeting(_ context: PartaRequestContext) throws -> MeetingID { try context.id("meeting_id", MeetingID.self, what: "The meeting") }

    /// GET /api/v1/chats/{chat_id}/calls?before=&limit= — the chat's calls, newest first.
    @Sendable func calls(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<ChatCallEntryDTO> {
        let before = try request.queryInt("before").map { CallID(rawValue: Int64($0)) }
        let entries = try await parta.chatCalls(
            try context.principal(), chat: try chat(context), before: before, limit: try request.queryInt("limit") ?? 20)
        return ListDTO(items: entries.map(ChatCallEntryDTO.init))
    }

    struct StartBody: Decodable {
        var media: String?
    }

    /// POST /api/v1/chats/{chat_id}/calls — `{media: audio|video}`: starts a call, or joins the one running.
    @Sendable func start(_ request: Request, context: PartaRequestContext) async throws -> JoinedCallDTO {
        let body = try await request.decodeJSON(StartBody.self, context: context, emptyAs: StartBody())
        let joined = try await parta.startChatCall(try context.principal(), chat: try chat(context), media: body.media)
        return JoinedCallDTO(joined, now: parta.clock.now())
    }

    /// POST /api/v1/chats/{chat_id}/calls/{call_id}/join
    @Sendable func join(_ request: Request, context: PartaRequestContext) async throws -> JoinedCallDTO {
        let joined = try await parta.joinChatCall(try context.principal(), chat: try chat(context), call: try call(context))
        return JoinedCallDTO(joined, now: parta.clock.now())
    }

    /// POST /api/v1/chats/{chat_id}/calls/{call_id}/leave — the last one out ends the call.
    @Sendable func leave(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.leaveChatCall(try context.principal(), chat: try chat(context), call: try call(context))
        return .noContent
    }

    /// POST /api/v1/chats/{chat_id}/calls/{call_id}/end — the chat's admins and whoever started it.
    @Sendable func end(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.endChatCall(try context.principal(), chat: try chat(context), call: try call(context))
        return .noContent
    }

    /// GET /api/v1/chats/{chat_id}/meetings — meetings to come and running, soonest first.
    @Sendable func meetings(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<MeetingDTO> {
        ListDTO(items: try await parta.meetings(try context.principal(), chat: try chat(context)).map(MeetingDTO.init))
    }

    struct MeetingBody: Decodable {
        var title: String?
        var media: String?
        var startsAt: String?
        var endsAt: String?
    }

    /// POST /api/v1/chats/{chat_id}/meetings — `{title, media, starts_at, ends_at}`; 201 with the meeting.
    @Sendable func schedule(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<MeetingDTO> {
        let principal = try context.principal()
        let chat = try chat(context)
        let body = try await request.decodeJSON(MeetingBody.self, context: context)
        let meeting = try await parta.scheduleMeeting(
            principal, chat: chat, title: body.title ?? "", media: body.media,
            startsAt: try ChatCallRules.parseInstant(body.startsAt, field: "starts_at"),
            endsAt: try ChatCallRules.parseInstant(body.endsAt, field: "ends_at"))
        return EditedResponse(
            status: .created, response: MeetingDTO(meeting, state: ChatCallRules.state(of: meeting, at: parta.clock.now()), callId: nil))
    }

    /// DELETE /api/v1/chats/{chat_id}/meetings/{meeting_id} — whoever scheduled it, the chat's admins.
    @Sendable func cancel(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.cancelMeeting(try context.principal(), chat: try chat(context), meeting: try meeting(context))
        return .noContent
    }

    /// POST /api/v1/chats/{chat_id}/meetings/{meeting_id}/join — in the meeting's window.
    @Sendable func joinMeeting(_ request: Request, context: PartaRequestContext) async throws -> JoinedCallDTO {
        let joined = try await parta.joinMeeting(try context.principal(), chat: try chat(context), meeting: try meeting(context))
        return JoinedCallDTO(joined, now: parta.clock.now())
    }

    // MARK: Inside a call (any kind: a chat's, a meeting's, a distance lesson's)

    /// GET /api/v1/calls/{call_id}/state — for those in the call; polled while in it.
    @Sendable func state(_ request: Request, context: PartaRequestContext) async throws -> CallStateDTO {
        CallStateDTO(try await parta.callState(try context.principal(), call: try call(context)))
    }

    struct HandBody: Decodable {
        var raised: Bool?
    }

    /// POST /api/v1/calls/{call_id}/hand — `{raised: true|false}`.
    @Sendable func hand(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.principal()
        let body = try await request.decodeJSON(HandBody.self, context: context)
        guard let raised = body.raised else {
            throw PartaError.invalid("invalid_hand", "raised is true or false.", details: ["field": .string("raised")])
        }
        try await parta.raiseHand(principal, call: try call(context), raised: raised)
        return .noContent
    }

    /// POST /api/v1/calls/{call_id}/mute-all — the host.
    @Sendable func muteAll(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.muteEveryone(try context.principal(), call: try call(context))
        return .noContent
    }

    /// POST /api/v1/calls/{call_id}/participants/{account_id}/remove — the host; audited.
    @Sendable func remove(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.principal()
        let target = try context.id("account_id", AccountID.self, what: "The participant")
        try await parta.removeFromCall(principal, call: try call(context), account: target)
        return .noContent
    }
}
