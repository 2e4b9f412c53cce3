public import Foundation
public import PartaDomain
import SQLKit

/// An integration API key as listed (never the key itself).
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var organizationID: OrganizationID
    public var name: String
    /// The first characters of the key, to tell keys apart.
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
}

/// A one-time code linking a roster person to whoever confirms it.
public struct StoredLinkCode: Sendable, Equatable {
    public var id: Int64
    public var organizationID: OrganizationID
    public var personID: RosterPersonID
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?
}

extension Store {
    // MARK: API keys

    static func apiKey(from row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.int64("id"), organizationID: try row.id("organization_id"), name: try row.string("name"),
            prefix: try row.string("prefix"), createdAt: try row.date("created_at"),
            lastUsedAt: try row.optionalDate("last_used_at"), revokedAt: try row.optionalDate("revoked_at"))
    }

    public func insertAPIKey(
        organization: OrganizationID, name: String, prefix: String, hash: String, createdBy: AccountID?, now: Date
    ) async throws -> APIKey {
        let row = try await sql.raw("""
            INSERT INTO api_keys (organization_id, name, prefix, key_hash, created_at, created_by)
            VALUES (\(bind: organization.rawValue), \(bind: name), \(bind: prefix), \(bind: hash), \(bind: now.millis), \(bind: createdBy?.rawValue))
            RETURNING id, organization_id, name, prefix, created_at, last_used_at, revoked_at
            """).first()
        return try Self.apiKey(from: row!)
    }

    public func apiKeys(of organization: OrganizationID) async throws -> [APIKey] {
        try await sql.raw("""
            SELECT id, organization_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
            WHERE organization_id = \(bind: organization.rawValue) ORDER BY id
            """).all().map(Self.apiKey(from:))
    }

    /// A live (not revoked) key by its hash.
    public func activeAPIKey(hash: String) async throws -> APIKey? {
        try await sql.raw("""
            SELECT id, organization_id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
            WHERE key_hash = \(bind: hash) AND revoked_at IS NULL
            """).first().map(Self.apiKey(from:))
    }

    /// Revokes a key of `organization`; `false` when it has no such live key.
    public func revokeAPIKey(_ id: Int64, of organization: OrganizationID, now: Date) async throws -> Bool {
        try await !sql.raw("""
            UPDATE api_keys SET revoked_at = \(bind: now.millis)
            WHERE id = \(bind: id) AND organization_id = \(bind: organization.rawValue) AND revoked_at IS NULL RETURNING id
            """).all().isEmpty
    }

    public func touchAPIKey(_ id: Int64, now: Date) async throws {
        try await sql.raw("UPDATE api_keys SET last_used_at = \(bind: now.millis) WHERE id = \(bind: id)").run()
    }

    // MARK: Link codes

    public func insertLinkCode(
        organization: OrganizationID, person: RosterPersonID, hash: String, now: Date, expiresAt: Date
    ) async throws {
        try await sql.raw("""
            INSERT INTO link_codes (organization_id, person_id, code_hash, created_at, expires_at)
            VALUES (\(bind: organization.rawValue), \(bind: person.rawValue), \(bind: hash), \(bind: now.millis), \(bind: expiresAt.millis))
            """).run()
    }

    /// Ends a person's unused codes that still work: a new code replaces them (a card printed again,
    /// a code shown again), so only the newest one handed out links the person.
    public func expireLinkCodes(of person: RosterPersonID, now: Date) async throws {
        try await sql.raw("""
            UPDATE link_codes SET expires_at = \(bind: now.millis)
            WHERE person_id = \(bind: person.rawValue) AND used_at IS NULL AND expires_at > \(bind: now.millis)
            """).run()
    }

    public func linkCode(hash: String) async throws -> StoredLinkCode? {
        try await sql.raw("""
            SELECT id, organization_id, person_id, created_at, expires_at, used_at FROM link_codes WHERE code_hash = \(bind: hash)
            """).first().map { row in
            StoredLinkCode(
                id: try row.int64("id"), organizationID: try row.id("organization_id"), personID: try row.id("person_id"),
                createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"), usedAt: try row.optionalDate("used_at"))
        }
    }

    /// Marks a code used; `false` when someone used it first, or it expired or was replaced meanwhile.
    public func useLinkCode(_ id: Int64, by account: AccountID, now: Date) async throws -> Bool {
        try await !sql.raw("""
            UPDATE link_codes SET used_at = \(bind: now.millis), used_by = \(bind: account.rawValue)
            WHERE id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: now.millis) RETURNING id
            """).all().isEmpty
    }
}
