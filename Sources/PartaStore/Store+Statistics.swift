public import Foundation
public import PartaDomain
import SQLKit

/// An organization's roster as statistics need it: who, in which role, active, linked; the
/// students' enrollment periods and the guardianships (for who stands at the snapshot).
public struct StatisticsRoster: Sendable {
    public var persons: [(id: RosterPersonID, role: RosterRole, active: Bool, linked: Bool)]
    public var periods: [RosterPersonID: [EnrollmentPeriod]]
    public var children: [RosterPersonID: [RosterPersonID]]
}

/// A week's calls of an organization: how many of each kind started, people in them, minutes.
public struct StatisticsCalls: Sendable, Equatable {
    public var calls = 0
    public var distanceLessons = 0
    public var participants = 0
    public var minutes = 0

    public init() {}
}

/// The counts statistics read, per organization; every query is bounded by the organization and,
/// for activity, by the week (indexed ranges).
extension Store {
    public func statisticsRoster(of organization: OrganizationID) async throws -> StatisticsRoster {
        let persons = try await sql.raw("""
            SELECT id, role, active, account_id FROM roster_persons WHERE organization_id = \(bind: organization.rawValue) ORDER BY id
            """).all().map {
            (id: try $0.id("id") as RosterPersonID, role: RosterRole(rawValue: try $0.string("role")) ?? .student, active: try $0.bool("active"),
             linked: try $0.optionalInt64("account_id") != nil)
        }
        var periods: [RosterPersonID: [EnrollmentPeriod]] = [:]
        for row in try await sql.raw("""
            SELECT ep.student_id, ep.class_id, ep.start_date, ep.end_date FROM enrollment_periods ep
            JOIN roster_persons p ON p.id = ep.student_id WHERE p.organization_id = \(bind: organization.rawValue)
            """).all() {
            periods[try row.id("student_id"), default: []].append(
                EnrollmentPeriod(classID: try row.id("class_id"), start: try row.localDate("start_date"), end: try row.optionalLocalDate("end_date")))
        }
        var children: [RosterPersonID: [RosterPersonID]] = [:]
        for row in try await sql.raw("SELECT parent_id, student_id FROM guardianships WHERE organization_id = \(bind: organization.rawValue)").all() {
            children[try row.id("parent_id"), default: []].append(try row.id("student_id"))
        }
        return StatisticsRoster(persons: persons, periods: periods, children: children)
    }

    /// Every role held in the organization, verified or not.
    public func staffGrants(in organization: OrganizationID) async throws -> [StaffGrant] {
        try await sql.raw("SELECT account_id, role, verified FROM organization_roles WHERE organization_id = \(bind: organization.rawValue)")
            .all().compactMap { row in
                guard let role = OrganizationRole(rawValue: try row.string("role")) else { return nil }
                return StaffGrant(account: try row.id("account_id"), role: role, verified: try row.bool("verified"))
            }
    }

    /// The organization's chats that exist now, by type.
    public func chatCounts(in organization: OrganizationID) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT kind, COUNT(*) AS n FROM chats WHERE organization_id = \(bind: organization.rawValue) AND deleted_at IS NULL GROUP BY kind
            """).all() {
            counts[try row.string("kind")] = Int(try row.int64("n"))
        }
        return counts
    }

    /// Messages sent in `[from, to)`: per chat type and sender.
    public func messagesSent(in organization: OrganizationID, from: Date, to: Date) async throws -> [(chatKind: String, sender: AccountID, count: Int)] {
        try await sql.raw("""
            SELECT c.kind, m.sender_id, COUNT(*) AS n FROM chat_events e
            JOIN messages m ON m.chat_id = e.chat_id AND m.seq = e.seq
            JOIN chats c ON c.id = e.chat_id
            WHERE e.organization_id = \(bind: organization.rawValue) AND e.at >= \(bind: from.millis) AND e.at < \(bind: to.millis)
                AND e.kind = \(bind: ChatEvent.message.kind)
            GROUP BY c.kind, m.sender_id
            """).all().map { (try $0.string("kind"), try $0.id("sender_id"), Int(try $0.int64("n"))) }
    }

    /// Accounts whose read marker in one of the organization's chats moved in `[from, to)`.
    public func readers(in organization: OrganizationID, from: Date, to: Date) async throws -> Set<AccountID> {
        Set(try await sql.raw("""
            SELECT DISTINCT r.account_id FROM chat_reads r JOIN chats c ON c.id = r.chat_id
            WHERE r.at >= \(bind: from.millis) AND r.at < \(bind: to.millis) AND c.organization_id = \(bind: organization.rawValue)
            """).all().map { try $0.id("account_id") })
    }

    /// Invites created, and join requests accepted and rejected, in `[from, to)`.
    public func joiningCounts(in organization: OrganizationID, from: Date, to: Date) async throws -> (invites: Int, accepted: Int, rejected: Int) {
        let invites = try await sql.raw("""
            SELECT COUNT(*) AS n FROM invites WHERE organization_id = \(bind: organization.rawValue)
                AND created_at >= \(bind: from.millis) AND created_at < \(bind: to.millis)
            """).first()?.int64("n") ?? 0
        var decided: [String: Int] = [:]
        for row in try await sql.raw("""
            SELECT status, COUNT(*) AS n FROM join_requests WHERE organization_id = \(bind: organization.rawValue)
                AND decided_at >= \(bind: from.millis) AND decided_at < \(bind: to.millis) GROUP BY status
            """).all() {
            decided[try row.string("status")] = Int(try row.int64("n"))
        }
        return (Int(invites), decided["accepted"] ?? 0, decided["rejected"] ?? 0)
    }

    /// Calls started in `[from, to)`: chats' and meetings' calls, distance lessons' calls, the
    /// people in each (each once per call), and minutes of presence up to `until` for stays open then.
    public func callCounts(in organization: OrganizationID, from: Date, to: Date, until: Date) async throws -> StatisticsCalls {
        var counts = StatisticsCalls()
        for row in try await sql.raw("""
            SELECT kind, COUNT(*) AS n FROM calls WHERE organization_id = \(bind: organization.rawValue)
                AND started_at >= \(bind: from.millis) AND started_at < \(bind: to.millis) GROUP BY kind
            """).all() {
            let n = Int(try row.int64("n"))
            if try row.string("kind") == Call.Kind.distanceLesson.rawValue { counts.distanceLessons += n } else { counts.calls += n }
        }
        let stays = try await sql.raw("""
            SELECT p.call_id, p.account_id, p.joined_at, p.left_at FROM call_participants p JOIN calls c ON c.id = p.call_id
            WHERE c.organization_id = \(bind: organization.rawValue) AND c.started_at >= \(bind: from.millis) AND c.started_at < \(bind: to.millis)
            """).all()
        var people: Set<[Int64]> = []
        var milliseconds: Int64 = 0
        for row in stays {
            people.insert([try row.int64("call_id"), try row.int64("account_id")])
            let joined = try row.int64("joined_at")
            let left = min(try row.optionalInt64("left_at") ?? until.millis, until.millis)
            milliseconds += max(0, left - joined)
        }
        counts.participants = people.count
        counts.minutes = Int(milliseconds / 60_000)
        return counts
    }
}

/// An organization's place in the directory, for a snapshot's rows.
public struct StatisticsOrganization: Sendable, Equatable {
    public var id: OrganizationID
    public var municipality: MunicipalityID
    public var region: RegionID
}

/// Weekly snapshots: claimed by one node, then written and marked done.
extension Store {
    /// Every organization with its municipality and region.
    public func statisticsOrganizations() async throws -> [StatisticsOrganization] {
        try await sql.raw("""
            SELECT o.id, o.municipality_id, m.region_id FROM organizations o JOIN municipalities m ON m.id = o.municipality_id ORDER BY o.id
            """).all().map { StatisticsOrganization(id: try $0.id("id"), municipality: try $0.id("municipality_id"), region: try $0.id("region_id")) }
    }

    /// Claims `week`'s snapshot for this node until `until`: `true` when no node has it, or a
    /// node's claim ran out without finishing (it crashed). A week done is never claimed again.
    public func claimSnapshot(_ week: StatisticsWeek, token: String, asOf: Date, now: Date, until: Date) async throws -> Bool {
        try await sql.raw("""
            DELETE FROM statistics_weeks WHERE week = \(bind: week.description) AND state = 'taking' AND claimed_until <= \(bind: now.millis)
            """).run()
        return try await sql.raw("""
            INSERT INTO statistics_weeks (week, state, token, claimed_until, as_of)
            VALUES (\(bind: week.description), 'taking', \(bind: token), \(bind: until.millis), \(bind: asOf.millis))
            ON CONFLICT (week) DO NOTHING RETURNING week
            """).first() != nil
    }

    /// Writes an organization's figures of a claimed week (again: replaced).
    public func saveFigures(_ figures: Figures, week: StatisticsWeek, organization: StatisticsOrganization) async throws {
        let json = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
        try await sql.raw("""
            DELETE FROM statistics_figures WHERE week = \(bind: week.description) AND organization_id = \(bind: organization.id.rawValue)
            """).run()
        try await sql.raw("""
            INSERT INTO statistics_figures (week, organization_id, municipality_id, region_id, figures)
            VALUES (\(bind: week.description), \(bind: organization.id.rawValue), \(bind: organization.municipality.rawValue),
                \(bind: organization.region.rawValue), \(bind: json))
            """).run()
    }

    /// Marks a claimed week done; `false` when the claim was lost (another node took it over).
    public func finishSnapshot(_ week: StatisticsWeek, token: String, now: Date) async throws -> Bool {
        try await sql.raw("""
            UPDATE statistics_weeks SET state = 'done', taken_at = \(bind: now.millis)
            WHERE week = \(bind: week.description) AND token = \(bind: token) AND state = 'taking' RETURNING week
            """).first() != nil
    }

    /// The latest week whose snapshot is done.
    public func latestSnapshot() async throws -> StatisticsWeek? {
        let weeks = try await sql.raw("SELECT week FROM statistics_weeks WHERE state = 'done'").all().compactMap {
            try? StatisticsWeek.parse(try $0.string("week"))
        }
        return weeks.max()
    }

    /// The weeks with a snapshot, newest first, and when each was taken.
    public func snapshots() async throws -> [(week: StatisticsWeek, asOf: Date, takenAt: Date)] {
        try await sql.raw("SELECT week, as_of, taken_at FROM statistics_weeks WHERE state = 'done'").all().compactMap { row in
            guard let week = try? StatisticsWeek.parse(try row.string("week")), let taken = try row.optionalDate("taken_at") else { return nil }
            return (week, try row.date("as_of"), taken)
        }.sorted { $0.week > $1.week }
    }

    /// A done week's figures of the schools a page of `scope` reads (`StatisticsScope.reads`).
    public func snapshotFigures(_ week: StatisticsWeek, readFor scope: StatisticsScope) async throws
        -> [(organization: StatisticsOrganization, figures: Figures)]
    {
        switch scope {
        case .platform: try await snapshotFigures(week)
        case .region(let region): try await snapshotFigures(week, region: region)
        case .municipality(let municipality, _), .organization(_, let municipality, _): try await snapshotFigures(week, municipality: municipality)
        }
    }

    /// A done week's figures per organization, within a region or a municipality (or all).
    public func snapshotFigures(_ week: StatisticsWeek, region: RegionID? = nil, municipality: MunicipalityID? = nil) async throws
        -> [(organization: StatisticsOrganization, figures: Figures)]
    {
        var filter = SQLQueryString("f.week = \(bind: week.description) AND w.state = 'done'")
        if let region { filter = SQLQueryString("\(filter) AND f.region_id = \(bind: region.rawValue)") }
        if let municipality { filter = SQLQueryString("\(filter) AND f.municipality_id = \(bind: municipality.rawValue)") }
        return try await sql.raw("""
            SELECT f.organization_id, f.municipality_id, f.region_id, f.figures FROM statistics_figures f
            JOIN statistics_weeks w ON w.week = f.week WHERE \(filter) ORDER BY f.organization_id
            """).all().map { row in
            (StatisticsOrganization(id: try row.id("organization_id"), municipality: try row.id("municipality_id"), region: try row.id("region_id")),
             try JSONDecoder().decode(Figures.self, from: Data(try row.string("figures").utf8)))
        }
    }
}
