import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import PartaApp
import PartaDomain
import PartaXLSX

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
    var provisional: Bool
    var level: StatisticsPage.Level
    var id: Int64?
    var name: String
    var total: Figures
    var rows: [Row]
    var municipalityTotal: Figures?
    var weeks: [StatisticsWeek]
    var trend: [TrendPoint]
    var trail: [Place]

    struct TrendPoint: Codable, Sendable {
        var week: StatisticsWeek
        var figures: Figures
    }

    struct Place: Codable, Sendable {
        var level: StatisticsPage.Level
        var id: Int64?
        var name: String
    }

    init(_ page: StatisticsPage) {
        week = page.week
        asOf = page.asOf
        provisional = page.provisional
        level = page.level
        id = page.id
        name = page.name
        total = page.total
        rows = page.rows.map { Row(id: $0.id, name: $0.name, figures: $0.figures) }
        municipalityTotal = page.municipalityTotal
        weeks = page.weeks
        trend = page.trend.map { TrendPoint(week: $0.week, figures: $0.figures) }
        trail = page.trail.map { Place(level: $0.level, id: $0.id, name: $0.name) }
    }
}

/// Statistics (SPEC §8): weekly snapshots for the platform, a region, a municipality, a school;
/// `?week=2026-W48` (the latest snapshot by default; `now` for a provisional page counted on demand).
struct StatisticsRoutes {
    let parta: Parta
    /// Where spreadsheets are written before they are sent (libxlsxwriter writes files).
    let exports: BodySpool

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("statistics", use: platform)
        api.get("statistics/regions/{region_id}", use: region)
        api.get("statistics/municipalities/{municipality_id}", use: municipality)
        api.get("statistics/organizations/{id}", use: organization)
    }

    /// The page as JSON; with `?format=csv` the page's table as CSV for Russian Excel, with
    /// `?format=xlsx` a workbook with a sheet per level down to the schools (the same numbers).
    func page(_ request: Request, _ context: PartaRequestContext, _ level: StatisticsPage.Level, id: Int64?) async throws -> Response {
        let format = request.queryString("format") ?? "json"
        guard ["json", "csv", "xlsx"].contains(format) else {
            throw PartaError.invalid("invalid_format", "format is json, csv or xlsx.", details: ["field": .string("format")])
        }
        let caller = try context.caller()
        let week = request.queryString("week")
        switch format {
        case "csv":
            let page = try await parta.statistics(caller, level: level, id: id, week: week)
            let csv = StatisticsExport.csv(week: page.week, rows: page.rows.map { ($0.name, $0.figures) }, total: (page.name, page.total))
            return download(ByteBuffer(string: csv), type: "text/csv; charset=utf-8",
                            file: StatisticsExport.fileName(week: page.week, level: level.rawValue, id: id, extension: "csv"))
        case "xlsx":
            let (page, sheets) = try await parta.statisticsSheets(caller, level: level, id: id, week: week)
            try FileManager.default.createDirectory(at: exports.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let workbook = XLSXWorkbook(title: "\(page.name), \(page.week)", statistics: sheets)
            let directory = exports.directory
            let data = try await NIOThreadPool.singleton.runIfActive { try workbook.data(directory: directory) }
            return download(ByteBuffer(bytes: data), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            file: StatisticsExport.fileName(week: page.week, level: level.rawValue, id: id, extension: "xlsx"))
        default:
            return try StatisticsPageDTO(try await parta.statistics(caller, level: level, id: id, week: week)).response(from: request, context: context)
        }
    }

    func download(_ body: ByteBuffer, type: String, file: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(file)\"", .cacheControl: "private, no-store"],
            body: ResponseBody(byteBuffer: body))
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
