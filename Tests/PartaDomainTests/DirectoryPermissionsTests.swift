import PartaDomain
import Testing

@Suite("Directory permissions")
struct DirectoryPermissionsTests {
    static let school = OrganizationID(1)
    static let other = OrganizationID(2)

    enum Who: String, CaseIterable, Sendable {
        case anonymousMember, teacher, administrator, otherAdministrator, `operator`, officer, system
        case integration, otherIntegration
    }

    static func roles(_ who: Who) -> ActorRoles {
        switch who {
        case .anonymousMember: ActorRoles()
        case .teacher: ActorRoles(organizations: [school: [.teacher]])
        case .administrator: ActorRoles(organizations: [school: [.administrator, .teacher]])
        case .otherAdministrator: ActorRoles(organizations: [other: [.administrator]])
        case .operator: ActorRoles(platform: [.operator])
        case .officer: ActorRoles(platform: [.municipalOfficer(MunicipalityID(1))])
        case .system: .system
        case .integration: ActorRoles(integrationFor: school)
        case .otherIntegration: ActorRoles(integrationFor: other)
        }
    }

    enum Act: String, CaseIterable, Sendable {
        case register, changeAdmins, editProfile, viewPrivate, readAudit, readPlatformAudit, managePlatform, viewPhones, viewAddresses, byCommunityID
        case attachDirectly, manageRoster, readRoster, apiKeys
        case invites, joinQueue, members, grantAdmin, revokeAdmin, removeMember

        var action: DirectoryAction {
            switch self {
            case .register: .registerOrganization
            case .changeAdmins: .changeAdministrators(school)
            case .editProfile: .editProfile(school)
            case .viewPrivate: .viewPrivateProfile(school)
            case .readAudit: .readAuditLog(school)
            case .readPlatformAudit: .readPlatformAuditLog
            case .managePlatform: .managePlatformRoles
            case .viewPhones: .viewPhoneNumbers
            case .viewAddresses: .viewClientAddresses
            case .byCommunityID: .findByCommunityID
            case .attachDirectly: .attachMemberDirectly(school)
            case .manageRoster: .manageRoster(school)
            case .readRoster: .readRoster(school)
            case .apiKeys: .manageAPIKeys(school)
            case .invites: .manageInvites(school)
            case .joinQueue: .reviewJoinRequests(school)
            case .members: .listMembers(school)
            case .grantAdmin: .grantAdministrator(school)
            case .revokeAdmin: .revokeAdministrator(school)
            case .removeMember: .removeMember(school)
            }
        }
    }

    /// Who may do what; everything absent is refused.
    static let allowed: [Act: Set<Who>] = [
        .register: [.operator, .system],
        .changeAdmins: [.operator, .system],
        .editProfile: [.administrator, .operator, .system],
        .viewPrivate: [.administrator, .operator, .system],
        .readAudit: [.administrator, .operator, .system],
        .readPlatformAudit: [.operator, .system],
        .managePlatform: [.operator, .system],
        .viewPhones: [.operator, .system],
        .viewAddresses: [.operator, .system],
        .invites: [.administrator, .system],
        .joinQueue: [.administrator, .system],
        .members: [.administrator, .operator, .system],
        .grantAdmin: [.administrator, .operator, .system],
        .revokeAdmin: [.administrator, .operator, .system],
        .removeMember: [.administrator, .operator, .system],
        .byCommunityID: [.operator, .system],
        .attachDirectly: [.system],
        .manageRoster: [.administrator, .integration, .system],
        .readRoster: [.administrator, .integration, .system],
        .apiKeys: [.administrator, .system],
    ]

    static var cases: [(Who, Act)] {
        Who.allCases.flatMap { who in Act.allCases.map { (who, $0) } }
    }

    @Test("the table", arguments: cases)
    func decides(who: Who, act: Act) {
        let decision = DirectoryPermissions.decide(Self.roles(who), act.action)
        let expected = Self.allowed[act]!.contains(who)
        #expect(decision.isAllowed == expected, "\(who) \(act)")
        if case .denied(let rule) = decision {
            #expect(!rule.isEmpty)
            #expect(throws: PartaError.forbidden(rule)) { try decision.check() }
        }
    }
}

@Suite("Roles that always keep a holder")
struct LastHolderRuleTests {
    static let a = AccountID(1), b = AccountID(2), c = AccountID(3)

    @Test("administrators", arguments: [
        (a, [a, b], nil),
        (a, [a], "last_administrator"),
        (c, [a, b], "not_found"),
        (a, [], "not_found"),
    ] as [(AccountID, [AccountID], String?)])
    func administrators(account: AccountID, holders: [AccountID], refusal: String?) {
        do {
            try LastHolderRule.checkAdministratorRemoval(account, administrators: holders)
            #expect(refusal == nil)
        } catch {
            #expect(error.code == refusal)
        }
    }

    @Test("operators", arguments: [
        (a, [a, b], nil),
        (b, [b], "last_operator"),
        (c, [a], "not_found"),
    ] as [(AccountID, [AccountID], String?)])
    func operators(account: AccountID, holders: [AccountID], refusal: String?) {
        do {
            try LastHolderRule.checkOperatorRemoval(account, operators: holders)
            #expect(refusal == nil)
        } catch {
            #expect(error.code == refusal)
        }
    }
}
