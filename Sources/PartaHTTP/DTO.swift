import Logging
import Foundation
import Hummingbird
import PartaApp
import PartaDomain

// The JSON shapes of the API. Keys are snake_case on the wire (the context's coders convert).

struct AccountDTO: ResponseCodable {
    var id: AccountID
    /// Only ever sent to the account's owner and to operators.
    var phone: String
    var surname: String
    var givenName: String
    var patronymic: String
    var fullName: String
    var createdAt: Date

    init(_ account: Account) {
        id = account.id
        phone = account.phone.e164
        surname = account.name.surname
        givenName = account.name.givenName
        patronymic = account.name.patronymic
        fullName = account.name.full
        createdAt = account.createdAt
    }
}

struct PersonDTO: ResponseCodable {
    var accountId: AccountID
    var fullName: String
    var shortName: String
    /// `false`: the account's own name, not one the school stands behind (shown as unconfirmed).
    var nameConfirmed: Bool

    init(_ person: PersonRef) {
        accountId = person.accountID
        fullName = person.name.full
        shortName = person.name.short
        nameConfirmed = person.confirmed
    }
}

struct SessionDTO: ResponseCodable {
    var id: SessionID
    var deviceName: String
    var userAgent: String
    var clientAddress: String
    var createdAt: Date
    var lastUsedAt: Date
    var current: Bool

    init(_ session: Session, current: SessionID?) {
        id = session.id
        deviceName = session.deviceName
        userAgent = session.userAgent
        clientAddress = session.clientAddress
        createdAt = session.createdAt
        lastUsedAt = session.lastUsedAt
        self.current = session.id == current
    }
}

struct RegionDTO: ResponseCodable {
    var id: RegionID
    var name: String
    init(_ region: Region) {
        id = region.id
        name = region.name
    }
}

struct MunicipalityDTO: ResponseCodable {
    var id: MunicipalityID
    var regionId: RegionID
    var name: String
    init(_ municipality: Municipality) {
        id = municipality.id
        regionId = municipality.regionID
        name = municipality.name
    }
}

struct OrganizationSummaryDTO: ResponseCodable {
    var id: OrganizationID
    var kind: OrganizationKind
    var fullName: String
    var shortName: String
    var address: String
    var region: RegionDTO
    var municipality: MunicipalityDTO

    init(_ summary: OrganizationSummary) {
        id = summary.organization.id
        kind = summary.organization.profile.kind
        fullName = summary.organization.profile.fullName
        shortName = summary.organization.profile.shortName
        address = summary.organization.profile.address
        region = RegionDTO(summary.region)
        municipality = MunicipalityDTO(summary.municipality)
    }
}

struct OrganizationDTO: ResponseCodable {
    var id: OrganizationID
    var kind: OrganizationKind
    var fullName: String
    var shortName: String
    var address: String
    var contactPhone: String
    var email: String
    var website: String
    var timeZone: String
    var region: RegionDTO
    var municipality: MunicipalityDTO
    var createdAt: Date
    var myRoles: [OrganizationRole]
    var administrators: [PersonDTO]?
    var teacherCount: Int?
    var activity: ActivityDTO?
    var communityId: String?
    var missingProfileFields: [String]?

    init(_ details: OrganizationDetails) {
        let o = details.summary.organization
        id = o.id
        kind = o.profile.kind
        fullName = o.profile.fullName
        shortName = o.profile.shortName
        address = o.profile.address
        contactPhone = o.profile.contactPhone
        email = o.profile.email
        website = o.profile.website
        timeZone = o.profile.timeZone
        region = RegionDTO(details.summary.region)
        municipality = MunicipalityDTO(details.summary.municipality)
        createdAt = o.createdAt
        myRoles = details.myRoles
        administrators = details.administrators?.map(PersonDTO.init)
        teacherCount = details.teacherCount
        activity = details.activity.map(ActivityDTO.init)
        communityId = details.privateInfo?.communityID.value
        missingProfileFields = details.privateInfo?.missingProfileFields
    }
}

struct PlatformRoleDTO: ResponseCodable {
    var role: PlatformRoleKind
    var municipalityId: MunicipalityID?
    var regionId: RegionID?
    var scopeName: String?

    init(_ view: PlatformRoleView) {
        role = view.role.kind
        scopeName = view.scopeName
        switch view.role {
        case .operator: break
        case .municipalOfficer(let id): municipalityId = id
        case .regionalOfficer(let id): regionId = id
        }
    }
}

struct PageDTO<Item: Codable & Sendable>: ResponseCodable {
    var items: [Item]
    var page: Int
    var perPage: Int
    var total: Int

    init<Source>(_ page: Page<Source>, _ transform: (Source) -> Item) {
        items = page.items.map(transform)
        self.page = page.page
        perPage = page.perPage
        total = page.total
    }
}

struct ListDTO<Item: Codable & Sendable>: ResponseCodable {
    var items: [Item]
}
