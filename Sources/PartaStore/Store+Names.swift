import Foundation
public import PartaDomain
import SQLKit

/// A name as others in an organization see it, and whether the school stands behind it.
public struct OrganizationName: Sendable, Equatable {
    public var name: PersonName
    /// From the roster, or given by an operator or administrator with a role; `false` for what
    /// the account calls itself (shown as unconfirmed; it cannot pass for someone else's).
    public var confirmed: Bool

    public init(name: PersonName, confirmed: Bool) {
        self.name = name
        self.confirmed = confirmed
    }
}

extension Store {
    /// How an organization names accounts: the roster person linked to it there (active), else the
    /// name given with its administrator role, else — unconfirmed — its own.
    public func names(of accounts: [AccountID], in organization: OrganizationID) async throws -> [AccountID: OrganizationName] {
        var result: [AccountID: OrganizationName] = [:]
        for chunk in Array(Set(accounts)).sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT a.id, a.surname, a.given_name, a.patronymic,
                    p.surname AS p_surname, p.given_name AS p_given_name, p.patronymic AS p_patronymic,
                    g.surname AS g_surname, g.given_name AS g_given_name, g.patronymic AS g_patronymic
                FROM accounts a
                LEFT JOIN roster_persons p ON p.id = (SELECT MIN(x.id) FROM roster_persons x
                    WHERE x.account_id = a.id AND x.organization_id = \(bind: organization.rawValue) AND x.active = \(bind: true))
                LEFT JOIN organization_roles g ON g.organization_id = \(bind: organization.rawValue) AND g.account_id = a.id
                    AND g.role = \(bind: OrganizationRole.administrator.rawValue) AND g.surname <> ''
                WHERE a.id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                result[try row.id("id")] = try Self.organizationName(row)
            }
        }
        return result
    }

    /// Reads the columns `names(of:in:)` selects (`p_…` the roster's, `g_…` the grant's, plain the account's).
    static func organizationName(_ row: any SQLRow, snapshot: PersonName? = nil) throws -> OrganizationName {
        if let surname = try row.optionalString("p_surname") {
            return OrganizationName(
                name: PersonName(surname: surname, givenName: try row.string("p_given_name"), patronymic: try row.string("p_patronymic")),
                confirmed: true)
        }
        if let surname = try row.optionalString("g_surname"), !surname.isEmpty {
            return OrganizationName(
                name: PersonName(
                    surname: surname, givenName: try row.optionalString("g_given_name") ?? "", patronymic: try row.optionalString("g_patronymic") ?? ""),
                confirmed: true)
        }
        if let snapshot { return OrganizationName(name: snapshot, confirmed: true) }
        return OrganizationName(
            name: PersonName(surname: try row.string("surname"), givenName: try row.string("given_name"), patronymic: try row.string("patronymic")),
            confirmed: false)
    }

    /// Keeps the name an operator or administrator gave with a role (shown to others instead of the account's own).
    public func setGrantName(_ name: PersonName, role: OrganizationRole, of account: AccountID, in organization: OrganizationID) async throws {
        try await sql.raw("""
            UPDATE organization_roles SET surname = \(bind: name.surname), given_name = \(bind: name.givenName), patronymic = \(bind: name.patronymic)
            WHERE organization_id = \(bind: organization.rawValue) AND account_id = \(bind: account.rawValue) AND role = \(bind: role.rawValue)
            """).run()
    }

    static func encodeName(_ name: PersonName?) -> String? {
        name.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    static func decodeName(_ json: String?) -> PersonName? {
        json.flatMap { try? JSONDecoder().decode(PersonName.self, from: Data($0.utf8)) }
    }
}
