public import Foundation
public import PartaDomain
import PartaStore

/// A statistics page: a week's figures for a territory or a school — its total and a row per
/// child (regions, municipalities or schools) so an officer drills down and back.
public struct StatisticsPage: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var figures: Figures
    }

    public enum Level: String, Sendable, Codable {
        case platform, region, municipality, organization
    }

    public var week: StatisticsWeek
    /// The snapshot's moment (for a provisional page: when it was counted).
    public var asOf: Date
    /// Counted on demand for "where do we stand now", not a stored weekly snapshot.
    public var provisional: Bool
    public var level: Level
    public var id: Int64?
    public var name: String
    public var total: Figures
    public var rows: [Row]
    /// For a school: its municipality's total (to compare with the average school), no names.
    public var municipalityTotal: Figures?
    /// The weeks with a snapshot, newest first.
    public var weeks: [StatisticsWeek]
    /// The page's total in the weeks up to its own (at most `trendWeeks`), oldest first: the trend.
    public var trend: [TrendPoint] = []
    /// The territories above the page, from the platform down (to go back up).
    public var trail: [Place] = []

    public struct TrendPoint: Sendable, Equatable {
        public var week: StatisticsWeek
        public var figures: Figures
    }

    public struct Place: Sendable, Equatable {
        public var level: Level
        public var id: Int64?
        public var name: String
    }

    /// How many weeks a trend shows.
    public static let trendWeeks = 12
}

/// Reading snapshots (SPEC §8), with `StatisticsAccess` deciding who reads what.
extension Parta {
    /// The value of `week` that asks for a provisional page counted now.
    public static let provisionalWeek = "now"

    /// The page of `level`/`id` for `week` (`2026-W48`; the latest snapshot when nil; `now` for a
    /// provisional page counted on demand, rate-limited per account).
    public func statistics(_ caller: Caller, level: StatisticsPage.Level, id: Int64?, week rawWeek: String?) async throws -> StatisticsPage {
        try await statisticsData(caller, level: level, id: id, week: rawWeek).page
    }

    /// The page and the figures of every organization it was made of.
    func statisticsData(_ caller: Caller, level: StatisticsPage.Level, id: Int64?, week rawWeek: String?) async throws
        -> (page: StatisticsPage, scope: StatisticsScope, figures: [(organization: StatisticsOrganization, figures: Figures)])
    {
        let provisional = rawWeek == Self.provisionalWeek
        let requested = provisional ? nil : try rawWeek.map { try StatisticsWeek.parse($0) }
        let (scope, name, trail) = try await database.read { store in
            let place = try await Self.place(level, id, in: store)
            try StatisticsAccess.decide(try await actorRoles(caller, in: store), place.scope).check()
            return place
        }
        let snapshots = try await database.read { try await $0.snapshots() }
        var page: StatisticsPage
        var figures: [(organization: StatisticsOrganization, figures: Figures)]
        if provisional {
            if let account = caller.accountID { try admit(.statisticsNow, account.rawValue) }
            let now = clock.now()
            let week = StatisticsWeek.containing(now)
            page = StatisticsPage(week: week, asOf: now, provisional: true, level: level, id: id, name: name, total: Figures(), rows: [],
                                  municipalityTotal: nil, weeks: snapshots.map(\.week))
            let organizations = try await database.read { try await $0.statisticsOrganizations() }
                .filter { scope.reads(municipality: $0.municipality, region: $0.region) }
            figures = try await countFigures(organizations, week: week, asOf: now, earlier: snapshots.first?.week)
        } else {
            guard let snapshot = requested.map({ week in snapshots.first { $0.week == week } }) ?? snapshots.first else {
                throw PartaError(.notFound, code: requested == nil ? "no_snapshot" : "not_found",
                                 message: requested == nil ? "No weekly snapshot has been taken yet." : "There is no snapshot of that week.")
            }
            page = StatisticsPage(week: snapshot.week, asOf: snapshot.asOf, provisional: false, level: level, id: id, name: name,
                                  total: Figures(), rows: [], municipalityTotal: nil, weeks: snapshots.map(\.week))
            figures = try await database.read { try await $0.snapshotFigures(snapshot.week, readFor: scope) }
        }
        page.trail = trail
        try await database.read { store in
            try await Self.fill(&page, scope: scope, with: figures, in: store)
            // The trend: the same total in the snapshots before (a provisional page: and now).
            for week in snapshots.map(\.week).filter({ $0 <= page.week && !($0 == page.week && page.provisional) }).prefix(StatisticsPage.trendWeeks).reversed() {
                let rows = week == page.week ? figures : try await store.snapshotFigures(week, readFor: scope)
                page.trend.append(.init(week: week, figures: Self.total(of: rows, in: scope)))
            }
            if page.provisional {
                page.trend = Array(page.trend.suffix(StatisticsPage.trendWeeks - 1)) + [.init(week: page.week, figures: page.total)]
            }
        }
        return (page, scope, figures)
    }

    /// A page as an export: a sheet per level from the page's down to the schools (a school's
    /// administrator: their school beside their municipality's total, no other school's name).
    public func statisticsSheets(_ caller: Caller, level: StatisticsPage.Level, id: Int64?, week: String?) async throws
        -> (page: StatisticsPage, sheets: [StatisticsExport.Sheet])
    {
        let (page, scope, figures) = try await statisticsData(caller, level: level, id: id, week: week)
        let total = StatisticsExport.Line(name: page.name, figures: page.total)
        var sheets: [StatisticsExport.Sheet] = []
        try await database.read { store in
            let names = try await StatisticsNames.of(figures.map(\.organization), schools: true, in: store)
            func sorted(_ lines: [StatisticsExport.Line]) -> [StatisticsExport.Line] {
                lines.sorted { ($0.parent ?? "", $0.name) < ($1.parent ?? "", $1.name) }
            }
            func municipalityLines() -> [StatisticsExport.Line] {
                sorted(Dictionary(grouping: figures, by: \.organization.municipality).map { id, rows in
                    .init(name: names.of(id), parent: names.of(rows[0].organization.region), figures: Figures.total(rows.map(\.figures)))
                })
            }
            func schoolLines() -> [StatisticsExport.Line] {
                sorted(figures.map { .init(name: names.of($0.organization.id), parent: names.of($0.organization.municipality), figures: $0.figures) })
            }
            let rows = page.rows.map { StatisticsExport.Line(name: $0.name, figures: $0.figures) }
            switch scope {
            case .platform:
                sheets.append(.init(title: "Регионы", week: page.week, lines: rows, total: total))
                sheets.append(.init(title: "Муниципалитеты", week: page.week, lines: municipalityLines(), total: total))
                sheets.append(.init(title: "Школы", week: page.week, lines: schoolLines(), total: total))
            case .region:
                sheets.append(.init(title: "Муниципалитеты", week: page.week, lines: rows, total: total))
                sheets.append(.init(title: "Школы", week: page.week, lines: schoolLines(), total: total))
            case .municipality:
                sheets.append(.init(title: "Школы", week: page.week, lines: rows, total: total))
            case .organization(_, let id, _):
                // The school, and its municipality's schools together (no names but its own).
                let beside = page.municipalityTotal.map { StatisticsExport.Line(name: "\(names.of(id)) — все школы", figures: $0) }
                sheets.append(.init(title: "Школа", week: page.week, lines: [total], total: beside))
            }
        }
        return (page, sheets)
    }

    /// Where a page sits and its name; an unknown id is 404 before any rule is read.
    static func place(_ level: StatisticsPage.Level, _ id: Int64?, in store: Store) async throws
        -> (scope: StatisticsScope, name: String, trail: [StatisticsPage.Place])
    {
        let platform = StatisticsPage.Place(level: .platform, id: nil, name: "Российская Федерация")
        func region(_ id: RegionID) async throws -> StatisticsPage.Place {
            StatisticsPage.Place(level: .region, id: id.rawValue, name: try await store.region(id)?.name ?? "—")
        }
        switch level {
        case .platform:
            return (.platform, platform.name, [])
        case .region:
            guard let id, let region = try await store.region(RegionID(rawValue: id)) else { throw PartaError.notFound("The region") }
            return (.region(region.id), region.name, [platform])
        case .municipality:
            guard let id, let municipality = try await store.municipality(MunicipalityID(rawValue: id)) else {
                throw PartaError.notFound("The municipality")
            }
            return (.municipality(municipality.id, region: municipality.regionID), municipality.name, [platform, try await region(municipality.regionID)])
        case .organization:
            guard let id, let org = try await store.organization(OrganizationID(rawValue: id)) else { throw PartaError.notFound("The organization") }
            let municipality = StatisticsPage.Place(
                level: .municipality, id: org.municipalityID.rawValue, name: try await store.municipality(org.municipalityID)?.name ?? "—")
            return (.organization(org.id, municipality: org.municipalityID, region: org.regionID), org.displayName,
                    [platform, try await region(org.regionID), municipality])
        }
    }

    /// A scope's total of its organizations' rows (a school: its own row).
    static func total(of rows: [(organization: StatisticsOrganization, figures: Figures)], in scope: StatisticsScope) -> Figures {
        if case .organization(let organization, _, _) = scope { return rows.first { $0.organization.id == organization }?.figures ?? Figures() }
        return Figures.total(rows.map(\.figures))
    }

    /// Since which week each organization active in `week`'s snapshot had been active without a break.
    static func activeSince(in store: Store, week: StatisticsWeek) async throws -> [OrganizationID: StatisticsWeek] {
        var since: [OrganizationID: StatisticsWeek] = [:]
        for row in try await store.snapshotFigures(week) where row.figures.activeOrganizations == 1 {
            since[row.organization.id] = row.figures.activeSince ?? week
        }
        return since
    }

    /// The page's total and rows from its organizations' figures: the children of a territory
    /// summed, a school's own figures beside its municipality's total.
    static func fill(_ page: inout StatisticsPage, scope: StatisticsScope,
                     with all: [(organization: StatisticsOrganization, figures: Figures)], in store: Store) async throws {
        let listsSchools = if case .municipality = scope { true } else { false }
        let names = try await StatisticsNames.of(all.map(\.organization), schools: listsSchools, in: store)
        switch scope {
        case .platform:
            page.total = Figures.total(all.map(\.figures))
            for (region, rows) in Dictionary(grouping: all, by: \.organization.region) {
                page.rows.append(.init(id: region.rawValue, name: names.of(region), figures: Figures.total(rows.map(\.figures))))
            }
        case .region:
            page.total = Figures.total(all.map(\.figures))
            for (municipality, rows) in Dictionary(grouping: all, by: \.organization.municipality) {
                page.rows.append(.init(id: municipality.rawValue, name: names.of(municipality), figures: Figures.total(rows.map(\.figures))))
            }
        case .municipality:
            page.total = Figures.total(all.map(\.figures))
            page.rows = all.map { .init(id: $0.organization.id.rawValue, name: names.of($0.organization.id), figures: $0.figures) }
        case .organization(let organization, _, _):
            guard let mine = all.first(where: { $0.organization.id == organization }) else {
                throw PartaError(.notFound, code: "not_in_snapshot", message: "The organization was not registered when that week's snapshot was taken.")
            }
            page.total = mine.figures
            page.municipalityTotal = Figures.total(all.map(\.figures))
        }
        page.rows.sort { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
    }
}

/// The names of a page's places, read in a few queries (not one per row): regions,
/// municipalities and, where rows are schools, the schools.
struct StatisticsNames {
    var regions: [RegionID: String] = [:]
    var municipalities: [MunicipalityID: String] = [:]
    var organizations: [OrganizationID: String] = [:]

    static func of(_ rows: [StatisticsOrganization], schools: Bool, in store: Store) async throws -> StatisticsNames {
        var names = StatisticsNames()
        for region in try await store.regions() { names.regions[region.id] = region.name }
        for municipality in try await store.municipalities(Set(rows.map(\.municipality))) { names.municipalities[municipality.id] = municipality.name }
        if schools {
            for organization in try await store.organizations(rows.map(\.id)) { names.organizations[organization.id] = organization.displayName }
        }
        return names
    }

    func of(_ id: RegionID) -> String { regions[id] ?? "—" }
    func of(_ id: MunicipalityID) -> String { municipalities[id] ?? "—" }
    func of(_ id: OrganizationID) -> String { organizations[id] ?? "—" }
}
