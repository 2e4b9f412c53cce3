import Logging
public import PartaDomain
import PartaStore

extension Parta {
    /// The audit log, newest first: one organization's (its administrators and operators) or the
    /// whole platform's (operators). Client addresses only for operators (`viewClientAddresses`).
    public func auditLog(
        _ caller: Caller, organization: OrganizationID?, action: AuditAction?, page: PageRequest
    ) async throws -> Page<AuditEntry> {
        try await database.read { store in
            if let organization {
                guard try await store.organization(organization) != nil else { throw PartaError.notFound("The organization") }
                try await authorize(caller, .readAuditLog(organization), in: store)
            } else {
                try await authorize(caller, .readPlatformAuditLog, in: store)
            }
            var entries = try await store.auditLog(organization: organization, action: action, page: page)
            if try await !authorize(caller, .viewClientAddresses, orDeny: store) {
                for index in entries.items.indices { entries.items[index].clientAddress = "" }
            }
            return entries
        }
    }
}
