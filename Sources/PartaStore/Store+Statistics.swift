public import Foundation
public import PartaDomain
import SQLKit

/// An organization's roster as statistics need it: who, in which role, active, linked; the
/// students' enrollment periods and the guardianships (for who stands at the snapshot).
public struct StatisticsRoster: Sendable {
    public var persons: [(id: RosterPersonID, role: RosterRole, active: Bool, linked: Bool)] = []
    public var periods: [RosterPersonID: [EnrollmentPeriod]] = [:]
    public var children: [RosterPersonID: [RosterPersonID]] = [:]
}

/// A week's calls of an organization: how many of each kind started, people in them, minutes.
public struct StatisticsCalls: Sendable, Equatable {
    public var calls = 0
    public var distanceLessons = 0
    public var participants = 0
    public var minutes = 0

    public init() {}
}

/// What an organization's figures of a week are counted from: its roster, its roles, its chats,
/// and the week's activity.
public struct StatisticsFacts: Sendable {
    public var roster = StatisticsRoster()
    /// Every role held in the organization, verified or not.
    public var grants: [StaffGrant] = []
    public var administratorSignedIn = false
    /// Chats that exist now, by type.
    public var chats: [String: Int] = [:]
    /// Messages sent in the week, per chat type and sender.
    public var sent: [(chatKind: String, sender: AccountID, count: Int)] = []
    /// Accounts whose read marker in one of the organization's chats moved in the week.
    public var readers: Set<AccountID> = []
    public var invites = 0
    public var accepted = 0
    public var rejected = 0
    public var calls = StatisticsCalls()

    public init() {}
}

/// The facts statistics read, for a batch of organizations at once: one statement per kind of
/// fact for the whole batch (not one per school), each bounded by the organizations and, for
/// activity, by the week (indexed ranges), so a snapshot's cost follows the week, not history.
extension Store {
    /// The facts of `organizations` (at most 400) for `[from, to)`; call minutes count up to `until`.
    public func statisticsFacts(of organizations: [OrganizationID], from: Date, to: Date, until: Date) async throws
        -> [OrganizationID: StatisticsFacts]
    {
        precondition(organizations.count <= 400, "a batch binds its organizations")
        var facts = Dictionary(uniqueKeysWithValues: organizations.map { ($0, StatisticsFacts()) })
        guard !organizations.isEmpty else { return facts }
        let orgs = Self.ids(organizations)
        let (start, end) = (from.millis, to.millis)

        for row in try await sql.raw("""
            SELECT organization_id, id, role, active, account_id FROM roster_persons WHERE organization_id IN \(orgs) ORDER BY id
            """).all() {
            facts[try row.id("organization_id")]?.roster.persons.append(
                (id: try row.id("id"), role: RosterRole(rawValue: try row.string("role")) ?? .student, active: try row.bool("active"),
                 linked: try row.optionalInt64("account_id") != nil))
        }
        for row in try await sql.raw("""
            SELECT p.organization_id, ep.student_id, ep.class_id, ep.start_date, ep.end_date FROM enrollment_periods ep
            JOIN roster_persons p ON p.id = ep.student_id WHERE p.organization_id IN \(orgs)
            """).all() {
            facts[try row.id("organization_id")]?.roster.periods[try row.id("student_id"), default: []].append(
                EnrollmentPeriod(classID: try row.id("class_id"), start: try row.localDate("start_date"), end: try row.optionalLocalDate("end_date")))
        }
        for row in try await sql.raw("SELECT organization_id, parent_id, student_id FROM guardianships WHERE organization_id IN \(orgs)").all() {
            facts[try row.id("organization_id")]?.roster.children[try row.id("parent_id"), default: []].append(try row.id("student_id"))
        }
        for row in try await sql.raw("SELECT organization_id, account_id, role, verified FROM organization_roles WHERE organization_id IN \(orgs)").all() {
            guard let role = OrganizationRole(rawValue: try row.string("role")) else { continue }
            facts[try row.id("organization_id")]?.grants.append(StaffGrant(account: try row.id("account_id"), role: role, verified: try row.bool("verified")))
        }
        for id in try await administratorsSignedIn(in: organizations) { facts[id]?.administratorSignedIn = true }
        for row in try await sql.raw("""
            SELECT organization_id, kind, COUNT(*) AS n FROM chats WHERE organization_id IN \(orgs) AND deleted_at IS NULL
            GROUP BY organization_id, kind
            """).all() {
            facts[try row.id("organization_id")]?.chats[try row.string("kind")] = Int(try row.int64("n"))
        }
        for row in try await sql.raw("""
            SELECT e.organization_id, c.kind, m.sender_id, COUNT(*) AS n FROM chat_events e
            JOIN messages m ON m.chat_id = e.chat_id AND m.seq = e.seq
            JOIN chats c ON c.id = e.chat_id
            WHERE e.organization_id IN \(orgs) AND e.at >= \(bind: start) AND e.at < \(bind: end) AND e.kind = \(bind: ChatEvent.message.kind)
            GROUP BY e.organization_id, c.kind, m.sender_id
            """).all() {
            facts[try row.id("organization_id")]?.sent.append((try row.string("kind"), try row.id("sender_id"), Int(try row.int64("n"))))
        }
        for row in try await sql.raw("""
            SELECT DISTINCT c.organization_id, r.account_id FROM chat_reads r JOIN chats c ON c.id = r.chat_id
            WHERE r.at >= \(bind: start) AND r.at < \(bind: end) AND c.organization_id IN \(orgs)
            """).all() {
            facts[try row.id("organization_id")]?.readers.insert(try row.id("account_id"))
        }
        for row in try await sql.raw("""
            SELECT organization_id, COUNT(*) AS n FROM invites
            WHERE organization_id IN \(orgs) AND created_at >= \(bind: start) AND created_at < \(bind: end) GROUP BY organization_id
            """).all() {
            facts[try row.id("organization_id")]?.invites = Int(try row.int64("n"))
        }
        for row in try await sql.raw("""
            SELECT organization_id, status, COUNT(*) AS n FROM join_requests
            WHERE organization_id IN \(orgs) AND decided_at >= \(bind: start) AND decided_at < \(bind: end) GROUP BY organization_id, status
            """).all() {
            let (id, n) = (try row.id("organization_id") as OrganizationID, Int(try row.int64("n")))
            switch try row.string("status") {
            case "accepted": facts[id]?.accepted = n
            case "rejected": facts[id]?.rejected = n
            default: break
            }
        }
        try await callFacts(of: orgs, from: start, to: end, until: until.millis, into: &facts)
        return facts
    }

    /// Calls started in `[from, to)`: chats' and meetings' calls, distance lessons' calls, the
    /// people in each (each once per call), and minutes of presence up to `until` for stays open then.
    private func callFacts(of orgs: SQLGroupExpression, from: Int64, to: Int64, until: Int64, into facts: inout [OrganizationID: StatisticsFacts]) async throws {
        for row in try await sql.raw("""
            SELECT organization_id, kind, COUNT(*) AS n FROM calls
            WHERE organization_id IN \(orgs) AND started_at >= \(bind: from) AND started_at < \(bind: to) GROUP BY organization_id, kind
            """).all() {
            let (id, n) = (try row.id("organization_id") as OrganizationID, Int(try row.int64("n")))
            if try row.string("kind") == Call.Kind.distanceLesson.rawValue { facts[id]?.calls.distanceLessons += n } else { facts[id]?.calls.calls += n }
        }
        var people: [OrganizationID: Set<[Int64]>] = [:]
        var milliseconds: [OrganizationID: Int64] = [:]
        for row in try await sql.raw("""
            SELECT c.organization_id, p.call_id, p.account_id, p.joined_at, p.left_at FROM call_participants p JOIN calls c ON c.id = p.call_id
            WHERE c.organization_id IN \(orgs) AND c.started_at >= \(bind: from) AND c.started_at < \(bind: to)
            """).all() {
            let id: OrganizationID = try row.id("organization_id")
            people[id, default: []].insert([try row.int64("call_id"), try row.int64("account_id")])
            let left = min(try row.optionalInt64("left_at") ?? until, until)
            milliseconds[id, default: 0] += max(0, left - (try row.int64("joined_at")))
        }
        for (id, set) in people {
            facts[id]?.calls.participants = set.count
            facts[id]?.calls.minutes = Int((milliseconds[id] ?? 0) / 60_000)
        }
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

    /// Writes organizations' figures of a claimed week (again: replaced), a hundred rows a statement.
    public func saveFigures(_ rows: [(organization: StatisticsOrganization, figures: Figures)], week: StatisticsWeek) async throws {
        let encoder = JSONEncoder()
        for chunk in rows.chunked(100) {
            try await sql.raw("""
                DELETE FROM statistics_figures WHERE week = \(bind: week.description) AND organization_id IN \(Self.ids(chunk.map(\.organization.id)))
                """).run()
            let values = try chunk.map { row in
                SQLGroupExpression([
                    SQLBind(week.description), SQLBind(row.organization.id.rawValue), SQLBind(row.organization.municipality.rawValue),
                    SQLBind(row.organization.region.rawValue), SQLBind(String(decoding: try encoder.encode(row.figures), as: UTF8.self)),
                ])
            }
            try await sql.raw("""
                INSERT INTO statistics_figures (week, organization_id, municipality_id, region_id, figures) VALUES \(SQLList(values))
                """).run()
        }
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
