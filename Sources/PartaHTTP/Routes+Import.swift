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

    func body(_ request: Request) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: maxBytes)
        return Array(buffer.readableBytesView)
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
        let report = try await parta.importCSV(
            caller, organization: organization, files: [ImportFile(name: name, bytes: try await body(request), kind: kind)],
            dryRun: try request.queryBool("dry_run") ?? false)
        return ReportDTO(report)
    }

    /// POST /api/v1/organizations/{id}/imports/oneroster?school=&dry_run=true — a zip of the bulk CSV files as the body.
    @Sendable func importOneRoster(_ request: Request, context: PartaRequestContext) async throws -> ReportDTO {
        let caller = try context.caller()
        let organization = try context.id("id", OrganizationID.self, what: "The organization")
        let files = try ImportFiles.unzip(Data(try await body(request)))
        let report = try await parta.importOneRoster(
            caller, organization: organization, files: files, school: request.queryString("school"),
            dryRun: try request.queryBool("dry_run") ?? false)
        return ReportDTO(report)
    }
}
