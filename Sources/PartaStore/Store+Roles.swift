public import Foundation
public import PartaDomain
import SQLKit

/// A member's role in an organization as stored.
public struct RoleGrant: Sendable, Equatable {
    public var organizationID: OrganizationID
    public var accountID: AccountID
    public var role: OrganizationRole
    public var verified: Bool
    public var grantedAt: Date
}

extension Store {
    // MARK: Organization roles

    /// Gives `account` a role in `organization`; an existing grant keeps its date and becomes
    /// verified if `verified`. Returns `true` when the grant is new.
    @discardableResult
    public func grantRole(
        _ role: OrganizationRole, to account: AccountID, in organization: OrganizationID, verified: Bool, now: Date
    ) async throws -> Bool {
        let existing = try await sql.raw("""
            SELECT verified FROM organization_roles WHERE organization_id = \(bind: organization.rawValue)
              AND account_id = \(bind: account.rawValue) AND role = \(bind: role.rawValue)
            """).first()
        if let existing {
            if verified, try !existing.bool("verified") {
                try await sql.raw("""
                    UPDATE organization_roles SET verified = \(bind: true) WHERE organization_id = \(bind: organization.rawValue)
                      AND account_id = \(bind: account.rawValue) AND role = \(bind: role.rawValue)
                    """).run()
            }
            return false
        }
        try await sql.raw("""
            INSERT INTO organization_roles (organization_id, account_id, role, verified, granted_at)
            VALUES (\(bind: organization.rawValue), \(bind: account.rawValue), \(bind: role.rawValue), \(bind: verified), \(bind: now.millis))
            """).run()
        return true
    }

    /// Marks a held role verified or not (the blue mark).
    public func setRoleVerified(_ verified: Bool, role: OrganizationRole, of account: AccountID, in organization: OrganizationID) async throws {
        try await sql.raw("""
            UPDATE organization_roles SET verified = \(bind: verified) WHERE organization_id = \(bind: organization.rawValue)
              AND account_id = \(bind: account.rawValue) AND role = \(bind: role.rawValue)
            """).run()
    }

    /// Removes a role; `true` if the account had it.
    @discardableResult
    public func revokeRole(_ role: OrganizationRole, from account: AccountID, in organization: OrganizationID) async throws -> Bool {
        try await !sql.raw("""
            DELETE FROM organization_roles WHERE organization_id = \(bind: organization.rawValue)
              AND account_id = \(bind: account.rawValue) AND role = \(bind: role.rawValue) RETURNING account_id
            """).all().isEmpty
    }

    static func grant(from row: any SQLRow) throws -> RoleGrant {
        RoleGrant(
            organizationID: try row.id("organization_id"), accountID: try row.id("account_id"),
            role: try OrganizationRole.parse(try row.string("role")), verified: try row.bool("verified"),
            grantedAt: try row.date("granted_at"))
    }

    /// Every role `account` holds, in every organization.
    public func roleGrants(of account: AccountID) async throws -> [RoleGrant] {
        try await sql.raw("""
            SELECT organization_id, account_id, role, verified, granted_at FROM organization_roles
            WHERE account_id = \(bind: account.rawValue) ORDER BY organization_id
            """).all().map(Self.grant(from:))
    }

    /// The accounts holding `role` in each of `organizations`.
    public func holders(of role: OrganizationRole, in organizations: [OrganizationID]) async throws -> [RoleGrant] {
        guard !organizations.isEmpty else { return [] }
        return try await sql.raw("""
            SELECT organization_id, account_id, role, verified, granted_at FROM organization_roles
            WHERE role = \(bind: role.rawValue)
              AND organization_id IN \(Self.ids(organizations))
            ORDER BY organization_id, granted_at, account_id
            """).all().map(Self.grant(from:))
    }

    /// How many accounts hold `role` in each of `organizations` (only verified ones if asked).
    public func countHolders(
        of role: OrganizationRole, in organizations: [OrganizationID], verifiedOnly: Bool
    ) async throws -> [OrganizationID: Int] {
        guard !organizations.isEmpty else { return [:] }
        let verifiedCondition: SQLQueryString = verifiedOnly ? "AND verified = \(bind: true)" : ""
        let rows = try await sql.raw("""
            SELECT organization_id, COUNT(*) AS n FROM organization_roles
            WHERE role = \(bind: role.rawValue) \(verifiedCondition)
              AND organization_id IN \(Self.ids(organizations))
            GROUP BY organization_id
            """).all()
        var counts: [OrganizationID: Int] = [:]
        for row in rows { counts[try row.id("organization_id")] = try row.int("n") }
        return counts
    }

    // MARK: Platform roles

    public func platformRoles(of account: AccountID) async throws -> Set<PlatformRole> {
        let rows = try await sql.raw("""
            SELECT role, scope_id FROM platform_roles WHERE account_id = \(bind: account.rawValue)
            """).all()
        return Set(try rows.compactMap { row in
            Self.platformRole(kind: try row.string("role"), scope: try row.int64("scope_id"))
        })
    }

    static func platformRole(kind: String, scope: Int64) -> PlatformRole? {
        switch PlatformRoleKind(rawValue: kind) {
        case .operator: .operator
        case .municipalOfficer: .municipalOfficer(MunicipalityID(scope))
        case .regionalOfficer: .regionalOfficer(RegionID(scope))
        case nil: nil
        }
    }

    static func scope(of role: PlatformRole) -> Int64 {
        switch role {
        case .operator: 0
        case .municipalOfficer(let id): id.rawValue
        case .regionalOfficer(let id): id.rawValue
        }
    }

    @discardableResult
    public func grantPlatformRole(_ role: PlatformRole, to account: AccountID, now: Date) async throws -> Bool {
        let exists = try await sql.raw("""
            SELECT 1 AS one FROM platform_roles WHERE account_id = \(bind: account.rawValue)
              AND role = \(bind: role.kind.rawValue) AND scope_id = \(bind: Self.scope(of: role))
            """).first() != nil
        guard !exists else { return false }
        try await sql.raw("""
            INSERT INTO platform_roles (account_id, role, scope_id, granted_at)
            VALUES (\(bind: account.rawValue), \(bind: role.kind.rawValue), \(bind: Self.scope(of: role)), \(bind: now.millis))
            """).run()
        return true
    }

    @discardableResult
    public func revokePlatformRole(_ role: PlatformRole, from account: AccountID) async throws -> Bool {
        try await !sql.raw("""
            DELETE FROM platform_roles WHERE account_id = \(bind: account.rawValue)
              AND role = \(bind: role.kind.rawValue) AND scope_id = \(bind: Self.scope(of: role)) RETURNING account_id
            """).all().isEmpty
    }

    /// Everyone holding a platform role of `kind`, with the role.
    public func platformRoleHolders(_ kind: PlatformRoleKind) async throws -> [(AccountID, PlatformRole)] {
        let rows = try await sql.raw("""
            SELECT account_id, role, scope_id FROM platform_roles WHERE role = \(bind: kind.rawValue)
            ORDER BY granted_at, account_id
            """).all()
        return try rows.compactMap { row in
            guard let role = Self.platformRole(kind: try row.string("role"), scope: try row.int64("scope_id")) else { return nil }
            return (try row.id("account_id"), role)
        }
    }
}
