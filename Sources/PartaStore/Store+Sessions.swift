public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    static let sessionColumns = "id, account_id, device_name, user_agent, client_address, created_at, last_used_at"

    static func session(from row: any SQLRow) throws -> Session {
        Session(
            id: try row.id("id"), accountID: try row.id("account_id"),
            deviceName: try row.string("device_name"), userAgent: try row.string("user_agent"),
            clientAddress: try row.string("client_address"),
            createdAt: try row.date("created_at"), lastUsedAt: try row.date("last_used_at"))
    }

    public func createSession(
        account: AccountID, tokenHash: String, deviceName: String, userAgent: String, clientAddress: String, now: Date
    ) async throws -> Session {
        let row = try await sql.raw("""
            INSERT INTO sessions (account_id, token_hash, device_name, user_agent, client_address, created_at, last_used_at)
            VALUES (\(bind: account.rawValue), \(bind: tokenHash), \(bind: deviceName), \(bind: userAgent),
                    \(bind: clientAddress), \(bind: now.millis), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.sessionColumns)
            """).first()
        return try Self.session(from: row!)
    }

    public func session(tokenHash: String) async throws -> Session? {
        try await sql.raw("SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions WHERE token_hash = \(bind: tokenHash)")
            .first().map(Self.session(from:))
    }

    public func sessions(of account: AccountID) async throws -> [Session] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.sessionColumns) FROM sessions
            WHERE account_id = \(bind: account.rawValue) ORDER BY last_used_at DESC, id DESC
            """).all().map(Self.session(from:))
    }

    public func touchSession(_ id: SessionID, now: Date) async throws {
        try await sql.raw("UPDATE sessions SET last_used_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue)").run()
    }

    /// Deletes one session of `account`; `false` when it has no such session.
    public func deleteSession(_ id: SessionID, of account: AccountID) async throws -> Bool {
        let rows = try await sql.raw("""
            DELETE FROM sessions WHERE id = \(bind: id.rawValue) AND account_id = \(bind: account.rawValue) RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Deletes every session of `account` except `keep`; returns how many.
    public func deleteSessions(of account: AccountID, except keep: SessionID?) async throws -> Int {
        let rows = try await sql.raw("""
            DELETE FROM sessions WHERE account_id = \(bind: account.rawValue) AND id <> \(bind: keep?.rawValue ?? 0)
            RETURNING id
            """).all()
        return rows.count
    }

    /// Deletes sessions unused since `cutoff`.
    public func deleteIdleSessions(before cutoff: Date) async throws -> Int {
        try await sql.raw("DELETE FROM sessions WHERE last_used_at < \(bind: cutoff.millis) RETURNING id").all().count
    }
}

extension Store {
    /// The session with `tokenHash` and its account, in one query (every authenticated request).
    public func sessionWithAccount(tokenHash: String) async throws -> (Session, Account)? {
        guard let row = try await sql.raw("""
            SELECT s.id, s.account_id, s.device_name, s.user_agent, s.client_address, s.created_at, s.last_used_at,
                a.phone, a.surname, a.given_name, a.patronymic, a.created_at AS account_created_at,
                a.first_sign_in_at, a.last_sign_in_at
            FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = \(bind: tokenHash)
            """).first()
        else { return nil }
        let session = try Self.session(from: row)
        let account = Account(
            id: session.accountID, phone: PhoneNumber(e164: try row.string("phone")),
            name: PersonName(
                surname: try row.string("surname"), givenName: try row.string("given_name"),
                patronymic: try row.string("patronymic")),
            createdAt: try row.date("account_created_at"),
            firstSignInAt: try row.optionalDate("first_sign_in_at"), lastSignInAt: try row.optionalDate("last_sign_in_at"))
        return (session, account)
    }
}
