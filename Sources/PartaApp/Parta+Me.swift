import Logging
public import PartaDomain
import PartaStore

extension Parta {
    /// The account, its platform roles, and each organization with my roles, its administrators
    /// and how many verified teachers are attached.
    public func me(_ principal: Principal) async throws -> MeView {
        try await database.read { store in
            let account = try await store.account(principal.account.id) ?? principal.account
            let grants = try await store.roleGrants(of: account.id)
            let organizationIDs = Array(Set(grants.map(\.organizationID))).sorted()
            var organizations: [MyOrganization] = []
            let admins = try await store.holders(of: .administrator, in: organizationIDs)
            let teacherCounts = try await store.countHolders(of: .teacher, in: organizationIDs, verifiedOnly: true)
            for id in organizationIDs {
                guard let summary = try await summary(of: id, in: store) else { continue }
                let mine = grants.filter { $0.organizationID == id }
                let adminNames = try await store.names(of: admins.filter { $0.organizationID == id }.map(\.accountID), in: id)
                organizations.append(MyOrganization(
                    organization: summary.organization, region: summary.region, municipality: summary.municipality,
                    roles: mine.map(\.role).sorted(),
                    verified: mine.contains { $0.role.isStaff && $0.verified },
                    administrators: admins.filter { $0.organizationID == id }.compactMap { grant in
                        adminNames[grant.accountID].map { PersonRef(accountID: grant.accountID, name: $0.name, confirmed: $0.confirmed) }
                    },
                    teacherCount: teacherCounts[id] ?? 0))
            }
            organizations.sort { $0.organization.profile.shortName < $1.organization.profile.shortName }
            return MeView(
                account: account,
                platformRoles: try await platformRoleViews(try await store.platformRoles(of: account.id), in: store),
                organizations: organizations,
                joinRequests: try await joinRequestViews(try await store.joinRequests(of: account.id), in: store))
        }
    }

    /// The organization's members, by name, optionally of one role or matching name words
    /// (administrators, operators).
    public func members(
        _ caller: Caller, organization id: OrganizationID, role: OrganizationRole?, query: String, page: PageRequest
    ) async throws -> Page<MemberView> {
        let words = SearchText.words(query)
        return try await database.read { store in
            guard try await store.organization(id) != nil else { throw PartaError.notFound("The organization") }
            try await authorize(caller, .listMembers(id), in: store)
            let grants = try await store.roleGrants(in: id)
            let names = try await store.names(of: Array(Set(grants.map(\.accountID))), in: id)
            var members: [MemberView] = []
            for (accountID, mine) in Dictionary(grouping: grants, by: \.accountID) {
                guard let named = names[accountID] else { continue }
                let roles = mine.map(\.role).sorted()
                if let role, !roles.contains(role) { continue }
                let folded = SearchText.fold(named.name.full)
                guard words.allSatisfy({ folded.contains($0) }) else { continue }
                members.append(MemberView(
                    accountID: accountID, name: named.name, nameConfirmed: named.confirmed, roles: roles,
                    verified: mine.contains { $0.role.isStaff && $0.verified }))
            }
            members.sort { (SearchText.fold($0.name.full), $0.accountID) < (SearchText.fold($1.name.full), $1.accountID) }
            return Page(
                items: Array(members.dropFirst(page.offset).prefix(page.perPage)), page: page.page, perPage: page.perPage,
                total: members.count)
        }
    }

    /// Sets the signed-in person's own name (people who signed up themselves start without one).
    public func updateMyName(_ principal: Principal, _ name: PersonName) async throws -> Account {
        try await database.write { store in
            try await store.setAccountName(principal.account.id, name)
            return try await store.account(principal.account.id)!
        }
    }

    func platformRoleViews(_ roles: Set<PlatformRole>, in store: Store) async throws -> [PlatformRoleView] {
        var views: [PlatformRoleView] = []
        for role in roles {
            switch role {
            case .operator:
                views.append(PlatformRoleView(role: role, scopeName: nil))
            case .municipalOfficer(let id):
                views.append(PlatformRoleView(role: role, scopeName: try await store.municipality(id)?.name))
            case .regionalOfficer(let id):
                views.append(PlatformRoleView(role: role, scopeName: try await store.region(id)?.name))
            }
        }
        return views.sorted { ($0.role.kind.rawValue, $0.scopeName ?? "") < ($1.role.kind.rawValue, $1.scopeName ?? "") }
    }

    func summary(of id: OrganizationID, in store: Store) async throws -> OrganizationSummary? {
        guard let organization = try await store.organization(id),
            let municipality = try await store.municipality(organization.municipalityID),
            let region = try await store.region(organization.regionID)
        else { return nil }
        return OrganizationSummary(organization: organization, region: region, municipality: municipality)
    }
}
