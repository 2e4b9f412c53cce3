public import Foundation
public import PartaDomain
import SQLKit

/// Filters of the administrator's join-request queue.
public struct JoinRequestFilter: Sendable, Equatable {
    public var status: JoinRequest.Status?
    public var role: RosterRole?
    public var classID: ClassID?

    public init(status: JoinRequest.Status? = nil, role: RosterRole? = nil, classID: ClassID? = nil) {
        self.status = status
        self.role = role
        self.classID = classID
    }
}

extension Store {
    // MARK: Invites

    static let inviteColumns = """
        id, organization_id, role, class_id, note, created_at, created_by, expires_at, max_uses, use_count, revoked_at
        """

    static func invite(from row: any SQLRow) throws -> Invite {
        Invite(
            id: try row.id("id"), organizationID: try row.id("organization_id"),
            role: try RosterRole.parse(try row.string("role")), classID: try row.optionalID("class_id"),
            note: try row.string("note"), createdAt: try row.date("created_at"), createdBy: try row.optionalID("created_by"),
            expiresAt: try row.date("expires_at"), maxUses: try row.optionalInt64("max_uses").map(Int.init),
            useCount: try row.int("use_count"), revokedAt: try row.optionalDate("revoked_at"))
    }

    public func insertInvite(
        organization: OrganizationID, terms: InviteTerms, tokenHash: String, sealedToken: String?, createdBy: AccountID?,
        now: Date
    ) async throws -> Invite {
        let row = try await sql.raw("""
            INSERT INTO invites (organization_id, role, class_id, token_hash, token_sealed, note, created_by, created_at,
                expires_at, max_uses)
            VALUES (\(bind: organization.rawValue), \(bind: terms.role.rawValue), \(bind: terms.classID?.rawValue),
                \(bind: tokenHash), \(bind: sealedToken), \(bind: terms.note), \(bind: createdBy?.rawValue), \(bind: now.millis),
                \(bind: terms.expiresAt.millis), \(bind: terms.maxUses.map(Int64.init)))
            RETURNING \(unsafeRaw: Self.inviteColumns)
            """).first()
        return try Self.invite(from: row!)
    }

    public func invite(_ id: InviteID, in organization: OrganizationID) async throws -> Invite? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.inviteColumns) FROM invites
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.invite(from:))
    }

    /// Invites by id, only those of `organization`.
    public func invites(_ ids: [InviteID], in organization: OrganizationID) async throws -> [InviteID: Invite] {
        guard !ids.isEmpty else { return [:] }
        var result: [InviteID: Invite] = [:]
        for chunk in ids.chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.inviteColumns) FROM invites WHERE organization_id = \(bind: organization.rawValue)
                  AND id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let invite = try Self.invite(from: row)
                result[invite.id] = invite
            }
        }
        return result
    }

    /// The sealed tokens of the invites among `ids` that have one, each with the hash it was
    /// sealed against (`TokenSealer` opens them).
    public func sealedInviteTokens(_ ids: [InviteID]) async throws -> [InviteID: (sealed: String, tokenHash: String)] {
        guard !ids.isEmpty else { return [:] }
        var result: [InviteID: (sealed: String, tokenHash: String)] = [:]
        for chunk in ids.chunked(400) {
            let rows = try await sql.raw("""
                SELECT id, token_sealed, token_hash FROM invites WHERE id IN \(Self.ids(chunk)) AND token_sealed IS NOT NULL
                """).all()
            for row in rows { result[try row.id("id")] = (try row.string("token_sealed"), try row.string("token_hash")) }
        }
        return result
    }

    public func invite(tokenHash: String) async throws -> Invite? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.inviteColumns) FROM invites WHERE token_hash = \(bind: tokenHash)
            """).first().map(Self.invite(from:))
    }

    /// The SQL form of `Invite.status(at:) == .active`, for the queries that must decide it in the
    /// database (redeeming atomically, listing, revoking in bulk).
    static func usable(at now: Date) -> SQLQueryString {
        "revoked_at IS NULL AND expires_at > \(bind: now.millis) AND (max_uses IS NULL OR use_count < max_uses)"
    }

    /// Invites newest first; with `usableAt`, only those still usable then.
    public func listInvites(of organization: OrganizationID, usableAt: Date?, page: PageRequest) async throws -> Page<Invite> {
        var conditions: [any SQLExpression] = [SQLQueryString("organization_id = \(bind: organization.rawValue)")]
        if let now = usableAt {
            conditions.append(Self.usable(at: now))
        }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM invites WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.inviteColumns) FROM invites WHERE \(predicate)
            ORDER BY id DESC LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        return Page(items: try rows.map(Self.invite(from:)), page: page.page, perPage: page.perPage, total: total)
    }

    /// Counts one use if the invite is still usable at `now`: one conditional update, so two
    /// people racing for the last use cannot both get it. `false` when it is not usable.
    public func redeemInvite(_ id: InviteID, now: Date) async throws -> Bool {
        try await redeemLink(.invites, id.rawValue, now: now)
    }

    /// Revokes one invite; `false` when it was already revoked.
    public func revokeInvite(_ id: InviteID, now: Date) async throws -> Bool {
        try await revokeLink(.invites, id.rawValue, now: now)
    }

    /// The tables of links that are counted, expire and are revoked alike (`CountedLink`).
    enum LinkTable: String {
        case invites
        case chatInvites = "chat_invites"
    }

    /// One conditional update counts a use while the link is usable: racing uses cannot both take the last.
    func redeemLink(_ table: LinkTable, _ id: Int64, now: Date) async throws -> Bool {
        try await !sql.raw("""
            UPDATE \(unsafeRaw: table.rawValue) SET use_count = use_count + 1
            WHERE id = \(bind: id) AND \(Self.usable(at: now))
            RETURNING id
            """).all().isEmpty
    }

    func revokeLink(_ table: LinkTable, _ id: Int64, now: Date) async throws -> Bool {
        try await !sql.raw("""
            UPDATE \(unsafeRaw: table.rawValue) SET revoked_at = \(bind: now.millis) WHERE id = \(bind: id) AND revoked_at IS NULL
            RETURNING id
            """).all().isEmpty
    }

    /// Revokes every invite of the organization that is still usable and nobody has used.
    public func revokeUnusedInvites(of organization: OrganizationID, now: Date) async throws -> [InviteID] {
        try await sql.raw("""
            UPDATE invites SET revoked_at = \(bind: now.millis)
            WHERE organization_id = \(bind: organization.rawValue) AND use_count = 0 AND \(Self.usable(at: now))
            RETURNING id
            """).all().map { try $0.id("id") }
    }

    // MARK: Join requests

    static let joinRequestColumns = """
        id, organization_id, account_id, role, class_id, surname, given_name, patronymic, birth_date, child_surname,
        child_given_name, child_patronymic, message, invite_id, status, created_at, decided_at, decided_by, reason, person_id
        """

    static func joinRequest(from row: any SQLRow) throws -> JoinRequest {
        let childName = try row.optionalString("child_surname").map { surname in
            PersonName(
                surname: surname, givenName: try row.optionalString("child_given_name") ?? "",
                patronymic: try row.optionalString("child_patronymic") ?? "")
        }
        return JoinRequest(
            id: try row.id("id"), organizationID: try row.id("organization_id"), accountID: try row.id("account_id"),
            role: try RosterRole.parse(try row.string("role")), classID: try row.optionalID("class_id"),
            name: PersonName(
                surname: try row.string("surname"), givenName: try row.string("given_name"),
                patronymic: try row.string("patronymic")),
            birthDate: try row.optionalLocalDate("birth_date"), childName: childName, message: try row.string("message"),
            inviteID: try row.optionalID("invite_id"),
            status: JoinRequest.Status(rawValue: try row.string("status")) ?? .pending,
            createdAt: try row.date("created_at"), decidedAt: try row.optionalDate("decided_at"),
            decidedBy: try row.optionalID("decided_by"), reason: try row.string("reason"),
            personID: try row.optionalID("person_id"))
    }

    public func insertJoinRequest(
        organization: OrganizationID, account: AccountID, application a: JoinApplication, invite: InviteID?, now: Date
    ) async throws -> JoinRequest {
        let row = try await sql.raw("""
            INSERT INTO join_requests (organization_id, account_id, role, class_id, surname, given_name, patronymic,
                birth_date, child_surname, child_given_name, child_patronymic, message, invite_id, status, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: account.rawValue), \(bind: a.role.rawValue), \(bind: a.classID?.rawValue),
                \(bind: a.name.surname), \(bind: a.name.givenName), \(bind: a.name.patronymic), \(bind: a.birthDate?.iso),
                \(bind: a.childName?.surname), \(bind: a.childName?.givenName), \(bind: a.childName?.patronymic),
                \(bind: a.message), \(bind: invite?.rawValue), \(bind: JoinRequest.Status.pending.rawValue), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.joinRequestColumns)
            """).first()
        return try Self.joinRequest(from: row!)
    }

    public func joinRequest(_ id: JoinRequestID, in organization: OrganizationID) async throws -> JoinRequest? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.joinRequestColumns) FROM join_requests
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.joinRequest(from:))
    }

    public func joinRequest(_ id: JoinRequestID, of account: AccountID) async throws -> JoinRequest? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.joinRequestColumns) FROM join_requests
            WHERE id = \(bind: id.rawValue) AND account_id = \(bind: account.rawValue)
            """).first().map(Self.joinRequest(from:))
    }

    public func hasPendingJoinRequest(organization: OrganizationID, account: AccountID, role: RosterRole) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS one FROM join_requests WHERE organization_id = \(bind: organization.rawValue)
              AND account_id = \(bind: account.rawValue) AND role = \(bind: role.rawValue)
              AND status = \(bind: JoinRequest.Status.pending.rawValue)
            """).first() != nil
    }

    /// The queue, oldest first (first come, first served).
    public func listJoinRequests(
        of organization: OrganizationID, filter: JoinRequestFilter, page: PageRequest
    ) async throws -> Page<JoinRequest> {
        var conditions: [any SQLExpression] = [SQLQueryString("organization_id = \(bind: organization.rawValue)")]
        if let status = filter.status { conditions.append(SQLQueryString("status = \(bind: status.rawValue)")) }
        if let role = filter.role { conditions.append(SQLQueryString("role = \(bind: role.rawValue)")) }
        if let classID = filter.classID { conditions.append(SQLQueryString("class_id = \(bind: classID.rawValue)")) }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM join_requests WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.joinRequestColumns) FROM join_requests WHERE \(predicate)
            ORDER BY id LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        return Page(items: try rows.map(Self.joinRequest(from:)), page: page.page, perPage: page.perPage, total: total)
    }

    /// An applicant's requests, newest first.
    public func joinRequests(of account: AccountID, limit: Int = 50) async throws -> [JoinRequest] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.joinRequestColumns) FROM join_requests WHERE account_id = \(bind: account.rawValue)
            ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(Self.joinRequest(from:))
    }

    /// Moves a pending request to `status`; `false` when it was no longer pending (someone decided first).
    public func decideJoinRequest(
        _ id: JoinRequestID, status: JoinRequest.Status, by account: AccountID?, reason: String, person: RosterPersonID?, now: Date
    ) async throws -> Bool {
        try await !sql.raw("""
            UPDATE join_requests SET status = \(bind: status.rawValue), decided_at = \(bind: now.millis),
                decided_by = \(bind: account?.rawValue), reason = \(bind: reason), person_id = \(bind: person?.rawValue)
            WHERE id = \(bind: id.rawValue) AND status = \(bind: JoinRequest.Status.pending.rawValue)
            RETURNING id
            """).all().isEmpty
    }

    // MARK: Members and activity

    /// The organizations (of `organizations`, at most 400) one of whose current administrators has
    /// ever completed sign-in.
    public func administratorsSignedIn(in organizations: [OrganizationID]) async throws -> Set<OrganizationID> {
        guard !organizations.isEmpty else { return [] }
        return Set(try await sql.raw("""
            SELECT DISTINCT r.organization_id FROM organization_roles r JOIN accounts a ON a.id = r.account_id
            WHERE r.organization_id IN \(Self.ids(organizations)) AND r.role = \(bind: OrganizationRole.administrator.rawValue)
              AND a.first_sign_in_at IS NOT NULL
            """).all().map { try $0.id("organization_id") })
    }

    /// Every role grant of an organization (its members), optionally of one role.
    public func roleGrants(in organization: OrganizationID, role: OrganizationRole? = nil) async throws -> [RoleGrant] {
        let roleCondition: SQLQueryString = role.map { "AND role = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT organization_id, account_id, role, verified, granted_at FROM organization_roles
            WHERE organization_id = \(bind: organization.rawValue) \(roleCondition)
            ORDER BY account_id, role
            """).all().map(Self.grant(from:))
    }
}
