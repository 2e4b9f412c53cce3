import Foundation
import Hummingbird
import Logging
import PartaApp
import PartaDomain
import PartaStore

/// Joining an organization: invites (administrators), join requests (applicants and the
/// administrators' queue), members and administrator rights.
struct JoiningRoutes {
    let parta: Parta
    let links: LinkBuilder

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.post("organizations/{id}/invites", use: createInvite)
        api.get("organizations/{id}/invites", use: invites)
        api.get("organizations/{id}/invites/{invite_id}/link", use: inviteLink)
        api.delete("organizations/{id}/invites/{invite_id}", use: revokeInvite)
        api.post("organizations/{id}/invites/revoke-unused", use: revokeUnused)
        api.get("invites/{token}", use: previewInvite)
        api.post("organizations/{id}/join-requests", use: apply)
        api.get("organizations/{id}/join-requests", use: queue)
        api.get("organizations/{id}/join-requests/{request_id}", use: joinRequest)
        api.post("organizations/{id}/join-requests/{request_id}/accept", use: accept)
        api.post("organizations/{id}/join-requests/{request_id}/reject", use: reject)
        api.post("organizations/{id}/join-requests/accept", use: acceptMany)
        api.get("me/join-requests", use: myRequests)
        api.post("me/join-requests/{request_id}/withdraw", use: withdraw)
        api.get("organizations/{id}/members", use: members)
        api.delete("organizations/{id}/members/{account_id}", use: removeMember)
        api.put("organizations/{id}/administrators/{account_id}", use: grantAdministrator)
    }

    func organization(_ context: PartaRequestContext) throws -> OrganizationID {
        try context.id("id", OrganizationID.self, what: "The organization")
    }

    func requestID(_ context: PartaRequestContext) throws -> JoinRequestID {
        try context.id("request_id", JoinRequestID.self, what: "The request")
    }

    // MARK: Invites

    struct NewInvite: Decodable {
        var role: RosterRole
        var classId: ClassID?
        var expiresAt: Date?
        var expiresInDays: Int?
        var maxUses: Nullable<Int>?
        var note: String?

        enum CodingKeys: String, CodingKey { case role, classId, expiresAt, expiresInDays, maxUses, note }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decode(RosterRole.self, forKey: .role)
            classId = try c.decodeIfPresent(ClassID.self, forKey: .classId)
            expiresAt = try c.decodeIfPresent(Date.self, forKey: .expiresAt)
            expiresInDays = try c.decodeIfPresent(Int.self, forKey: .expiresInDays)
            maxUses = try c.nullable(.maxUses)
            note = try c.decodeIfPresent(String.self, forKey: .note)
        }
    }

    /// POST /api/v1/organizations/{id}/invites — a new invite, with its link and QR code.
    @Sendable func createInvite(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<IssuedInviteDTO> {
        let caller = try context.caller()
        let base = try links.base(for: request)
        let body = try await request.decodeJSON(NewInvite.self, context: context)
        let expiresAt = try InviteRules.requestedExpiry(at: body.expiresAt, inDays: body.expiresInDays, now: parta.clock.now())
        let limit: InviteUseLimit = switch body.maxUses {
        case nil: .default
        case .some(let nullable): nullable.value.map(InviteUseLimit.limited) ?? .unlimited
        }
        let issued = try await parta.createInvite(
            caller, organization: try organization(context), role: body.role, classID: body.classId, expiresAt: expiresAt,
            useLimit: limit, note: body.note)
        return EditedResponse(status: .created, response: try IssuedInviteDTO(issued, base: base))
    }

    /// GET /api/v1/organizations/{id}/invites/{invite_id}/link — a working invite's link and QR
    /// code again (409 `invite_link_not_kept` when it was not kept; 410 when it no longer works).
    @Sendable func inviteLink(_ request: Request, context: PartaRequestContext) async throws -> IssuedInviteDTO {
        let issued = try await parta.inviteLink(
            try context.caller(), organization: try organization(context),
            invite: try context.id("invite_id", InviteID.self, what: "The invite"))
        return try IssuedInviteDTO(issued, base: try links.base(for: request))
    }

    /// GET /api/v1/organizations/{id}/invites — newest first; `usable=true` leaves out expired, revoked and used-up ones.
    @Sendable func invites(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<InviteDTO> {
        let found = try await parta.invites(
            try context.caller(), organization: try organization(context), usableOnly: try request.queryBool("usable") ?? false,
            page: try request.pageRequest())
        return PageDTO(found, InviteDTO.init)
    }

    /// DELETE /api/v1/organizations/{id}/invites/{invite_id} — revoke one invite.
    @Sendable func revokeInvite(_ request: Request, context: PartaRequestContext) async throws -> InviteDTO {
        InviteDTO(try await parta.revokeInvite(
            try context.caller(), organization: try organization(context),
            invite: try context.id("invite_id", InviteID.self, what: "The invite")))
    }

    struct RevokedCount: ResponseCodable {
        var revoked: Int
    }

    /// POST /api/v1/organizations/{id}/invites/revoke-unused — revoke every usable invite nobody has used.
    @Sendable func revokeUnused(_ request: Request, context: PartaRequestContext) async throws -> RevokedCount {
        RevokedCount(revoked: try await parta.revokeUnusedInvites(try context.caller(), organization: try organization(context)))
    }

    /// GET /api/v1/invites/{token} — where an invite link leads (no sign-in needed); 410 names why it no longer works.
    @Sendable func previewInvite(_ request: Request, context: PartaRequestContext) async throws -> InvitePreviewDTO {
        let preview = try await parta.previewInvite(token: context.parameters.get("token") ?? "")
        return InvitePreviewDTO(
            organization: OrganizationSummaryDTO(preview.organization), role: preview.role, className: preview.className,
            expiresAt: preview.expiresAt)
    }

    // MARK: Join requests

    struct Application: Decodable {
        var inviteToken: String?
        var role: RosterRole?
        var classId: ClassID?
        var surname: String?
        var givenName: String?
        var patronymic: String?
        var birthDate: LocalDate?
        var childSurname: String?
        var childGivenName: String?
        var childPatronymic: String?
        var message: String?
    }

    /// POST /api/v1/organizations/{id}/join-requests — apply to join, through an invite or with a chosen role and class.
    @Sendable func apply(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<JoinRequestDTO> {
        let principal = try context.principal()
        let b = try await request.decodeJSON(Application.self, context: context)
        let view = try await parta.applyToJoin(
            principal, organization: try organization(context),
            JoinRequestInput(
                inviteToken: b.inviteToken, role: b.role, classID: b.classId, surname: b.surname, givenName: b.givenName,
                patronymic: b.patronymic, birthDate: b.birthDate, childSurname: b.childSurname,
                childGivenName: b.childGivenName, childPatronymic: b.childPatronymic, message: b.message),
            clientAddress: context.clientAddress)
        return EditedResponse(status: .created, response: JoinRequestDTO(view))
    }

    /// GET /api/v1/organizations/{id}/join-requests — the queue (administrators): `status`, `role`, `class_id`, paging.
    @Sendable func queue(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<JoinRequestDTO> {
        let status = try request.queryString("status").map { raw throws(PartaError) in
            guard let status = JoinRequest.Status(rawValue: raw) else {
                throw PartaError.invalid("invalid_query", "status is one of pending, accepted, rejected, withdrawn.")
            }
            return status
        }
        let role = try request.queryString("role").map { raw throws(PartaError) in try RosterRole.parse(raw) }
        let found = try await parta.joinRequests(
            try context.caller(), organization: try organization(context),
            filter: JoinRequestFilter(status: status, role: role, classID: try request.queryID("class_id", ClassID.self)),
            page: try request.pageRequest())
        return PageDTO(found, JoinRequestDTO.init)
    }

    /// GET /api/v1/organizations/{id}/join-requests/{request_id} — one request with likely roster matches.
    @Sendable func joinRequest(_ request: Request, context: PartaRequestContext) async throws -> JoinRequestDetailsDTO {
        let details = try await parta.joinRequest(try context.caller(), organization: try organization(context), request: try requestID(context))
        return JoinRequestDetailsDTO(
            request: JoinRequestDTO(details.view), matches: details.matches.map(MatchDTO.init),
            childMatches: details.childMatches.map(MatchDTO.init))
    }

    struct AcceptBody: Decodable {
        var personId: RosterPersonID?
        var childId: RosterPersonID?
    }

    /// POST /api/v1/organizations/{id}/join-requests/{request_id}/accept — link to `person_id` or create a person; `child_id` for parents.
    @Sendable func accept(_ request: Request, context: PartaRequestContext) async throws -> AcceptedDTO {
        let body = try await request.decodeJSON(AcceptBody.self, context: context, emptyAs: AcceptBody())
        let accepted = try await parta.acceptJoinRequest(
            try context.caller(), organization: try organization(context), request: try requestID(context),
            Acceptance(personID: body.personId, childID: body.childId))
        return AcceptedDTO(accepted)
    }

    struct RejectBody: Decodable {
        var reason: String?
    }

    /// POST /api/v1/organizations/{id}/join-requests/{request_id}/reject — with an optional reason the applicant sees.
    @Sendable func reject(_ request: Request, context: PartaRequestContext) async throws -> JoinRequestDTO {
        let body = try await request.decodeJSON(RejectBody.self, context: context, emptyAs: RejectBody())
        return JoinRequestDTO(try await parta.rejectJoinRequest(
            try context.caller(), organization: try organization(context), request: try requestID(context), reason: body.reason))
    }

    struct BulkBody: Decodable {
        var ids: [JoinRequestID]
    }

    struct BulkItemDTO: ResponseCodable {
        var id: JoinRequestID
        var accepted: AcceptedDTO?
        var error: String?
        var message: String?
    }

    /// POST /api/v1/organizations/{id}/join-requests/accept — accept several; each succeeds or fails on its own.
    @Sendable func acceptMany(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<BulkItemDTO> {
        let body = try await request.decodeJSON(BulkBody.self, context: context)
        let results = try await parta.acceptJoinRequests(try context.caller(), organization: try organization(context), requests: body.ids)
        return ListDTO(items: results.map { id, result in
            switch result {
            case .success(let accepted): BulkItemDTO(id: id, accepted: AcceptedDTO(accepted))
            case .failure(let error): BulkItemDTO(id: id, error: error.code, message: error.message)
            }
        })
    }

    /// GET /api/v1/me/join-requests — my requests, newest first, with their outcome.
    @Sendable func myRequests(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<JoinRequestDTO> {
        ListDTO(items: try await parta.myJoinRequests(try context.principal()).map(JoinRequestDTO.init))
    }

    /// POST /api/v1/me/join-requests/{request_id}/withdraw — withdraw my pending request.
    @Sendable func withdraw(_ request: Request, context: PartaRequestContext) async throws -> JoinRequestDTO {
        JoinRequestDTO(try await parta.withdrawJoinRequest(
            try context.principal(), request: try requestID(context), clientAddress: context.clientAddress))
    }

    // MARK: Members and administrators

    /// GET /api/v1/organizations/{id}/members — who has joined (administrators, operators): `role`, `q`, paging.
    @Sendable func members(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<MemberDTO> {
        let role = try request.queryString("role").map { raw throws(PartaError) in try OrganizationRole.parse(raw) }
        let found = try await parta.members(
            try context.caller(), organization: try organization(context), role: role, query: request.queryString("q") ?? "",
            page: try request.pageRequest())
        return PageDTO(found, MemberDTO.init)
    }

    /// DELETE /api/v1/organizations/{id}/members/{account_id}?role= — remove a member: one role, or every role.
    @Sendable func removeMember(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let role = try request.queryString("role").map { raw throws(PartaError) in try OrganizationRole.parse(raw) }
        try await parta.removeMember(
            try context.caller(), organization: try organization(context),
            account: try context.id("account_id", AccountID.self, what: "That member"), role: role)
        return .noContent
    }

    /// PUT /api/v1/organizations/{id}/administrators/{account_id} — make a member an administrator.
    @Sendable func grantAdministrator(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<PersonDTO> {
        let admins = try await parta.grantAdministrator(
            try context.caller(), organization: try organization(context),
            account: try context.id("account_id", AccountID.self, what: "That person"))
        return ListDTO(items: admins.map(PersonDTO.init))
    }
}
