import Logging
import Foundation
public import PartaDomain
import PartaStore

/// What an operator supplies to register an organization.
public struct OrganizationRegistration: Sendable {
    public var region: String
    public var municipality: String
    public var profile: OrganizationProfile
    public var administratorName: String
    public var administratorPhone: String

    public init(region: String, municipality: String, profile: OrganizationProfile, administratorName: String, administratorPhone: String) {
        self.region = region
        self.municipality = municipality
        self.profile = profile
        self.administratorName = administratorName
        self.administratorPhone = administratorPhone
    }
}

/// A partial profile edit: `nil` fields stay as they are.
public struct ProfilePatch: Sendable, Equatable {
    public var kind: OrganizationKind?
    public var fullName: String?
    public var shortName: String?
    public var address: String?
    public var contactPhone: String?
    public var email: String?
    public var website: String?
    public var timeZone: String?

    public init(
        kind: OrganizationKind? = nil, fullName: String? = nil, shortName: String? = nil, address: String? = nil,
        contactPhone: String? = nil, email: String? = nil, website: String? = nil, timeZone: String? = nil
    ) {
        self.kind = kind
        self.fullName = fullName
        self.shortName = shortName
        self.address = address
        self.contactPhone = contactPhone
        self.email = email
        self.website = website
        self.timeZone = timeZone
    }

    func applied(to profile: OrganizationProfile) -> OrganizationProfile {
        var p = profile
        if let kind { p.kind = kind }
        if let fullName { p.fullName = fullName }
        if let shortName { p.shortName = shortName }
        if let address { p.address = address }
        if let contactPhone { p.contactPhone = contactPhone }
        if let email { p.email = email }
        if let website { p.website = website }
        if let timeZone { p.timeZone = timeZone }
        return p
    }
}

extension Parta {
    /// Registers an organization with its administrator (operators; the command line).
    /// Region and municipality are found by name (case and `ё` ignored) or created.
    public func registerOrganization(_ caller: Caller, _ registration: OrganizationRegistration) async throws -> OrganizationDetails {
        let regionName = try checkPlaceName(registration.region, field: "region")
        let municipalityName = try checkPlaceName(registration.municipality, field: "municipality")
        let profile = try registration.profile.validated()
        let adminName = try PersonName(parsing: registration.administratorName)
        let adminPhone = try PhoneNumber(parsing: registration.administratorPhone)
        let now = clock.now()
        let id = try await database.write { store in
            try await authorize(caller, .registerOrganization, in: store)
            try await store.lock("directory")
            let (region, _) = try await store.findOrCreateRegion(name: regionName, now: now)
            let (municipality, _) = try await store.findOrCreateMunicipality(name: municipalityName, region: region.id, now: now)
            if try await store.organization(named: profile.fullName, in: municipality.id) != nil {
                throw PartaError.conflict(
                    "organization_exists", "«\(profile.fullName)» is already registered in \(municipality.name).")
            }
            let communityID = try await newCommunityID(store)
            let id = try await store.insertOrganization(
                municipality: municipality.id, profile: profile, communityID: communityID, now: now)
            try await audit(store, caller, .organizationRegistered, organization: id, target: ("organization", "\(id)"),
                            details: ["region": region.name, "municipality": municipality.name, "name": profile.fullName])
            let admin = try await store.findOrCreateAccount(phone: adminPhone, name: adminName, now: now)
            try await store.grantRole(.administrator, to: admin.id, in: id, verified: true, now: now)
            try await store.setGrantName(adminName, role: .administrator, of: admin.id, in: id)
            try await audit(store, caller, .administratorGranted, organization: id, target: ("account", "\(admin.id)"),
                            details: ["name": admin.name.full])
            return id
        }
        logger.info("organization.registered", metadata: ["parta.organization.id": "\(id)"])
        return try await organization(caller, id)
    }

    private func newCommunityID(_ store: Store) async throws -> CommunityID {
        for _ in 0..<10 {
            let candidate = CommunityID(randomBytes: Secrets.randomBytes(8))
            if try await store.organization(communityID: candidate) == nil { return candidate }
        }
        throw PartaError(.unavailable(retryAfterSeconds: 1), code: "try_again", message: "Try again.")
    }

    /// Appoints an administrator by name and phone (operators only). With `replaceOthers`, every
    /// other administrator loses the right: how the support desk hands a school to a new person.
    public func setAdministrator(
        _ caller: Caller, organization id: OrganizationID, name: String, phone: String, replaceOthers: Bool
    ) async throws -> [PersonRef] {
        let name = try PersonName(parsing: name)
        let phone = try PhoneNumber(parsing: phone)
        let now = clock.now()
        return try await database.write { store in
            try await authorize(caller, .changeAdministrators(id), in: store)
            guard try await store.organization(id) != nil else { throw PartaError.notFound("The organization") }
            try await store.lock("organization.admins:\(id)")
            let account = try await store.findOrCreateAccount(phone: phone, name: name, now: now)
            if try await store.grantRole(.administrator, to: account.id, in: id, verified: true, now: now) {
                try await audit(store, caller, .administratorGranted, organization: id, target: ("account", "\(account.id)"),
                                details: ["name": name.full])
            }
            // The operator's word is the name others see, whatever the account calls itself.
            try await store.setGrantName(name, role: .administrator, of: account.id, in: id)
            var replaced = Set<AccountID>()
            if replaceOthers {
                for grant in try await store.holders(of: .administrator, in: [id]) where grant.accountID != account.id {
                    try await store.revokeRole(.administrator, from: grant.accountID, in: id)
                    try await audit(store, caller, .administratorRevoked, organization: id,
                                    target: ("account", "\(grant.accountID)"), details: ["replaced_by": "\(account.id)"])
                    replaced.insert(grant.accountID)
                }
            }
            try await administratorsChanged(id, in: store, leaving: replaced)
            return try await administrators(of: id, in: store)
        }
    }

    /// Gives administrator rights to someone who already joined (the organization's administrators, operators).
    public func grantAdministrator(_ caller: Caller, organization id: OrganizationID, account: AccountID) async throws -> [PersonRef] {
        try await database.write { store in
            try await authorize(caller, .grantAdministrator(id), in: store)
            guard try await store.organization(id) != nil else { throw PartaError.notFound("The organization") }
            try await store.lock("organization.admins:\(id)")
            guard let target = try await store.account(account) else { throw PartaError.notFound("That person") }
            let roles = Set(try await store.roleGrants(of: account).filter { $0.organizationID == id }.map(\.role))
            try AdministratorRules.checkGrant(targetRoles: roles)
            // Named as the roster names the member (they joined, so a person of theirs is linked).
            let named = try await store.names(of: [account], in: id)[account] ?? OrganizationName(name: target.name, confirmed: false)
            if try await store.grantRole(.administrator, to: account, in: id, verified: true, now: clock.now()) {
                try await audit(store, caller, .administratorGranted, organization: id, target: ("account", "\(account)"),
                                details: ["name": named.name.full])
            }
            if named.confirmed { try await store.setGrantName(named.name, role: .administrator, of: account, in: id) }
            try await administratorsChanged(id, in: store)
            return try await administrators(of: id, in: store)
        }
    }

    /// Takes administrator rights from one account (the organization's administrators, operators);
    /// never from the last administrator — only an operator replaces that one.
    public func revokeAdministrator(_ caller: Caller, organization id: OrganizationID, account: AccountID) async throws -> [PersonRef] {
        try await database.write { store in
            try await authorize(caller, .revokeAdministrator(id), in: store)
            guard try await store.organization(id) != nil else { throw PartaError.notFound("The organization") }
            try await store.lock("organization.admins:\(id)")
            let admins = try await store.holders(of: .administrator, in: [id]).map(\.accountID)
            try LastHolderRule.checkAdministratorRemoval(account, administrators: admins)
            try await store.revokeRole(.administrator, from: account, in: id)
            try await audit(store, caller, .administratorRevoked, organization: id, target: ("account", "\(account)"))
            try await administratorsChanged(id, in: store, leaving: [account])
            return try await administrators(of: id, in: store)
        }
    }

    /// The staff room's admins are the organization's administrators: they follow every change.
    /// An account that stopped being one keeps only what its other roles give it.
    func administratorsChanged(_ id: OrganizationID, in store: Store, leaving: Set<AccountID> = []) async throws {
        guard let organization = try await store.organization(id) else { return }
        _ = try await syncChats(ChatScope(staffRoom: true), organization: organization, creation: .automatic, in: store)
        try await settleAccounts(leaving, organization: organization, in: store)
    }

    /// Removes a member from the organization (administrators, operators): one role, or every role
    /// when `role` is `nil`. A role that came through roster persons ends by unlinking them (they
    /// stay in the roster, to be linked again with a new code); the administrator role obeys
    /// `LastHolderRule`. The account loses what the role gave — chats, direct chats, management
    /// rights — in this transaction, so its open connections hear of it at once. Audited.
    public func removeMember(_ caller: Caller, organization id: OrganizationID, account: AccountID, role: OrganizationRole?) async throws {
        try await database.write { store in
            try await authorize(caller, .removeMember(id), in: store)
            guard let organization = try await store.organization(id) else { throw PartaError.notFound("The organization") }
            // The administrators' lock before the roster's, as every path that changes administrators takes them.
            try await store.lock("organization.admins:\(id)")
            try await lockRoster(id, in: store)
            let held = Set(try await store.roleGrants(of: account).filter { $0.organizationID == id }.map(\.role))
            let suspended = try await store.persons(suspendedFrom: account, in: id)
            // Removed from the organization: roles held, and those a suspended person would give back.
            let roles = role.map { Set([$0]) } ?? held.union(suspended.map(\.role.organizationRole))
            guard !roles.isEmpty, roles.isSubset(of: held.union(suspended.map(\.role.organizationRole))) else {
                throw PartaError.notFound("That member")
            }
            if roles.contains(.administrator) {
                try LastHolderRule.checkAdministratorRemoval(account, administrators: try await store.holders(of: .administrator, in: [id]).map(\.accountID))
                try await store.revokeRole(.administrator, from: account, in: id)
            }
            var events: [RosterEvent] = []
            let now = clock.now()
            for person in try await store.persons(linkedTo: account) where person.organizationID == id && roles.contains(person.role.organizationRole) {
                try await detach(person, from: account, in: store)
                events.append(.unlinked(person.id, account))
            }
            // A suspended person of the role must not bring the account back when it stands again.
            for person in suspended where roles.contains(person.role.organizationRole) {
                try await store.setSuspendedAccount(nil, for: person.id, now: now)
            }
            for role in roles where role != .administrator { try await store.revokeRole(role, from: account, in: id) }
            try await audit(store, caller, .memberRemoved, organization: id, target: ("account", "\(account)"),
                            details: ["roles": roles.sorted().map(\.rawValue).joined(separator: ","), "persons": "\(events.count)"])
            try await apply(events, organization: id, in: store)
            if roles.contains(.administrator) { try await administratorsChanged(id, in: store) }
            try await settleAccounts([account], organization: organization, in: store)
        }
        logger.info("organization.member_removed", metadata: ["parta.organization.id": "\(id)", "parta.account.id": "\(account)"])
    }

    func administrators(of id: OrganizationID, in store: Store) async throws -> [PersonRef] {
        let grants = try await store.holders(of: .administrator, in: [id])
        let names = try await store.names(of: grants.map(\.accountID), in: id)
        return grants.compactMap { grant in
            names[grant.accountID].map { PersonRef(accountID: grant.accountID, name: $0.name, confirmed: $0.confirmed) }
        }
    }

    /// Edits the profile (the organization's administrators and operators). Audited with the fields changed.
    public func updateProfile(_ caller: Caller, organization id: OrganizationID, _ patch: ProfilePatch) async throws -> OrganizationDetails {
        let now = clock.now()
        try await database.write { store in
            try await authorize(caller, .editProfile(id), in: store)
            guard let organization = try await store.organization(id) else { throw PartaError.notFound("The organization") }
            let updated = try patch.applied(to: organization.profile).validated()
            let changed = Self.changedFields(organization.profile, updated)
            guard !changed.isEmpty else { return }
            try await store.updateOrganizationProfile(id, updated, now: now)
            try await audit(store, caller, .organizationProfileUpdated, organization: id, target: ("organization", "\(id)"),
                            details: ["fields": changed.joined(separator: ",")])
        }
        return try await organization(caller, id)
    }

    static func changedFields(_ a: OrganizationProfile, _ b: OrganizationProfile) -> [String] {
        var fields: [String] = []
        if a.kind != b.kind { fields.append("kind") }
        if a.fullName != b.fullName { fields.append("full_name") }
        if a.shortName != b.shortName { fields.append("short_name") }
        if a.address != b.address { fields.append("address") }
        if a.contactPhone != b.contactPhone { fields.append("contact_phone") }
        if a.email != b.email { fields.append("email") }
        if a.website != b.website { fields.append("website") }
        if a.timeZone != b.timeZone { fields.append("time_zone") }
        return fields
    }

    /// An organization's card with what the caller may see of it.
    public func organization(_ caller: Caller, _ id: OrganizationID) async throws -> OrganizationDetails {
        try await database.read { store in
            guard let summary = try await summary(of: id, in: store) else { throw PartaError.notFound("The organization") }
            let roles = try await actorRoles(caller, in: store)
            let myRoles = roles.roles(in: id).sorted()
            let privileged = DirectoryPermissions.decide(roles, .viewPrivateProfile(id)).isAllowed
            var details = OrganizationDetails(summary: summary, myRoles: myRoles)
            if privileged || !myRoles.isEmpty {
                details.administrators = try await administrators(of: id, in: store)
                let teachers = try await store.countHolders(of: .teacher, in: [id], verifiedOnly: true)[id] ?? 0
                details.teacherCount = teachers
                details.activity = OrganizationActivity.evaluate(
                    administratorSignedIn: try await store.administratorsSignedIn(in: [id]).contains(id),
                    missingProfileFields: summary.organization.profile.missingRequiredFields, verifiedTeachers: teachers)
            }
            if privileged {
                details.privateInfo = .init(
                    communityID: summary.organization.communityID,
                    missingProfileFields: summary.organization.profile.missingRequiredFields)
            }
            return details
        }
    }

    /// Finds an organization by its community identifier (operators and the command line).
    public func organization(_ caller: Caller, communityID: CommunityID) async throws -> OrganizationDetails {
        let id = try await database.read { store in
            try await authorize(caller, .findByCommunityID, in: store)
            return try await store.organization(communityID: communityID)?.id
        }
        guard let id else { throw PartaError.notFound("No organization has the community id \(communityID) and it") }
        return try await organization(caller, id)
    }

    /// Search by name words (case, `ё`/`е` and punctuation ignored), optionally in a region or municipality.
    public func searchOrganizations(
        query: String, region: RegionID?, municipality: MunicipalityID?, page: PageRequest
    ) async throws -> Page<OrganizationSummary> {
        guard query.count <= 200 else {
            throw PartaError.invalid("invalid_query", "The search text is longer than 200 characters.")
        }
        let words = SearchText.words(query)
        return try await database.read { store in
            let found = try await store.searchOrganizations(words: words, region: region, municipality: municipality, page: page)
            var regions: [RegionID: Region] = [:]
            var municipalities: [MunicipalityID: Municipality] = [:]
            var items: [OrganizationSummary] = []
            for organization in found.items {
                if municipalities[organization.municipalityID] == nil {
                    municipalities[organization.municipalityID] = try await store.municipality(organization.municipalityID)
                }
                if regions[organization.regionID] == nil {
                    regions[organization.regionID] = try await store.region(organization.regionID)
                }
                guard let m = municipalities[organization.municipalityID], let r = regions[organization.regionID] else { continue }
                items.append(OrganizationSummary(organization: organization, region: r, municipality: m))
            }
            return Page(items: items, page: found.page, perPage: found.perPage, total: found.total)
        }
    }

    public func regions() async throws -> [Region] {
        try await database.read { try await $0.regions() }
    }

    public func municipalities(in region: RegionID) async throws -> [Municipality] {
        try await database.read { store in
            guard try await store.region(region) != nil else { throw PartaError.notFound("The region") }
            return try await store.municipalities(in: region)
        }
    }

    /// The account of a phone number (the command line, which may see phones).
    public func account(phone raw: String) async throws -> Account {
        let phone = try PhoneNumber(parsing: raw)
        guard let account = try await database.read({ try await $0.account(phone: phone) }) else {
            throw PartaError.notFound("No account has this phone number, so it")
        }
        return account
    }

    /// Attaches a person to an organization in a role (the command line and fixtures; the join
    /// flow of invites and requests comes with its own rules). Every role but administrator comes
    /// through a roster person, as everywhere: the account's person of that role, or a new one
    /// under its name, linked — so the roster's chats (the staff room for a teacher) follow.
    public func attachMember(
        _ caller: Caller, organization id: OrganizationID, name: String, phone: String, role: OrganizationRole, verified: Bool
    ) async throws -> Account {
        let name = try PersonName(parsing: name)
        let phone = try PhoneNumber(parsing: phone)
        let now = clock.now()
        return try await database.write { store in
            try await authorize(caller, .attachMemberDirectly(id), in: store)
            guard try await store.organization(id) != nil else { throw PartaError.notFound("The organization") }
            let account = try await store.findOrCreateAccount(phone: phone, name: name, now: now)
            guard let rosterRole = RosterRole(rawValue: role.rawValue) else {
                if try await store.grantRole(role, to: account.id, in: id, verified: true, now: now) {
                    try await audit(store, caller, .memberAttached, organization: id, target: ("account", "\(account.id)"),
                                    details: ["role": role.rawValue])
                    try await administratorsChanged(id, in: store)
                }
                return account
            }
            let linked = try await store.persons(linkedTo: account.id).contains { $0.organizationID == id && $0.role == rosterRole }
            if !linked {
                try await lockRoster(id, in: store)
                let person = try await insertPerson(
                    caller, organization: id, role: rosterRole, name: name, gender: .unspecified, birthDate: nil, externalID: nil, in: store)
                try await link(person, to: account.id, caller: caller, in: store)
                try await audit(store, caller, .memberAttached, organization: id, target: ("account", "\(account.id)"),
                                details: ["role": role.rawValue, "person": "\(person.id)"])
            }
            if !verified && rosterRole.isStaff { try await store.setRoleVerified(false, role: role, of: account.id, in: id) }
            return account
        }
    }
}
