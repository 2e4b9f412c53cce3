public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    /// Takes the organization's import slot until `expiresAt`, unless another import holds it
    /// (a slot past its deadline is free again). `true` when taken.
    public func beginImportRun(_ organization: OrganizationID, token: String, now: Date, expiresAt: Date) async throws -> Bool {
        try await sql.raw("""
            DELETE FROM import_runs WHERE organization_id = \(bind: organization.rawValue) AND expires_at <= \(bind: now.millis)
            """).run()
        let rows = try await sql.raw("""
            INSERT INTO import_runs (organization_id, token, started_at, expires_at)
            VALUES (\(bind: organization.rawValue), \(bind: token), \(bind: now.millis), \(bind: expiresAt.millis))
            ON CONFLICT (organization_id) DO NOTHING RETURNING organization_id
            """).all()
        return !rows.isEmpty
    }

    /// Moves the deadline of the slot taken with `token`.
    public func extendImportRun(_ organization: OrganizationID, token: String, until date: Date) async throws {
        try await sql.raw("""
            UPDATE import_runs SET expires_at = \(bind: date.millis)
            WHERE organization_id = \(bind: organization.rawValue) AND token = \(bind: token)
            """).run()
    }

    /// Frees the slot taken with `token`.
    public func endImportRun(_ organization: OrganizationID, token: String) async throws {
        try await sql.raw("""
            DELETE FROM import_runs WHERE organization_id = \(bind: organization.rawValue) AND token = \(bind: token)
            """).run()
    }
}
