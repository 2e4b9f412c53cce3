/// What statistics count for one organization, a municipality or a region, for a week (and the
/// cumulative state at the snapshot). Counts only: no names, phones or text (SPEC §8, §9).
/// An organization's figures have `organizations` 1; a roll-up is the sum of its children's.
public struct Figures: Hashable, Sendable, Codable {
    public var organizations = 0
    public var activeOrganizations = 0
    /// An organization's: the week since which it has been active without a break (a roll-up's: nil).
    public var activeSince: StatisticsWeek?
    /// Only verified staff count as staff.
    public var verifiedTeachers = 0
    public var verifiedEmployees = 0
    /// The roster at the snapshot, and how many of those people have linked accounts.
    public var students = 0
    public var studentsLinked = 0
    public var parents = 0
    public var parentsLinked = 0
    public var rosterTeachers = 0
    public var rosterTeachersLinked = 0
    public var rosterEmployees = 0
    public var rosterEmployeesLinked = 0
    /// Chats that exist, by type, and roster chats that should exist and do not.
    public var chats: [String: Int] = [:]
    public var missingRosterChats = 0
    /// In the week.
    public var messages = 0
    public var messagesByChatType: [String: Int] = [:]
    public var messagesBySenderRole: [String: Int] = [:]
    public var activeAccountsByRole: [String: Int] = [:]
    public var invitesCreated = 0
    public var joinRequestsAccepted = 0
    public var joinRequestsRejected = 0
    public var calls = 0
    public var distanceLessons = 0
    public var callParticipants = 0
    public var callMinutes = 0

    public init() {}

    /// The sum of two (a roll-up adds its children).
    public static func + (a: Figures, b: Figures) -> Figures {
        func add(_ x: [String: Int], _ y: [String: Int]) -> [String: Int] { x.merging(y, uniquingKeysWith: +) }
        var sum = Figures()
        sum.organizations = a.organizations + b.organizations
        sum.activeOrganizations = a.activeOrganizations + b.activeOrganizations
        sum.verifiedTeachers = a.verifiedTeachers + b.verifiedTeachers
        sum.verifiedEmployees = a.verifiedEmployees + b.verifiedEmployees
        sum.students = a.students + b.students
        sum.studentsLinked = a.studentsLinked + b.studentsLinked
        sum.parents = a.parents + b.parents
        sum.parentsLinked = a.parentsLinked + b.parentsLinked
        sum.rosterTeachers = a.rosterTeachers + b.rosterTeachers
        sum.rosterTeachersLinked = a.rosterTeachersLinked + b.rosterTeachersLinked
        sum.rosterEmployees = a.rosterEmployees + b.rosterEmployees
        sum.rosterEmployeesLinked = a.rosterEmployeesLinked + b.rosterEmployeesLinked
        sum.chats = add(a.chats, b.chats)
        sum.missingRosterChats = a.missingRosterChats + b.missingRosterChats
        sum.messages = a.messages + b.messages
        sum.messagesByChatType = add(a.messagesByChatType, b.messagesByChatType)
        sum.messagesBySenderRole = add(a.messagesBySenderRole, b.messagesBySenderRole)
        sum.activeAccountsByRole = add(a.activeAccountsByRole, b.activeAccountsByRole)
        sum.invitesCreated = a.invitesCreated + b.invitesCreated
        sum.joinRequestsAccepted = a.joinRequestsAccepted + b.joinRequestsAccepted
        sum.joinRequestsRejected = a.joinRequestsRejected + b.joinRequestsRejected
        sum.calls = a.calls + b.calls
        sum.distanceLessons = a.distanceLessons + b.distanceLessons
        sum.callParticipants = a.callParticipants + b.callParticipants
        sum.callMinutes = a.callMinutes + b.callMinutes
        return sum
    }

    /// The roll-up of many.
    public static func total(_ all: some Sequence<Figures>) -> Figures { all.reduce(Figures(), +) }
}

/// One role an account holds in an organization, as statistics see it.
public struct StaffGrant: Hashable, Sendable {
    public var account: AccountID
    public var role: OrganizationRole
    public var verified: Bool

    public init(account: AccountID, role: OrganizationRole, verified: Bool) {
        self.account = account
        self.role = role
        self.verified = verified
    }
}

/// One person of a roster at the snapshot, as statistics see it.
public struct RosterHead: Hashable, Sendable {
    public var person: RosterPersonID
    public var role: RosterRole
    /// Counted at the snapshot: active, and a student enrolled then (withdrawn mid-week: not).
    public var stands: Bool
    public var linked: Bool

    public init(person: RosterPersonID, role: RosterRole, stands: Bool, linked: Bool) {
        self.person = person
        self.role = role
        self.stands = stands
        self.linked = linked
    }
}

/// The counting rules of SPEC §8 over plain values, so each is table-tested on its own.
public enum StatisticsRules {
    /// Verified teachers and verified employees of one organization, each account once per role;
    /// an unverified grant counts nowhere as staff (a teacher of two schools counts in each).
    public static func verifiedStaff(_ grants: [StaffGrant]) -> (teachers: Int, employees: Int) {
        let verified = grants.filter(\.verified)
        return (Set(verified.filter { $0.role == .teacher }.map(\.account)).count,
                Set(verified.filter { $0.role == .employee }.map(\.account)).count)
    }

    /// The roster's people by role — each person once (a parent of two children once) — and how
    /// many of them have linked accounts; those who do not stand at the snapshot are not counted.
    public static func roster(_ heads: [RosterHead]) -> [RosterRole: (total: Int, linked: Int)] {
        var seen: Set<RosterPersonID> = []
        var counts: [RosterRole: (total: Int, linked: Int)] = [:]
        for head in heads where head.stands && seen.insert(head.person).inserted {
            var count = counts[head.role] ?? (0, 0)
            count.total += 1
            if head.linked { count.linked += 1 }
            counts[head.role] = count
        }
        return counts
    }

    /// Accounts that sent or read anything in the week, by the roles they hold in the
    /// organization (an account with two roles counts once in each); staff only when verified.
    public static func activeAccounts(_ active: Set<AccountID>, grants: [StaffGrant]) -> [OrganizationRole: Int] {
        var byRole: [OrganizationRole: Set<AccountID>] = [:]
        for grant in grants where active.contains(grant.account) {
            if grant.role.isStaff && !grant.verified { continue }
            byRole[grant.role, default: []].insert(grant.account)
        }
        return byRole.mapValues(\.count)
    }

    /// The role a message is counted under when its sender holds several in the organization:
    /// staff before students before parents (a teacher who is also a parent writes as a teacher);
    /// `nil` for a sender with no role there any more.
    public static func senderRole(_ roles: Set<OrganizationRole>) -> OrganizationRole? {
        [.teacher, .employee, .administrator, .student, .parent].first(where: roles.contains)
    }

    /// Since which week a school active in `week` has been active without a break: the week its
    /// latest earlier snapshot says, when that snapshot is of this week or the week before and the
    /// school was active then; else this week (a gap of weeks nobody counted breaks the run).
    /// `nil` for a school not active.
    public static func activeSince(active: Bool, week: StatisticsWeek, earlier: (week: StatisticsWeek, since: StatisticsWeek?)?) -> StatisticsWeek? {
        guard active else { return nil }
        guard let earlier, earlier.week == week || earlier.week == week.adding(weeks: -1), let since = earlier.since else { return week }
        return since
    }

    /// `part` of `whole` in percent with one decimal; `nil` when there is no whole.
    public static func percent(_ part: Int, of whole: Int) -> Double? {
        guard whole > 0 else { return nil }
        return (Double(part) * 1000 / Double(whole)).rounded() / 10
    }
}
