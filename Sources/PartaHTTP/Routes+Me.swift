import Logging
import Foundation
import Hummingbird
import PartaApp
import PartaDomain

/// The signed-in account: "my organizations and roles".
struct MeRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("me", use: me)
        api.patch("me", use: updateMe)
    }

    struct MyOrganizationDTO: ResponseCodable {
        var id: OrganizationID
        var kind: OrganizationKind
        var fullName: String
        var shortName: String
        var timeZone: String
        var region: RegionDTO
        var municipality: MunicipalityDTO
        var roles: [OrganizationRole]
        var verified: Bool
        var administrators: [PersonDTO]
        var teacherCount: Int
    }

    struct MeDTO: ResponseCodable {
        var account: AccountDTO
        var platformRoles: [PlatformRoleDTO]
        var organizations: [MyOrganizationDTO]
        var joinRequests: [JoinRequestDTO]
    }

    /// GET /api/v1/me — my account, platform roles, organizations and roles in each.
    @Sendable func me(_ request: Request, context: PartaRequestContext) async throws -> MeDTO {
        let view = try await parta.me(try context.principal())
        return MeDTO(
            account: AccountDTO(view.account),
            platformRoles: view.platformRoles.map(PlatformRoleDTO.init),
            organizations: view.organizations.map { o in
                MyOrganizationDTO(
                    id: o.organization.id, kind: o.organization.profile.kind,
                    fullName: o.organization.profile.fullName, shortName: o.organization.profile.shortName,
                    timeZone: o.organization.profile.timeZone, region: RegionDTO(o.region), municipality: MunicipalityDTO(o.municipality),
                    roles: o.roles, verified: o.verified, administrators: o.administrators.map(PersonDTO.init),
                    teacherCount: o.teacherCount)
            },
            joinRequests: view.joinRequests.map(JoinRequestDTO.init))
    }

    struct NameUpdate: Decodable {
        var surname: String
        var givenName: String
        var patronymic: String?
    }

    /// PATCH /api/v1/me — set my name.
    @Sendable func updateMe(_ request: Request, context: PartaRequestContext) async throws -> AccountDTO {
        let principal = try context.principal()
        let body = try await request.decodeJSON(NameUpdate.self, context: context)
        let name = try PersonName(validatingSurname: body.surname, givenName: body.givenName, patronymic: body.patronymic ?? "")
        return AccountDTO(try await parta.updateMyName(principal, name))
    }
}
