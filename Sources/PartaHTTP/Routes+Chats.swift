import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

/// Chat management (SPEC §5): initialize, list, create, rename, delete, members, admins, picker.
/// Every decision is `ChatPermissions`'; refusals are 403 naming the rule.
struct ChatRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.post("organizations/{id}/chats/initialize", use: initialize)
        api.get("organizations/{id}/chats", use: list)
        api.post("organizations/{id}/chats", use: create)
        api.get("organizations/{id}/chats/suggested-name", use: suggestedName)
        api.get("organizations/{id}/chats/creation-options", use: creationOptions)
        api.get("organizations/{id}/chats/{chat_id}", use: show)
        api.patch("organizations/{id}/chats/{chat_id}", use: rename)
        api.delete("organizations/{id}/chats/{chat_id}", use: delete)
        api.get("organizations/{id}/chats/{chat_id}/members", use: members)
        api.post("organizations/{id}/chats/{chat_id}/members", use: addMembers)
        api.post("organizations/{id}/chats/{chat_id}/members/remove", use: removeMembers)
        api.post("organizations/{id}/chats/{chat_id}/admins", use: setAdmin)
        api.get("organizations/{id}/chats/{chat_id}/candidates", use: candidates)
    }

    func organization(_ context: PartaRequestContext) throws -> OrganizationID {
        try context.id("id", OrganizationID.self, what: "The organization")
    }

    func chat(_ context: PartaRequestContext) throws -> ChatID {
        try context.id("chat_id", ChatID.self, what: "The chat")
    }

    struct CreationOptions: ResponseCodable {
        struct ClassOption: Codable, Sendable {
            var id: ClassID
            var name: String
            var schoolYear: String
        }
        struct SubjectOption: Codable, Sendable {
            var id: SubjectID
            var name: String
        }
        var classes: [ClassOption]
        var subjects: [SubjectOption]
    }

    /// GET /api/v1/organizations/{id}/chats/creation-options — the classes and subjects the caller may make chats for.
    @Sendable func creationOptions(_ request: Request, context: PartaRequestContext) async throws -> CreationOptions {
        let found = try await parta.chatCreationOptions(try context.caller(), organization: try organization(context))
        return CreationOptions(
            classes: found.classes.map { .init(id: $0.schoolClass.id, name: $0.schoolClass.name, schoolYear: $0.year) },
            subjects: found.subjects.map { .init(id: $0.id, name: $0.name) })
    }

    // MARK: Initialize

    struct Initialize: Decodable {
        var types: [String]?
        var dryRun: Bool?
    }

    /// POST /api/v1/organizations/{id}/chats/initialize
    @Sendable func initialize(_ request: Request, context: PartaRequestContext) async throws -> ChatSyncReportDTO {
        let body = try await request.decodeJSON(Initialize.self, context: context, emptyAs: Initialize())
        let kinds = try (body.types ?? ChatKind.rosterKinds.map(\.rawValue)).map { raw throws(PartaError) in try ChatKind.parse(raw) }
        let report = try await parta.initializeChats(
            try context.caller(), organization: try organization(context), kinds: kinds, dryRun: body.dryRun ?? false)
        return ChatSyncReportDTO(report)
    }

    // MARK: List, show

    /// GET /api/v1/organizations/{id}/chats?type=&name=&member=&page=&per_page=
    @Sendable func list(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<ChatDTO> {
        let kinds = try (request.queryString("type") ?? "").split(separator: ",").map { raw throws(PartaError) in try ChatKind.parse(String(raw)) }
        let page = try request.pageRequest()
        let found = try await parta.listChats(
            try context.caller(), organization: try organization(context),
            query: ChatListQuery(kinds: kinds, name: request.queryString("name"), memberSurname: request.queryString("member")), page: page)
        var number = page.offset
        return PageDTO(found) { summary in
            number += 1
            return ChatDTO(summary, number: number)
        }
    }

    /// GET /api/v1/organizations/{id}/chats/{chat_id}
    @Sendable func show(_ request: Request, context: PartaRequestContext) async throws -> ChatDTO {
        ChatDTO(try await parta.chat(try context.caller(), organization: try organization(context), id: try chat(context)))
    }

    // MARK: Create, rename, delete

    struct NewChat: Decodable {
        var type: String
        var classId: ClassID?
        var subjectId: SubjectID?
        var group: String?
        var name: String?
        var memberIds: [RosterPersonID]?
        /// A custom chat's rule (`ChatRule.parse`).
        var rule: String?
    }

    /// POST /api/v1/organizations/{id}/chats
    @Sendable func create(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<ChatDTO> {
        let body = try await request.decodeJSON(NewChat.self, context: context)
        let draft = ChatDraft(
            kind: try ChatKind.parse(body.type), classID: body.classId, subjectID: body.subjectId, group: body.group, name: body.name,
            members: body.memberIds ?? [], rule: try body.rule.map { raw throws(PartaError) in try ChatRule.parse(raw) })
        let view = try await parta.createChat(try context.caller(), organization: try organization(context), draft)
        return EditedResponse(status: .created, response: ChatDTO(view))
    }

    struct SuggestedName: ResponseCodable {
        var name: String?
    }

    /// GET /api/v1/organizations/{id}/chats/suggested-name?type=&class_id=&subject_id=&group= —
    /// the name a chat created without one would get (the domain's naming rule, for the form).
    @Sendable func suggestedName(_ request: Request, context: PartaRequestContext) async throws -> SuggestedName {
        let draft = ChatDraft(
            kind: try ChatKind.parse(request.queryString("type") ?? ""), classID: try request.queryID("class_id"),
            subjectID: try request.queryID("subject_id"), group: request.queryString("group"))
        return SuggestedName(name: try await parta.suggestedChatName(try context.caller(), organization: try organization(context), draft))
    }

    struct Rename: Decodable {
        var name: String
    }

    /// PATCH /api/v1/organizations/{id}/chats/{chat_id}
    @Sendable func rename(_ request: Request, context: PartaRequestContext) async throws -> ChatDTO {
        let body = try await request.decodeJSON(Rename.self, context: context)
        return ChatDTO(try await parta.renameChat(
            try context.caller(), organization: try organization(context), id: try chat(context), name: body.name))
    }

    /// DELETE /api/v1/organizations/{id}/chats/{chat_id} — for every member, irreversibly.
    @Sendable func delete(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deleteChat(try context.caller(), organization: try organization(context), id: try chat(context))
        return .noContent
    }

    // MARK: Members

    /// GET /api/v1/organizations/{id}/chats/{chat_id}/members?surname=
    @Sendable func members(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<ChatMemberDTO> {
        let found = try await parta.chatMembers(
            try context.caller(), organization: try organization(context), id: try chat(context), surname: request.queryString("surname"),
            page: try request.pageRequest())
        return PageDTO(found) { ChatMemberDTO($0.0, $0.1) }
    }

    struct Query: Decodable {
        var role: PickerFilter.RoleGroup?
        var gender: String?
        var classId: ClassID?
        var surname: String?
        var q: String?

        func picker() throws(PartaError) -> PickerQuery {
            PickerQuery(roleGroup: role, gender: try gender.map { raw throws(PartaError) in try Gender.parse(raw) }, classID: classId, surname: surname, text: q)
        }
    }

    struct AddMembers: Decodable {
        var personIds: [RosterPersonID]?
        var allMatching: Query?
    }

    /// POST /api/v1/organizations/{id}/chats/{chat_id}/members — chosen people, or all the picker matches.
    @Sendable func addMembers(_ request: Request, context: PartaRequestContext) async throws -> MemberAdditionDTO {
        let body = try await request.decodeJSON(AddMembers.self, context: context)
        let selection: MemberSelection
        switch (body.personIds, body.allMatching) {
        case (let ids?, nil): selection = .persons(ids)
        case (nil, let query?): selection = .matching(try query.picker())
        default: throw PartaError.invalid("invalid_members", "Give either person_ids or all_matching.")
        }
        let result = try await parta.addChatMembers(try context.caller(), organization: try organization(context), id: try chat(context), selection)
        return MemberAdditionDTO(matched: result.matched, added: result.added, alreadyMembers: result.alreadyMembers)
    }

    struct RemoveMembers: Decodable {
        var personIds: [RosterPersonID]?
        var accountIds: [AccountID]?
    }

    struct Removed: ResponseCodable {
        var removed: Int
    }

    /// POST /api/v1/organizations/{id}/chats/{chat_id}/members/remove
    @Sendable func removeMembers(_ request: Request, context: PartaRequestContext) async throws -> Removed {
        let body = try await request.decodeJSON(RemoveMembers.self, context: context)
        let refs = (body.personIds ?? []).map(ChatMemberRef.person) + (body.accountIds ?? []).map(ChatMemberRef.account)
        return Removed(removed: try await parta.removeChatMembers(
            try context.caller(), organization: try organization(context), id: try chat(context), refs))
    }

    struct SetAdmin: Decodable {
        var personId: RosterPersonID?
        var accountId: AccountID?
        var admin: Bool
    }

    /// POST /api/v1/organizations/{id}/chats/{chat_id}/admins — make or unmake a chat admin.
    @Sendable func setAdmin(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let body = try await request.decodeJSON(SetAdmin.self, context: context)
        let member: ChatMemberRef
        switch (body.personId, body.accountId) {
        case (let person?, nil): member = .person(person)
        case (nil, let account?): member = .account(account)
        default: throw PartaError.invalid("invalid_member", "Give either person_id or account_id.")
        }
        try await parta.setChatAdmin(
            try context.caller(), organization: try organization(context), id: try chat(context), member: member, admin: body.admin)
        return .noContent
    }

    /// GET /api/v1/organizations/{id}/chats/{chat_id}/candidates?role=&gender=&class_id=&surname=&q=&page=&per_page=
    @Sendable func candidates(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<CandidateDTO> {
        let role = try request.queryString("role").map { raw throws(PartaError) in
            guard let group = PickerFilter.RoleGroup(rawValue: raw) else {
                throw PartaError.invalid("invalid_role", "The role is one of staff, students or parents.")
            }
            return group
        }
        let query = Query(
            role: role, gender: request.queryString("gender"), classId: try request.queryID("class_id", ClassID.self),
            surname: request.queryString("surname"), q: request.queryString("q"))
        let found = try await parta.chatCandidates(
            try context.caller(), organization: try organization(context), id: try chat(context), query: try query.picker(),
            page: try request.pageRequest())
        return PageDTO(found) { CandidateDTO($0.person, isMember: $0.isMember) }
    }
}
