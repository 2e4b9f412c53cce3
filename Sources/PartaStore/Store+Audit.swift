public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    public func appendAudit(
        at: Date, actorAccountID: AccountID?, actorLabel: String, action: AuditAction, organizationID: OrganizationID?,
        targetType: String, targetID: String, clientAddress: String, details: [String: String]
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(details), as: UTF8.self)
        try await sql.raw("""
            INSERT INTO audit_log (at, actor_account_id, actor_label, action, organization_id, target_type, target_id,
                client_address, details)
            VALUES (\(bind: at.millis), \(bind: actorAccountID?.rawValue), \(bind: actorLabel), \(bind: action.rawValue),
                \(bind: organizationID?.rawValue), \(bind: targetType), \(bind: targetID), \(bind: clientAddress), \(bind: json))
            """).run()
    }

    /// Newest first; one organization's entries, or every entry when `organization` is `nil`.
    public func auditLog(organization: OrganizationID?, action: AuditAction?, page: PageRequest) async throws -> Page<AuditEntry> {
        var conditions: [any SQLExpression] = [SQLRaw("1 = 1")]
        if let organization { conditions.append(SQLQueryString("organization_id = \(bind: organization.rawValue)")) }
        if let action { conditions.append(SQLQueryString("action = \(bind: action.rawValue)")) }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT id, at, actor_account_id, actor_label, action, organization_id, target_type, target_id, client_address, details
            FROM audit_log WHERE \(predicate) ORDER BY id DESC LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        let decoder = JSONDecoder()
        let entries = try rows.map { row in
            AuditEntry(
                id: try row.id("id"), at: try row.date("at"), actorAccountID: try row.optionalID("actor_account_id"),
                actorLabel: try row.string("actor_label"),
                action: AuditAction(rawValue: try row.string("action")) ?? .memberAttached,
                organizationID: try row.optionalID("organization_id"),
                targetType: try row.string("target_type"), targetID: try row.string("target_id"),
                clientAddress: try row.string("client_address"),
                details: (try? decoder.decode([String: String].self, from: Data(try row.string("details").utf8))) ?? [:])
        }
        return Page(items: entries, page: page.page, perPage: page.perPage, total: total)
    }
}
