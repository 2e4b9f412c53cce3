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
    /// The snapshot's moment.
    public var asOf: Date
    public var level: Level
    public var id: Int64?
    public var name: String
    public var total: Figures
    public var rows: [Row]
    /// For a school: its municipality's total (to compare with the average school), no names.
    public var municipalityTotal: Figures?
    /// The weeks with a snapshot, newest first.
    public var weeks: [StatisticsWeek]
}

/// Reading snapshots (SPEC §8), with `StatisticsAccess` deciding who reads what.
extension Parta {
    public func statistics(_ caller: Caller, level: StatisticsPage.Level, id: Int64?, week rawWeek: String?) async throws -> StatisticsPage {
        let requested = try rawWeek.map { try StatisticsWeek.parse($0) }
        return try await database.read { store in
            let roles = try await actorRoles(caller, in: store)
            // Where the page sits: an unknown id is 404 before any rule is read.
            let scope: StatisticsScope
            var name = "Российская Федерация"
            switch level {
            case .platform:
                scope = .platform
            case .region:
                guard let id, let region = try await store.region(RegionID(rawValue: id)) else { throw PartaError.notFound("The region") }
                scope = .region(region.id)
                name = region.name
            case .municipality:
                guard let id, let municipality = try await store.municipality(MunicipalityID(rawValue: id)) else {
                    throw PartaError.notFound("The municipality")
                }
                scope = .municipality(municipality.id, region: municipality.regionID)
                name = municipality.name
            case .organization:
                guard let id, let org = try await store.organization(OrganizationID(rawValue: id)) else { throw PartaError.notFound("The organization") }
                scope = .organization(org.id, municipality: org.municipalityID, region: org.regionID)
                name = org.profile.shortName.isEmpty ? org.profile.fullName : org.profile.shortName
            }
            try StatisticsAccess.decide(roles, scope).check()

            let snapshots = try await store.snapshots()
            guard let snapshot = requested.map({ week in snapshots.first { $0.week == week } }) ?? snapshots.first else {
                throw PartaError(.notFound, code: requested == nil ? "no_snapshot" : "not_found",
                                 message: requested == nil ? "No weekly snapshot has been taken yet." : "There is no snapshot of that week.")
            }
            let week = snapshot.week
            var page = StatisticsPage(
                week: week, asOf: snapshot.asOf, level: level, id: id, name: name, total: Figures(), rows: [], municipalityTotal: nil,
                weeks: snapshots.map(\.week))
            switch scope {
            case .platform:
                let all = try await store.snapshotFigures(week)
                page.total = Figures.total(all.map(\.figures))
                for (region, rows) in Dictionary(grouping: all, by: \.organization.region) {
                    page.rows.append(.init(id: region.rawValue, name: try await store.region(region)?.name ?? "—", figures: Figures.total(rows.map(\.figures))))
                }
            case .region(let region):
                let all = try await store.snapshotFigures(week, region: region)
                page.total = Figures.total(all.map(\.figures))
                for (municipality, rows) in Dictionary(grouping: all, by: \.organization.municipality) {
                    page.rows.append(.init(
                        id: municipality.rawValue, name: try await store.municipality(municipality)?.name ?? "—", figures: Figures.total(rows.map(\.figures))))
                }
            case .municipality(let municipality, _):
                let all = try await store.snapshotFigures(week, municipality: municipality)
                page.total = Figures.total(all.map(\.figures))
                for row in all {
                    let org = try await store.organization(row.organization.id)
                    page.rows.append(.init(id: row.organization.id.rawValue, name: org.map { $0.profile.shortName.isEmpty ? $0.profile.fullName : $0.profile.shortName } ?? "—",
                                           figures: row.figures))
                }
            case .organization(let organization, let municipality, _):
                let all = try await store.snapshotFigures(week, municipality: municipality)
                guard let mine = all.first(where: { $0.organization.id == organization }) else {
                    throw PartaError(.notFound, code: "not_in_snapshot", message: "The organization was not registered when that week's snapshot was taken.")
                }
                page.total = mine.figures
                page.municipalityTotal = Figures.total(all.map(\.figures))
            }
            page.rows.sort { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
            return page
        }
    }
}
