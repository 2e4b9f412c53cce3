public import Foundation
public import PartaDomain
import PartaStore

/// One organization's figures for a week (SPEC §8): the state at `asOf` (the snapshot's moment)
/// and the week's activity from Monday 00:00 Moscow time until then. Counts only.
extension Parta {
    public func organizationFigures(_ organization: OrganizationID, week: StatisticsWeek, asOf: Date) async throws -> Figures {
        let from = week.start
        let to = min(week.end, asOf)
        return try await database.read { store in
            guard let org = try await store.organization(organization) else { throw PartaError.notFound("The organization") }
            var figures = Figures()
            figures.organizations = 1

            let grants = try await store.staffGrants(in: organization)
            let staff = StatisticsRules.verifiedStaff(grants)
            figures.verifiedTeachers = staff.teachers
            figures.verifiedEmployees = staff.employees
            let activity = OrganizationActivity.evaluate(
                administratorSignedIn: try await store.administratorHasSignedIn(organization),
                missingProfileFields: org.profile.missingRequiredFields, verifiedTeachers: staff.teachers)
            figures.activeOrganizations = activity.isActive ? 1 : 0

            // The roster as it stands at the snapshot's date (a student withdrawn mid-week is gone).
            let roster = try await store.statisticsRoster(of: organization)
            let date = LocalDate(to.addingTimeInterval(-0.001), timeZone: org.profile.timeZone)
            let active = Dictionary(uniqueKeysWithValues: roster.persons.map { ($0.id, $0.active) })
            let heads = roster.persons.map { person in
                let facts = PersonStanding.Facts(
                    role: person.role, active: person.active, periods: roster.periods[person.id] ?? [],
                    children: (roster.children[person.id] ?? []).map { .init(active: active[$0] ?? false, periods: roster.periods[$0] ?? []) })
                return RosterHead(person: person.id, role: person.role, stands: PersonStanding.stands(facts, on: date), linked: person.linked)
            }
            let counts = StatisticsRules.roster(heads)
            (figures.students, figures.studentsLinked) = counts[.student] ?? (0, 0)
            (figures.parents, figures.parentsLinked) = counts[.parent] ?? (0, 0)
            (figures.rosterTeachers, figures.rosterTeachersLinked) = counts[.teacher] ?? (0, 0)
            (figures.rosterEmployees, figures.rosterEmployeesLinked) = counts[.employee] ?? (0, 0)

            figures.chats = try await store.chatCounts(in: organization)
            let plan = try await syncChats(ChatScope(), organization: org, creation: .initialize(Set(ChatKind.rosterKinds)), dryRun: true, in: store)
            figures.missingRosterChats = plan.total.chatsCreated

            // The week's activity.
            var roles: [AccountID: Set<OrganizationRole>] = [:]
            for grant in grants { roles[grant.account, default: []].insert(grant.role) }
            var senders: Set<AccountID> = []
            for sent in try await store.messagesSent(in: organization, from: from, to: to) {
                figures.messages += sent.count
                figures.messagesByChatType[sent.chatKind, default: 0] += sent.count
                let role = StatisticsRules.senderRole(roles[sent.sender] ?? [])?.rawValue ?? "former"
                figures.messagesBySenderRole[role, default: 0] += sent.count
                senders.insert(sent.sender)
            }
            let readers = try await store.readers(in: organization, from: from, to: to)
            figures.activeAccountsByRole = Dictionary(uniqueKeysWithValues:
                StatisticsRules.activeAccounts(senders.union(readers), grants: grants).map { ($0.key.rawValue, $0.value) })
            let joining = try await store.joiningCounts(in: organization, from: from, to: to)
            (figures.invitesCreated, figures.joinRequestsAccepted, figures.joinRequestsRejected) = joining
            let calls = try await store.callCounts(in: organization, from: from, to: to, until: to)
            figures.calls = calls.calls
            figures.distanceLessons = calls.distanceLessons
            figures.callParticipants = calls.participants
            figures.callMinutes = calls.minutes
            return figures
        }
    }
}
