public import Foundation
public import PartaDomain
import SQLKit

/// A roster event as recorded, in order per organization.
public struct RecordedRosterEvent: Sendable, Equatable {
    public var id: Int64
    public var organizationID: OrganizationID
    public var at: Date
    public var event: RosterEvent
}

extension Store {
    /// Records events in the transaction of the change that produced them.
    public func appendRosterEvents(_ events: [RosterEvent], organization: OrganizationID, now: Date) async throws {
        guard !events.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for chunk in events.chunked(200) {
            let rows = try chunk.map { event in
                SQLGroupExpression([
                    SQLBind(organization.rawValue), SQLBind(now.millis), SQLBind(event.kind),
                    SQLBind(String(decoding: try encoder.encode(event), as: UTF8.self)),
                ])
            }
            try await sql.raw("INSERT INTO roster_events (organization_id, at, kind, payload) VALUES \(SQLList(rows))").run()
        }
    }

    /// Events after `after` (an event id), oldest first.
    public func rosterEvents(of organization: OrganizationID, after: Int64 = 0, limit: Int = 1000) async throws -> [RecordedRosterEvent] {
        let rows = try await sql.raw("""
            SELECT id, organization_id, at, payload FROM roster_events
            WHERE organization_id = \(bind: organization.rawValue) AND id > \(bind: after) ORDER BY id LIMIT \(bind: limit)
            """).all()
        let decoder = JSONDecoder()
        return try rows.map { row in
            RecordedRosterEvent(
                id: try row.int64("id"), organizationID: try row.id("organization_id"), at: try row.date("at"),
                event: try decoder.decode(RosterEvent.self, from: Data(try row.string("payload").utf8)))
        }
    }
}
