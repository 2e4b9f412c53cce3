import Logging
import Foundation
import Hummingbird
import PartaApp
import PartaDomain

/// Regions, municipalities and organizations: search for everyone signed in, registration and
/// administrators for operators, the profile for the organization's administrators.
struct DirectoryRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("regions", use: regions)
        api.get("regions/{id}/municipalities", use: municipalities)
        api.get("organizations", use: search)
        api.post("organizations", use: registerOrganization)
        api.get("organizations/{id}", use: organization)
        api.patch("organizations/{id}", use: updateProfile)
        api.post("organizations/{id}/administrators", use: setAdministrator)
        api.delete("organizations/{id}/administrators/{account_id}", use: revokeAdministrator)
    }

    /// GET /api/v1/regions — every region, by name.
    @Sendable func regions(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<RegionDTO> {
        _ = try context.principal()
        return ListDTO(items: try await parta.regions().map(RegionDTO.init))
    }

    /// GET /api/v1/regions/{id}/municipalities — the municipalities of a region, by name.
    @Sendable func municipalities(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<MunicipalityDTO> {
        _ = try context.principal()
        let region = try context.id("id", RegionID.self, what: "The region")
        return ListDTO(items: try await parta.municipalities(in: region).map(MunicipalityDTO.init))
    }

    /// GET /api/v1/organizations — search by name words, region and municipality; or, for
    /// operators, find one by `community_id`.
    @Sendable func search(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<OrganizationSummaryDTO> {
        let caller = try context.caller()
        if let raw = request.queryString("community_id") {
            guard let communityID = CommunityID(parsing: raw) else {
                throw PartaError.invalid("invalid_query", "A community id looks like PRT-7K3F-9QX2.")
            }
            let details = try await parta.organization(caller, communityID: communityID)
            return PageDTO(Page(items: [details.summary], page: 1, perPage: 1, total: 1), OrganizationSummaryDTO.init)
        }
        let found = try await parta.searchOrganizations(
            query: request.queryString("q") ?? "", region: try request.queryID("region_id", RegionID.self),
            municipality: try request.queryID("municipality_id", MunicipalityID.self), page: try request.pageRequest())
        return PageDTO(found, OrganizationSummaryDTO.init)
    }

    struct Registration: Decodable {
        var region: String
        var municipality: String
        var kind: String?
        var fullName: String
        var shortName: String?
        var address: String?
        var contactPhone: String?
        var email: String?
        var website: String?
        var timeZone: String?
        var adminName: String
        var adminPhone: String
    }

    /// POST /api/v1/organizations — register an organization with its administrator (operators).
    @Sendable func registerOrganization(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<OrganizationDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(Registration.self, context: context)
        let profile = OrganizationProfile(
            kind: try OrganizationKind.parse(body.kind ?? "school"), fullName: body.fullName,
            shortName: body.shortName ?? "", address: body.address ?? "", contactPhone: body.contactPhone ?? "",
            email: body.email ?? "", website: body.website ?? "",
            timeZone: body.timeZone ?? OrganizationProfile.defaultTimeZone)
        let details = try await parta.registerOrganization(
            caller,
            OrganizationRegistration(
                region: body.region, municipality: body.municipality, profile: profile,
                administratorName: body.adminName, administratorPhone: body.adminPhone))
        return EditedResponse(status: .created, response: OrganizationDTO(details))
    }

    /// GET /api/v1/organizations/{id} — an organization's card.
    @Sendable func organization(_ request: Request, context: PartaRequestContext) async throws -> OrganizationDTO {
        let caller = try context.caller()
        return OrganizationDTO(try await parta.organization(caller, try context.id("id", OrganizationID.self, what: "The organization")))
    }

    struct ProfileUpdate: Decodable {
        var kind: String?
        var fullName: String?
        var shortName: String?
        var address: String?
        var contactPhone: String?
        var email: String?
        var website: String?
        var timeZone: String?
    }

    /// PATCH /api/v1/organizations/{id} — edit the profile (its administrators, operators).
    @Sendable func updateProfile(_ request: Request, context: PartaRequestContext) async throws -> OrganizationDTO {
        let caller = try context.caller()
        let id = try context.id("id", OrganizationID.self, what: "The organization")
        let body = try await request.decodeJSON(ProfileUpdate.self, context: context)
        let patch = ProfilePatch(
            kind: try body.kind.map { raw throws(PartaError) in try OrganizationKind.parse(raw) },
            fullName: body.fullName, shortName: body.shortName, address: body.address,
            contactPhone: body.contactPhone, email: body.email, website: body.website, timeZone: body.timeZone)
        return OrganizationDTO(try await parta.updateProfile(caller, organization: id, patch))
    }

    struct AdministratorAppointment: Decodable {
        var name: String
        var phone: String
        var replaceOthers: Bool?
    }

    /// POST /api/v1/organizations/{id}/administrators — appoint an administrator, by default
    /// replacing the others (operators).
    @Sendable func setAdministrator(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<PersonDTO> {
        let caller = try context.caller()
        let id = try context.id("id", OrganizationID.self, what: "The organization")
        let body = try await request.decodeJSON(AdministratorAppointment.self, context: context)
        let admins = try await parta.setAdministrator(
            caller, organization: id, name: body.name, phone: body.phone, replaceOthers: body.replaceOthers ?? true)
        return ListDTO(items: admins.map(PersonDTO.init))
    }

    /// DELETE /api/v1/organizations/{id}/administrators/{account_id} — remove an administrator
    /// other than the last (operators).
    @Sendable func revokeAdministrator(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<PersonDTO> {
        let caller = try context.caller()
        let id = try context.id("id", OrganizationID.self, what: "The organization")
        let account = try context.id("account_id", AccountID.self, what: "That administrator")
        return ListDTO(items: try await parta.revokeAdministrator(caller, organization: id, account: account).map(PersonDTO.init))
    }
}
