public import PartaDomain

/// A person as other users may see them: a name and an id, never a phone number.
public struct PersonRef: Sendable, Equatable {
    public var accountID: AccountID
    public var name: PersonName
    /// From the roster or given with the role; `false` for the account's own name.
    public var confirmed: Bool
}

/// A platform role with the name of the place it covers.
public struct PlatformRoleView: Sendable, Equatable {
    public var role: PlatformRole
    public var scopeName: String?
}

/// One organization as its member sees it in "my organizations and roles".
public struct MyOrganization: Sendable, Equatable {
    public var organization: Organization
    public var region: Region
    public var municipality: Municipality
    public var roles: [OrganizationRole]
    /// Whether the member's staff role (teacher, employee) is verified: the blue mark.
    public var verified: Bool
    public var administrators: [PersonRef]
    public var teacherCount: Int
}

/// `GET /api/v1/me`: the account and where it belongs.
public struct MeView: Sendable, Equatable {
    public var account: Account
    public var platformRoles: [PlatformRoleView]
    public var organizations: [MyOrganization]
    /// My join requests, newest first: pending ones and the decisions on the others.
    public var joinRequests: [JoinRequestView]
}

/// A member of an organization as its administrators see them: never a phone number.
public struct MemberView: Sendable, Equatable {
    public var accountID: AccountID
    public var name: PersonName
    /// From the roster or given with a role; `false` for the account's own name.
    public var nameConfirmed: Bool
    public var roles: [OrganizationRole]
    /// The blue mark: a verified teacher or employee.
    public var verified: Bool
}

/// An organization as search shows it to anyone signed in.
public struct OrganizationSummary: Sendable, Equatable {
    public var organization: Organization
    public var region: Region
    public var municipality: Municipality
}

/// An organization's card. Parts are filled by what the caller may see.
public struct OrganizationDetails: Sendable, Equatable {
    public var summary: OrganizationSummary
    /// The caller's own roles here.
    public var myRoles: [OrganizationRole]
    /// Shown to members, the organization's administrators and operators.
    public var administrators: [PersonRef]?
    public var teacherCount: Int?
    /// Whether the organization counts as active, with the conditions still missing (members,
    /// administrators, operators).
    public var activity: OrganizationActivity?
    /// Shown to the organization's administrators and operators.
    public var privateInfo: PrivateInfo?

    public struct PrivateInfo: Sendable, Equatable {
        public var communityID: CommunityID
        public var missingProfileFields: [String]
    }
}
