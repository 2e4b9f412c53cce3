public import Foundation
public import PartaDomain
import PartaStore

/// Organizations' figures for a week (SPEC §8): the state at `asOf` (the snapshot's moment) and
/// the week's activity from Monday 00:00 Moscow time until then. Counts only.
extension Parta {
    /// How many organizations' facts one read gathers.
    static let figuresBatch = 100
    /// How many schools' missing roster chats are planned at once (their reads overlap).
    static let snapshotWidth = 4

    /// One organization's figures.
    public func organizationFigures(_ organization: OrganizationID, week: StatisticsWeek, asOf: Date) async throws -> Figures {
        guard let figures = try await figures(of: [organization], week: week, asOf: asOf)[organization] else {
            throw PartaError.notFound("The organization")
        }
        return figures
    }

    /// The figures of `organizations`, a batch at a time: each batch's facts are read with one
    /// statement per kind of fact, then counted by the domain's rules; the roster chats that
    /// should exist but do not are planned per school, `snapshotWidth` schools at once.
    func figures(of organizations: [OrganizationID], week: StatisticsWeek, asOf: Date) async throws -> [OrganizationID: Figures] {
        let to = min(week.end, asOf)
        var counted: [OrganizationID: Figures] = [:]
        for batch in organizations.chunked(Self.figuresBatch) {
            let (found, facts) = try await database.read { store in
                (try await store.organizations(batch), try await store.statisticsFacts(of: Array(batch), from: week.start, to: to, until: to))
            }
            for organization in found { counted[organization.id] = Self.figures(organization, facts[organization.id] ?? StatisticsFacts(), at: to) }
            for (id, missing) in try await missingRosterChats(found) { counted[id]?.missingRosterChats = missing }
        }
        return counted
    }

    /// An organization's figures from its facts; `at` is the end of the counted span.
    static func figures(_ organization: Organization, _ facts: StatisticsFacts, at: Date) -> Figures {
        var figures = Figures()
        figures.organizations = 1
        let staff = StatisticsRules.verifiedStaff(facts.grants)
        figures.verifiedTeachers = staff.teachers
        figures.verifiedEmployees = staff.employees
        let activity = OrganizationActivity.evaluate(
            administratorSignedIn: facts.administratorSignedIn,
            missingProfileFields: organization.profile.missingRequiredFields, verifiedTeachers: staff.teachers)
        figures.activeOrganizations = activity.isActive ? 1 : 0

        // The roster as it stands at the snapshot's date (a student withdrawn mid-week is gone).
        let roster = facts.roster
        let date = LocalDate(at.addingTimeInterval(-0.001), timeZone: organization.profile.timeZone)
        let active = Dictionary(uniqueKeysWithValues: roster.persons.map { ($0.id, $0.active) })
        let heads = roster.persons.map { person in
            let standing = PersonStanding.Facts(
                role: person.role, active: person.active, periods: roster.periods[person.id] ?? [],
                children: (roster.children[person.id] ?? []).map { .init(active: active[$0] ?? false, periods: roster.periods[$0] ?? []) })
            return RosterHead(person: person.id, role: person.role, stands: PersonStanding.stands(standing, on: date), linked: person.linked)
        }
        let counts = StatisticsRules.roster(heads)
        (figures.students, figures.studentsLinked) = counts[.student] ?? (0, 0)
        (figures.parents, figures.parentsLinked) = counts[.parent] ?? (0, 0)
        (figures.rosterTeachers, figures.rosterTeachersLinked) = counts[.teacher] ?? (0, 0)
        (figures.rosterEmployees, figures.rosterEmployeesLinked) = counts[.employee] ?? (0, 0)
        figures.chats = facts.chats

        // The week's activity.
        var roles: [AccountID: Set<OrganizationRole>] = [:]
        for grant in facts.grants { roles[grant.account, default: []].insert(grant.role) }
        var senders: Set<AccountID> = []
        for sent in facts.sent {
            figures.messages += sent.count
            figures.messagesByChatType[sent.chatKind, default: 0] += sent.count
            let role = StatisticsRules.senderRole(roles[sent.sender] ?? [])?.rawValue ?? "former"
            figures.messagesBySenderRole[role, default: 0] += sent.count
            senders.insert(sent.sender)
        }
        figures.activeAccountsByRole = Dictionary(uniqueKeysWithValues:
            StatisticsRules.activeAccounts(senders.union(facts.readers), grants: facts.grants).map { ($0.key.rawValue, $0.value) })
        (figures.invitesCreated, figures.joinRequestsAccepted, figures.joinRequestsRejected) = (facts.invites, facts.accepted, facts.rejected)
        figures.calls = facts.calls.calls
        figures.distanceLessons = facts.calls.distanceLessons
        figures.callParticipants = facts.calls.participants
        figures.callMinutes = facts.calls.minutes
        return figures
    }

    /// The roster chats each of `organizations` should have and has not, `snapshotWidth` schools
    /// at once (each a run of small reads, whose round trips overlap on PostgreSQL).
    func missingRosterChats(_ organizations: [Organization]) async throws -> [OrganizationID: Int] {
        var missing: [OrganizationID: Int] = [:]
        try await withThrowingTaskGroup(of: (OrganizationID, Int).self) { group in
            var next = organizations.makeIterator()
            func start() {
                guard let organization = next.next() else { return }
                group.addTask { (organization.id, try await self.database.read { try await self.missingRosterChats(organization, in: $0) }) }
            }
            for _ in 0..<Self.snapshotWidth { start() }
            while let (id, count) = try await group.next() {
                missing[id] = count
                start()
            }
        }
        return missing
    }
}
