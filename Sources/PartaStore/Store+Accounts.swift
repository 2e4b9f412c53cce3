public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    static let accountColumns = "id, phone, surname, given_name, patronymic, created_at, first_sign_in_at, last_sign_in_at"

    static func account(from row: any SQLRow) throws -> Account {
        Account(
            id: try row.id("id"),
            phone: PhoneNumber(e164: try row.string("phone")),
            name: PersonName(
                surname: try row.string("surname"), givenName: try row.string("given_name"),
                patronymic: try row.string("patronymic")),
            createdAt: try row.date("created_at"),
            firstSignInAt: try row.optionalDate("first_sign_in_at"),
            lastSignInAt: try row.optionalDate("last_sign_in_at"))
    }

    public func account(_ id: AccountID) async throws -> Account? {
        try await sql.raw("SELECT \(unsafeRaw: Self.accountColumns) FROM accounts WHERE id = \(bind: id.rawValue)")
            .first().map(Self.account(from:))
    }

    public func account(phone: PhoneNumber) async throws -> Account? {
        try await sql.raw("SELECT \(unsafeRaw: Self.accountColumns) FROM accounts WHERE phone = \(bind: phone.e164)")
            .first().map(Self.account(from:))
    }

    public func accounts(_ ids: [AccountID]) async throws -> [AccountID: Account] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.accountColumns) FROM accounts
            WHERE id IN \(Self.ids(ids))
            """).all()
        return Dictionary(uniqueKeysWithValues: try rows.map { let a = try Self.account(from: $0); return (a.id, a) })
    }

    /// The account with `phone`, created (with `name`, if given) when there is none.
    /// An existing account without a name gets `name`; a named one keeps its own.
    public func findOrCreateAccount(phone: PhoneNumber, name: PersonName?, now: Date) async throws -> Account {
        if var existing = try await account(phone: phone) {
            if let name, existing.name.isEmpty {
                try await setAccountName(existing.id, name)
                existing.name = name
            }
            return existing
        }
        let name = name ?? .empty
        let row = try await sql.raw("""
            INSERT INTO accounts (phone, surname, given_name, patronymic, created_at)
            VALUES (\(bind: phone.e164), \(bind: name.surname), \(bind: name.givenName), \(bind: name.patronymic), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.accountColumns)
            """).first()
        return try Self.account(from: row!)
    }

    public func setAccountName(_ id: AccountID, _ name: PersonName) async throws {
        try await sql.raw("""
            UPDATE accounts SET surname = \(bind: name.surname), given_name = \(bind: name.givenName),
                patronymic = \(bind: name.patronymic)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    public func recordSignIn(_ id: AccountID, now: Date) async throws {
        try await sql.raw("""
            UPDATE accounts SET last_sign_in_at = \(bind: now.millis),
                first_sign_in_at = COALESCE(first_sign_in_at, \(bind: now.millis))
            WHERE id = \(bind: id.rawValue)
            """).run()
    }
}
