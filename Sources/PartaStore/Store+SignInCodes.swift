public import Foundation
public import PartaDomain
import SQLKit

/// A sign-in code as stored: its hash, never the digits.
public struct StoredSignInCode: Sendable, Equatable {
    public var id: Int64
    public var codeHash: String
    public var issued: SignInPolicy.IssuedCode
}

extension Store {
    /// Times of codes requested for `phone` and from `address` since `since`, for the rate limits.
    public func codeRequestHistory(phone: PhoneNumber, address: String, since: Date) async throws -> (phone: [Date], address: [Date]) {
        let byPhone = try await sql.raw("""
            SELECT created_at FROM sign_in_codes WHERE phone = \(bind: phone.e164) AND created_at > \(bind: since.millis)
            """).all().map { try $0.date("created_at") }
        let byAddress = try await sql.raw("""
            SELECT created_at FROM sign_in_codes
            WHERE client_address = \(bind: address) AND created_at > \(bind: since.millis)
            """).all().map { try $0.date("created_at") }
        return (byPhone, byAddress)
    }

    public func insertSignInCode(phone: PhoneNumber, address: String, codeHash: String, now: Date, expiresAt: Date) async throws -> Int64 {
        try await sql.raw("""
            INSERT INTO sign_in_codes (phone, client_address, code_hash, created_at, expires_at, attempts)
            VALUES (\(bind: phone.e164), \(bind: address), \(bind: codeHash), \(bind: now.millis), \(bind: expiresAt.millis), 0)
            RETURNING id
            """).first()!.int64("id")
    }

    /// The newest code issued for `phone`: the only one that can still be used.
    public func latestSignInCode(phone: PhoneNumber) async throws -> StoredSignInCode? {
        guard let row = try await sql.raw("""
            SELECT id, code_hash, created_at, expires_at, attempts, used_at FROM sign_in_codes
            WHERE phone = \(bind: phone.e164) ORDER BY created_at DESC, id DESC LIMIT 1
            """).first()
        else { return nil }
        return StoredSignInCode(
            id: try row.int64("id"), codeHash: try row.string("code_hash"),
            issued: .init(
                issuedAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
                attempts: try row.int("attempts"), used: try row.optionalInt64("used_at") != nil))
    }

    public func countWrongSignInAttempt(_ id: Int64) async throws {
        try await sql.raw("UPDATE sign_in_codes SET attempts = attempts + 1 WHERE id = \(bind: id)").run()
    }

    /// Marks a code used; `false` if someone used it first (concurrent verification).
    public func markSignInCodeUsed(_ id: Int64, now: Date) async throws -> Bool {
        try await !sql.raw("""
            UPDATE sign_in_codes SET used_at = \(bind: now.millis) WHERE id = \(bind: id) AND used_at IS NULL RETURNING id
            """).all().isEmpty
    }

    /// Drops a code that could not be delivered, so it neither works nor counts against the limits.
    public func deleteSignInCode(_ id: Int64) async throws {
        try await sql.raw("DELETE FROM sign_in_codes WHERE id = \(bind: id)").run()
    }

    /// Deletes codes older than `cutoff`: past every rate-limit window and long expired.
    public func deleteSignInCodes(before cutoff: Date) async throws -> Int {
        try await sql.raw("DELETE FROM sign_in_codes WHERE created_at < \(bind: cutoff.millis) RETURNING id").all().count
    }
}
