import Foundation
import Hummingbird
import Logging
import PartaApp
import PartaDomain

/// Roster imports over HTTP: the file is the request body. Problems answer 400 `import_invalid`
/// with `details.problems` (file, line, column, problem) and nothing written.
struct ImportRoutes {
    let parta: Parta
    let maxBytes: Int
    let spool: BodySpool

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.post("organizations/{id}/imports/csv", use: importCSV)
        api.post("organizations/{id}/imports/oneroster", use: importOneRoster)
    }

    struct ReportDTO: ResponseCodable {
        var dryRun: Bool
        var counts: [String: Int]
        var examples: [String: [String]]
        var warnings: [ImportProblem]
        var longestBatchMs: Double?

        init(_ report: ImportReport) {
            dryRun = report.dryRun
            counts = report.counts
            examples = report.examples
            warnings = report.warnings
            longestBatchMs = report.longestBatchMilliseconds
        }
    }

    static func tooLarge(_ limit: Int) -> PartaError {
        PartaError(.payloadTooLarge, code: "payload_too_large", message: "An import may be at most \(limit >> 20) MB.", details: ["max_bytes": .int(limit)])
    }

    /// The upload, streamed to a file of its own after the caller was let in; removed after `body`.
    func withUpload<T>(_ request: Request, context: PartaRequestContext, _ body: (URL) async throws -> T) async throws -> T {
        let file = try await spool.receive(request, context: context, limit: Int64(maxBytes), tooLarge: Self.tooLarge(maxBytes))
        defer { try? FileManager.default.removeItem(at: file) }
        return try await body(file)
    }

    /// POST /api/v1/organizations/{id}/imports/csv?kind=people|classes|assignments|guardians&dry_run=true — one CSV file as the body.
    @Sendable func importCSV(_ request: Request, context: PartaRequestContext) async throws -> ReportDTO {
        let caller = try context.caller()
        let organization = try context.id("id", OrganizationID.self, what: "The organization")
        var kind: RosterCSV.Kind?
        if let raw = request.queryString("kind") {
            guard let parsed = RosterCSV.Kind(rawValue: raw) else {
                throw PartaError.invalid("invalid_query", "kind is one of people, classes, assignments, guardians.")
            }
            kind = parsed
        }
        let name = request.queryString("name") ?? "\(kind?.rawValue ?? "roster").csv"
        let dryRun = try request.queryBool("dry_run") ?? false
        let report = try await parta.withImportSlot(caller, organization: organization) {
            try await withUpload(request, context: context) { file in
                let bytes = try await parta.readImportFile(file)
                return try await parta.importCSV(
                    caller, organization: organization, files: [ImportFile(name: name, bytes: bytes, kind: kind)], dryRun: dryRun)
            }
        }
        return ReportDTO(report)
    }

    /// POST /api/v1/organizations/{id}/imports/oneroster?school=&dry_run=true — a zip of the bulk CSV files as the body.
    @Sendable func importOneRoster(_ request: Request, context: PartaRequestContext) async throws -> ReportDTO {
        let caller = try context.caller()
        let organization = try context.id("id", OrganizationID.self, what: "The organization")
        let school = request.queryString("school")
        let dryRun = try request.queryBool("dry_run") ?? false
        let report = try await parta.withImportSlot(caller, organization: organization) {
            try await withUpload(request, context: context) { file in
                try await parta.importOneRoster(
                    caller, organization: organization, files: try await parta.unzipImport(file), school: school, dryRun: dryRun)
            }
        }
        return ReportDTO(report)
    }
}
