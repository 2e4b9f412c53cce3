import Foundation
import Hummingbird
import NIOCore
import PartaApp
import PartaDomain

/// A statistics page as JSON: the week and its moment, the territory or school, its total, a row
/// per child to drill down to, and the weeks there are snapshots of.
struct StatisticsPageDTO: ResponseCodable {
    struct Row: Codable, Sendable {
        var id: Int64
        var name: String
        var figures: Figures
    }

    var week: StatisticsWeek
    var asOf: Date
    var level: StatisticsPage.Level
    var id: Int64?
    var name: String
    var total: Figures
    var rows: [Row]
    var municipalityTotal: Figures?
    var weeks: [StatisticsWeek]

    init(_ page: StatisticsPage) {
        week = page.week
        asOf = page.asOf
        level = page.level
        id = page.id
        name = page.name
        total = page.total
        rows = page.rows.map { Row(id: $0.id, name: $0.name, figures: $0.figures) }
        municipalityTotal = page.municipalityTotal
        weeks = page.weeks
    }
}

/// Statistics (SPEC §8): weekly snapshots for the platform, a region, a municipality, a school;
/// `?week=2026-W48` (the latest snapshot by default).
struct StatisticsRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("statistics", use: platform)
        api.get("statistics/regions/{region_id}", use: region)
        api.get("statistics/municipalities/{municipality_id}", use: municipality)
        api.get("statistics/organizations/{id}", use: organization)
    }

    /// The page as JSON, or with `?format=csv` as a CSV file for Russian Excel (the same numbers).
    func page(_ request: Request, _ context: PartaRequestContext, _ level: StatisticsPage.Level, id: Int64?) async throws -> Response {
        let format = request.queryString("format") ?? "json"
        guard format == "json" || format == "csv" else {
            throw PartaError.invalid("invalid_format", "format is json or csv.", details: ["field": .string("format")])
        }
        let page = try await parta.statistics(try context.caller(), level: level, id: id, week: request.queryString("week"))
        guard format == "csv" else { return try StatisticsPageDTO(page).response(from: request, context: context) }
        let csv = StatisticsExport.csv(week: page.week, rows: page.rows.map { ($0.name, $0.figures) }, total: (page.name, page.total))
        let file = "statistics-\(page.week)-\(level.rawValue)\(id.map { "-\($0)" } ?? "").csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(file)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
    }

    func id(_ context: PartaRequestContext, _ name: String, _ what: String) throws -> Int64 {
        guard let raw = context.parameters.get(name), let id = Int64(raw), id > 0 else { throw PartaError.notFound(what) }
        return id
    }

    /// GET /api/v1/statistics — the platform: the operator.
    @Sendable func platform(_ request: Request, context: PartaRequestContext) async throws -> Response {
        try await page(request, context, .platform, id: nil)
    }

    /// GET /api/v1/statistics/regions/{region_id} — the operator, the region's officers.
    @Sendable func region(_ request: Request, context: PartaRequestContext) async throws -> Response {
        try await page(request, context, .region, id: try id(context, "region_id", "The region"))
    }

    /// GET /api/v1/statistics/municipalities/{municipality_id} — and the municipality's officers.
    @Sendable func municipality(_ request: Request, context: PartaRequestContext) async throws -> Response {
        try await page(request, context, .municipality, id: try id(context, "municipality_id", "The municipality"))
    }

    /// GET /api/v1/statistics/organizations/{id} — and the school's administrators.
    @Sendable func organization(_ request: Request, context: PartaRequestContext) async throws -> Response {
        try await page(request, context, .organization, id: try id(context, "id", "The organization"))
    }
}
