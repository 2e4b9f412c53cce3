/// Who is acting, as far as permission rules care: platform roles, roles per organization,
/// or the server's own command line (whoever can run `parta` on the server owns the data).
public struct ActorRoles: Sendable, Equatable {
    public var platform: Set<PlatformRole>
    public var organizations: [OrganizationID: Set<OrganizationRole>]
    public var isSystem: Bool
    /// The organization whose school information system acts through an API key, if that is who acts.
    public var integrationFor: OrganizationID?

    public init(
        platform: Set<PlatformRole> = [], organizations: [OrganizationID: Set<OrganizationRole>] = [:],
        isSystem: Bool = false, integrationFor: OrganizationID? = nil
    ) {
        self.platform = platform
        self.organizations = organizations
        self.isSystem = isSystem
        self.integrationFor = integrationFor
    }

    public static let system = ActorRoles(isSystem: true)

    public var isOperator: Bool { platform.contains(.operator) }

    public func roles(in organization: OrganizationID) -> Set<OrganizationRole> {
        organizations[organization] ?? []
    }

    public func isAdministrator(of organization: OrganizationID) -> Bool {
        roles(in: organization).contains(.administrator)
    }
}

/// Actions on the directory and the platform.
public enum DirectoryAction: Sendable, Equatable {
    case registerOrganization
    /// Appoint or replace an organization's administrators (the support desk's job).
    case changeAdministrators(OrganizationID)
    case editProfile(OrganizationID)
    /// See what only the organization's own administrators need: community id, profile checklist.
    case viewPrivateProfile(OrganizationID)
    case readAuditLog(OrganizationID)
    case readPlatformAuditLog
    /// Add and remove operators and municipal or regional officers.
    case managePlatformRoles
    /// See people's phone numbers (only operators and the person themself).
    case viewPhoneNumbers
    /// See the network addresses people acted from, in the audit log (only operators: a school's
    /// administrators see who did what, not where its parents and students were).
    case viewClientAddresses
    /// Find an organization by the community id its administrator reads out to support.
    case findByCommunityID
    /// Put a person into an organization without an invite or a request (fixtures, the command line).
    case attachMemberDirectly(OrganizationID)
    /// Change the roster: school years, classes, subjects, people, assignments, orders, imports.
    case manageRoster(OrganizationID)
    /// See the roster: people (with birth dates), classes, orders.
    case readRoster(OrganizationID)
    /// See a class's or a teacher's timetable (the school's staff plan with it).
    case readClassTimetable(OrganizationID)
    /// Create, list and revoke the organization's integration API keys.
    case manageAPIKeys(OrganizationID)
    /// Create, list and revoke invite links.
    case manageInvites(OrganizationID)
    /// See the join-request queue and accept or reject requests.
    case reviewJoinRequests(OrganizationID)
    /// See who has joined: names, roles, the blue mark (never phone numbers).
    case listMembers(OrganizationID)
    /// Give administrator rights to someone who already joined.
    case grantAdministrator(OrganizationID)
    /// Take administrator rights away (never from the last administrator).
    case revokeAdministrator(OrganizationID)
    /// Remove a member from the organization: one role or all of them.
    case removeMember(OrganizationID)
}

public enum Decision: Sendable, Equatable {
    case allowed
    /// Refused; the text names the rule that refused.
    case denied(String)

    public var isAllowed: Bool { self == .allowed }

    /// Throws `forbidden` with the refusing rule.
    public func check() throws(PartaError) {
        if case .denied(let rule) = self { throw PartaError.forbidden(rule) }
    }
}

/// The directory's permission rules (SPEC §1), as one table-tested function.
public enum DirectoryPermissions {
    public static func decide(_ actor: ActorRoles, _ action: DirectoryAction) -> Decision {
        if actor.isSystem { return .allowed }
        let isOperator = actor.isOperator && actor.integrationFor == nil
        switch action {
        case .registerOrganization:
            return isOperator ? .allowed : .denied("Only platform operators register organizations.")
        case .changeAdministrators:
            return isOperator
                ? .allowed : .denied("Only platform operators change an organization's administrators.")
        case .editProfile(let org):
            return isOperator || actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators edit its profile.")
        case .viewPrivateProfile(let org):
            return isOperator || actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators see this.")
        case .readAuditLog(let org):
            return isOperator || actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators and operators read its audit log.")
        case .readPlatformAuditLog:
            return isOperator ? .allowed : .denied("Only platform operators read the platform audit log.")
        case .managePlatformRoles:
            return isOperator ? .allowed : .denied("Only platform operators manage operators and officers.")
        case .viewPhoneNumbers:
            return isOperator ? .allowed : .denied("Phone numbers are visible only to their owner and to operators.")
        case .viewClientAddresses:
            return isOperator ? .allowed : .denied("Network addresses in the audit log are visible only to operators.")
        case .findByCommunityID:
            return isOperator ? .allowed : .denied("Only operators look organizations up by community id.")
        case .attachMemberDirectly:
            return .denied("Members join through invites and requests; only the server's command line attaches them directly.")
        case .manageRoster(let org), .readRoster(let org):
            return actor.isAdministrator(of: org) || actor.integrationFor == org
                ? .allowed : .denied("Only the organization's administrators and its school information system work with its roster.")
        case .readClassTimetable(let org):
            return actor.isAdministrator(of: org) || actor.roles(in: org).contains(where: \.isStaff) || actor.integrationFor == org
                ? .allowed : .denied("Only the school's staff see its classes' timetables; students and parents see their diaries.")
        case .manageAPIKeys(let org):
            return actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators manage its API keys.")
        case .manageInvites(let org):
            return actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators create and revoke its invites.")
        case .reviewJoinRequests(let org):
            return actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators see and decide join requests.")
        case .listMembers(let org):
            return isOperator || actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators and operators list its members.")
        case .grantAdministrator(let org), .revokeAdministrator(let org):
            return isOperator || actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators and operators change who administers it.")
        case .removeMember(let org):
            return isOperator || actor.isAdministrator(of: org)
                ? .allowed : .denied("Only the organization's administrators and operators remove its members.")
        }
    }
}

/// Roles that must always have a holder: an organization keeps an administrator, the platform
/// keeps an operator.
public enum LastHolderRule {
    /// Throws unless `account` holds the role and someone else would still hold it.
    public static func checkAdministratorRemoval(_ account: AccountID, administrators: [AccountID]) throws(PartaError) {
        guard administrators.contains(account) else { throw PartaError.notFound("That administrator") }
        guard administrators.contains(where: { $0 != account }) else {
            throw PartaError.conflict(
                "last_administrator",
                "An organization keeps at least one administrator: appoint the new one before removing the last.")
        }
    }

    public static func checkOperatorRemoval(_ account: AccountID, operators: [AccountID]) throws(PartaError) {
        guard operators.contains(account) else { throw PartaError.notFound("That operator") }
        guard operators.contains(where: { $0 != account }) else {
            throw PartaError.conflict("last_operator", "The platform keeps at least one operator.")
        }
    }
}
