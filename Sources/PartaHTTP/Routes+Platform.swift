import Logging
import Foundation
import Hummingbird
import PartaApp
import PartaDomain

/// Operators and officers (operators only), and the audit logs.
struct PlatformRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("operators", use: operators)
        api.post("operators", use: addOperator)
        api.delete("operators/{account_id}", use: removeOperator)
        api.get("officers", use: officers)
        api.post("officers", use: addOfficer)
        api.delete("officers/{account_id}", use: removeOfficer)
        api.get("audit", use: platformAudit)
        api.get("organizations/{id}/audit", use: organizationAudit)
    }

    struct PlatformMemberDTO: ResponseCodable {
        var account: AccountDTO
        var role: PlatformRoleDTO
        init(_ member: PlatformMember) {
            account = AccountDTO(member.account)
            role = PlatformRoleDTO(member.role)
        }
    }

    struct NewMember: Decodable {
        var name: String
        var phone: String
        var municipalityId: MunicipalityID?
        var regionId: RegionID?
    }

    /// GET /api/v1/operators — the platform's operators (operators).
    @Sendable func operators(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<PlatformMemberDTO> {
        ListDTO(items: try await parta.platformMembers(try context.caller(), kinds: [.operator]).map(PlatformMemberDTO.init))
    }

    /// POST /api/v1/operators — make a person an operator (operators).
    @Sendable func addOperator(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<PlatformMemberDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(NewMember.self, context: context)
        let member = try await parta.addOperator(caller, name: body.name, phone: body.phone)
        return EditedResponse(status: .created, response: PlatformMemberDTO(member))
    }

    /// DELETE /api/v1/operators/{account_id} — take operator rights away; never from the last one.
    @Sendable func removeOperator(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.caller()
        let account = try context.id("account_id", AccountID.self, what: "That operator")
        try await parta.removePlatformRole(caller, account: account, role: .operator)
        return .noContent
    }

    /// GET /api/v1/officers — municipal and regional officers (operators).
    @Sendable func officers(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<PlatformMemberDTO> {
        let members = try await parta.platformMembers(try context.caller(), kinds: [.regionalOfficer, .municipalOfficer])
        return ListDTO(items: members.map(PlatformMemberDTO.init))
    }

    static func scope(municipality: MunicipalityID?, region: RegionID?) throws -> OfficerScope {
        switch (municipality, region) {
        case (let m?, nil): return .municipality(m)
        case (nil, let r?): return .region(r)
        default:
            throw PartaError.invalid("invalid_scope", "Give exactly one of municipality_id (a municipal officer) or region_id (a regional officer).")
        }
    }

    /// POST /api/v1/officers — make a person a municipal or regional officer (operators).
    @Sendable func addOfficer(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<PlatformMemberDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(NewMember.self, context: context)
        let scope = try Self.scope(municipality: body.municipalityId, region: body.regionId)
        let member = try await parta.addOfficer(caller, name: body.name, phone: body.phone, scope: scope)
        return EditedResponse(status: .created, response: PlatformMemberDTO(member))
    }

    /// DELETE /api/v1/officers/{account_id}?municipality_id=|region_id= — take an officer role away (operators).
    @Sendable func removeOfficer(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.caller()
        let account = try context.id("account_id", AccountID.self, what: "That officer")
        let scope = try Self.scope(
            municipality: try request.queryID("municipality_id", MunicipalityID.self),
            region: try request.queryID("region_id", RegionID.self))
        let role: PlatformRole =
            switch scope {
            case .municipality(let id): .municipalOfficer(id)
            case .region(let id): .regionalOfficer(id)
            }
        try await parta.removePlatformRole(caller, account: account, role: role)
        return .noContent
    }

    struct AuditEntryDTO: ResponseCodable {
        var id: AuditEntryID
        var at: Date
        var actorAccountId: AccountID?
        var actorLabel: String
        var action: AuditAction
        var organizationId: OrganizationID?
        var targetType: String
        var targetId: String
        /// Where the actor acted from: operators only.
        var clientAddress: String?
        var details: [String: String]

        init(_ e: AuditEntry) {
            id = e.id
            at = e.at
            actorAccountId = e.actorAccountID
            actorLabel = e.actorLabel
            action = e.action
            organizationId = e.organizationID
            targetType = e.targetType
            targetId = e.targetID
            clientAddress = e.clientAddress.isEmpty ? nil : e.clientAddress
            details = e.details
        }
    }

    static func action(_ request: Request) throws -> AuditAction? {
        guard let raw = request.queryString("action") else { return nil }
        guard let action = AuditAction(rawValue: raw) else {
            throw PartaError.invalid("invalid_query", "Unknown audit action «\(raw)».")
        }
        return action
    }

    /// GET /api/v1/audit — the whole platform's audit log, newest first (operators).
    @Sendable func platformAudit(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<AuditEntryDTO> {
        let caller = try context.caller()
        let page = try await parta.auditLog(
            caller, organization: try request.queryID("organization_id", OrganizationID.self),
            action: try Self.action(request), page: try request.pageRequest())
        return PageDTO(page, AuditEntryDTO.init)
    }

    /// GET /api/v1/organizations/{id}/audit — one organization's audit log (its administrators, operators).
    @Sendable func organizationAudit(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<AuditEntryDTO> {
        let caller = try context.caller()
        let id = try context.id("id", OrganizationID.self, what: "The organization")
        let page = try await parta.auditLog(caller, organization: id, action: try Self.action(request), page: try request.pageRequest())
        return PageDTO(page, AuditEntryDTO.init)
    }
}
