import Foundation
import PartaDomain
import Testing

/// SPEC §4's rules, on a small school: 10А (homeroom Иванова) with Краеведение taught by Петров,
/// an English group, and 9г for a parent with children in two classes.
@Suite("Membership planner")
struct MembershipPlannerTests {
    static func day(_ text: String) -> LocalDate { LocalDate(parsing: text)! }
    static let org = OrganizationID(1)
    static let year = SchoolYear(id: SchoolYearID(1), organizationID: org, name: "2025/2026", startDate: day("2025-09-01"), endDate: day("2026-08-31"))
    static let c10A = ClassID(10), c9G = ClassID(9)
    static let kraeved = SubjectID(1), english = SubjectID(2), chemistry = SubjectID(3)
    // Staff.
    static let ivanova = RosterPersonID(1), petrov = RosterPersonID(2), sidorova = RosterPersonID(3), smith = RosterPersonID(4)
    // Students of 10А, a student of 9г, parents.
    static let s1 = RosterPersonID(11), s2 = RosterPersonID(12), s3 = RosterPersonID(13), s9 = RosterPersonID(19)
    static let p1 = RosterPersonID(21), p2 = RosterPersonID(22)
    static let admin = AccountID(100)

    static func schoolClass(_ id: ClassID, _ grade: Int, _ letter: String, homeroom: RosterPersonID?) -> SchoolClass {
        SchoolClass(id: id, organizationID: org, schoolYearID: year.id, label: ClassLabel(grade: grade, letter: letter), homeroomTeacherID: homeroom, externalID: nil)
    }

    static func assignment(_ id: Int64, teacher: RosterPersonID, subject: SubjectID, classID: ClassID, group: String = "", students: [RosterPersonID] = []) -> TeachingAssignment {
        TeachingAssignment(id: AssignmentID(id), organizationID: org, teacherID: teacher, subjectID: subject, classID: classID, group: group, studentIDs: students, externalID: nil)
    }

    static func enrolled(_ classID: ClassID, from: String = "2025-09-01", until: String? = nil) -> [EnrollmentPeriod] {
        [EnrollmentPeriod(classID: classID, start: day(from), end: until.map(day))]
    }

    /// The worked example: the roster on 15 December 2025.
    static func roster(date: String = "2025-12-15", homeroom10A: RosterPersonID = ivanova) -> ChatRoster {
        ChatRoster(
            date: day(date),
            classes: [schoolClass(c10A, 10, "А", homeroom: homeroom10A), schoolClass(c9G, 9, "г", homeroom: sidorova)],
            schoolYears: [year.id: year],
            subjectNames: [kraeved: "Краеведение", english: "Англ.яз", chemistry: "Химия"],
            persons: [
                ivanova: .init(role: .teacher), petrov: .init(role: .teacher), sidorova: .init(role: .teacher),
                smith: .init(role: .teacher), s1: .init(role: .student), s2: .init(role: .student), s3: .init(role: .student),
                s9: .init(role: .student), p1: .init(role: .parent), p2: .init(role: .parent),
            ],
            periods: [s1: enrolled(c10A), s2: enrolled(c10A), s3: enrolled(c10A), s9: enrolled(c9G)],
            guardianships: [Guardianship(parent: p1, student: s1), Guardianship(parent: p2, student: s2), Guardianship(parent: p2, student: s9)],
            assignments: [
                assignment(1, teacher: petrov, subject: kraeved, classID: c10A),
                assignment(2, teacher: smith, subject: english, classID: c10A, group: "Англ.яз/1", students: [s1, s2]),
                assignment(3, teacher: sidorova, subject: chemistry, classID: c9G),
            ],
            staffRoom: .init(teachers: [ivanova, petrov, sidorova, smith], administrators: [admin]))
    }

    static func chats(_ roster: ChatRoster) -> [RosterChatKey: DesiredChat] {
        Dictionary(uniqueKeysWithValues: MembershipPlanner.desiredChats(roster).map { ($0.key, $0) })
    }

    static func refs(_ ids: RosterPersonID...) -> Set<ChatMemberRef> { Set(ids.map(ChatMemberRef.person)) }

    /// Applies plans from nothing, as initialize does on an empty school.
    static func members(of desired: DesiredChat, from current: [ChatMembership] = []) -> [ChatMembership] {
        MembershipPlanner.plan(desired, current: current).applied(to: current)
    }

    @Test("the worked example: 10А's chats, their names, members and admins")
    func workedExample() {
        let chats = Self.chats(Self.roster())
        #expect(chats.count == 1 + 2 * 2 + 3)

        let classChat = chats[.classChat(Self.c10A)]!
        #expect(classChat.name == "10А - Ученики")
        #expect(classChat.members == Self.refs(Self.ivanova, Self.s1, Self.s2, Self.s3))
        #expect(classChat.admins == Self.refs(Self.ivanova))
        #expect(classChat.schoolYearID == Self.year.id)

        let parents = chats[.parents(Self.c10A)]!
        #expect(parents.name == "10А - Родители")
        #expect(parents.members == Self.refs(Self.ivanova, Self.p1, Self.p2))
        #expect(parents.admins == Self.refs(Self.ivanova))

        let kraeved = chats[.subject(Self.c10A, Self.kraeved, group: "")]!
        #expect(kraeved.name == "10А - Краеведение")
        #expect(kraeved.members == Self.refs(Self.petrov, Self.s1, Self.s2, Self.s3))
        #expect(kraeved.admins == Self.refs(Self.petrov))

        #expect(chats[.subject(Self.c9G, Self.chemistry, group: "")]?.name == "9г - Химия")

        let staff = chats[.staffRoom]!
        #expect(staff.name == "Учительская")
        #expect(staff.members == Self.refs(Self.ivanova, Self.petrov, Self.sidorova, Self.smith).union([.account(Self.admin)]))
        #expect(staff.admins == [.account(Self.admin)])
    }

    @Test("an administrator who is one of the teachers administers the staff room as that teacher")
    func administratorWhoTeaches() {
        var roster = Self.roster()
        roster.persons[Self.ivanova]?.accountID = Self.admin
        let staff = Self.chats(roster)[.staffRoom]!
        #expect(staff.admins == Self.refs(Self.ivanova))
        #expect(!staff.members.contains(.account(Self.admin)))
        #expect(staff.members.count == 4)
    }

    @Test("no teacher, no staff room; a finished school year wants no class chats")
    func nothingWanted() {
        var roster = Self.roster()
        roster.staffRoom = .init(teachers: [], administrators: [Self.admin])
        #expect(Self.chats(roster)[.staffRoom] == nil)
        let nextSummer = Self.roster(date: "2026-09-02")
        #expect(Self.chats(nextSummer).isEmpty == false)
        #expect(Self.chats(nextSummer).keys.allSatisfy { $0 == .staffRoom })
    }

    @Test("a withdrawal takes the student out of every chat of the class, and its cancellation brings them back")
    func withdrawalAndCancellation() {
        let before = Self.chats(Self.roster())
        let classMembers = Self.members(of: before[.classChat(Self.c10A)]!)
        let parentsMembers = Self.members(of: before[.parents(Self.c10A)]!)
        let englishMembers = Self.members(of: before[.subject(Self.c10A, Self.english, group: "Англ.яз/1")]!)

        var withdrawn = Self.roster()
        withdrawn.periods[Self.s1] = Self.enrolled(Self.c10A, until: "2025-12-10")
        let after = Self.chats(withdrawn)
        let classPlan = MembershipPlanner.plan(after[.classChat(Self.c10A)], current: classMembers)
        #expect(classPlan.remove == [.person(Self.s1)])
        #expect(classPlan.add.isEmpty && classPlan.grantAdmin.isEmpty && classPlan.revokeAdmin.isEmpty)
        // p1's only child left; p2 stays for s2.
        #expect(MembershipPlanner.plan(after[.parents(Self.c10A)], current: parentsMembers).remove == [.person(Self.p1)])
        #expect(MembershipPlanner.plan(after[.subject(Self.c10A, Self.english, group: "Англ.яз/1")], current: englishMembers).remove == [.person(Self.s1)])

        // A withdrawal dated in the future changes nothing yet.
        var later = Self.roster()
        later.periods[Self.s1] = Self.enrolled(Self.c10A, until: "2026-01-10")
        #expect(MembershipPlanner.plan(Self.chats(later)[.classChat(Self.c10A)], current: classMembers).isEmpty)

        // Cancelling the order restores the periods, and the plan the member.
        let withoutS1 = classPlan.applied(to: classMembers)
        let back = MembershipPlanner.plan(before[.classChat(Self.c10A)], current: withoutS1)
        #expect(back.add == [.person(Self.s1)])
        #expect(back.applied(to: withoutS1) == classMembers)
    }

    @Test("a group's chat holds only the group's students, named after the group")
    func englishGroup() {
        let group = Self.chats(Self.roster())[.subject(Self.c10A, Self.english, group: "Англ.яз/1")]!
        #expect(group.name == "10А - Англ.яз (группа 1)")
        #expect(group.members == Self.refs(Self.smith, Self.s1, Self.s2))
        #expect(group.admins == Self.refs(Self.smith))
        // A group student who leaves the class leaves the group's chat even if still listed in the group.
        var roster = Self.roster()
        roster.periods[Self.s2] = Self.enrolled(Self.c9G)
        #expect(Self.chats(roster)[.subject(Self.c10A, Self.english, group: "Англ.яз/1")]!.members == Self.refs(Self.smith, Self.s1))
    }

    @Test("the students a teacher teaches: whole classes, and only the group's students still in the class")
    func studentsTaught() {
        #expect(MembershipPlanner.studentsTaught(by: [Self.petrov], Self.roster()) == [Self.s1, Self.s2, Self.s3])
        #expect(MembershipPlanner.studentsTaught(by: [Self.smith], Self.roster()) == [Self.s1, Self.s2])
        #expect(MembershipPlanner.studentsTaught(by: [Self.smith, Self.sidorova], Self.roster()) == [Self.s1, Self.s2, Self.s9])
        #expect(MembershipPlanner.studentsTaught(by: [Self.ivanova], Self.roster()).isEmpty)
        var moved = Self.roster()
        moved.periods[Self.s2] = Self.enrolled(Self.c9G)
        #expect(MembershipPlanner.studentsTaught(by: [Self.smith], moved) == [Self.s1])
        #expect(MembershipPlanner.studentsTaught(by: [Self.petrov], Self.roster(date: "2026-09-02")).isEmpty)
    }

    @Test("a new homeroom teacher arrives as admin; the old one leaves as admin and member")
    func homeroomChange() {
        let current = Self.members(of: Self.chats(Self.roster())[.classChat(Self.c10A)]!)
        #expect(current.first { $0.member == .person(Self.ivanova) }?.admin == .roster)
        let plan = MembershipPlanner.plan(Self.chats(Self.roster(homeroom10A: Self.petrov))[.classChat(Self.c10A)], current: current)
        #expect(plan.remove == [.person(Self.ivanova)])
        #expect(plan.add == [.person(Self.petrov)])
        #expect(plan.grantAdmin == [.person(Self.petrov)])
        let after = plan.applied(to: current)
        #expect(after.filter(\.isAdmin).map(\.member) == [.person(Self.petrov)])

        // An old homeroom teacher also added by hand stays, but no longer as the roster's admin.
        var kept = current
        kept[kept.firstIndex { $0.member == .person(Self.ivanova) }!].viaHand = true
        let keptPlan = MembershipPlanner.plan(Self.chats(Self.roster(homeroom10A: Self.petrov))[.classChat(Self.c10A)], current: kept)
        #expect(keptPlan.remove.isEmpty)
        #expect(keptPlan.release == [.person(Self.ivanova)])
        #expect(keptPlan.revokeAdmin == [.person(Self.ivanova)])
    }

    @Test("a parent of two children in two classes is in both parents' chats, and leaves one with one child")
    func parentOfTwo() {
        let chats = Self.chats(Self.roster())
        #expect(chats[.parents(Self.c10A)]!.members.contains(.person(Self.p2)))
        #expect(chats[.parents(Self.c9G)]!.members == Self.refs(Self.sidorova, Self.p2))
        var roster = Self.roster()
        roster.periods[Self.s9] = Self.enrolled(Self.c9G, until: "2025-11-01")
        let after = Self.chats(roster)
        #expect(after[.parents(Self.c10A)]!.members.contains(.person(Self.p2)))
        #expect(after[.parents(Self.c9G)]!.members == Self.refs(Self.sidorova))
    }

    @Test("inactive people are in no chat")
    func inactive() {
        var roster = Self.roster()
        roster.persons[Self.s3]?.active = false
        roster.persons[Self.petrov]?.active = false
        let chats = Self.chats(roster)
        #expect(!chats[.classChat(Self.c10A)]!.members.contains(.person(Self.s3)))
        #expect(chats[.subject(Self.c10A, Self.kraeved, group: "")]!.admins.isEmpty)
        #expect(!chats[.staffRoom]!.members.contains(.person(Self.petrov)))
    }

    @Test("initialize keeps hand-added members and a second run changes nothing")
    func initializeKeepsManualMembers() {
        let desired = Self.chats(Self.roster())[.classChat(Self.c10A)]!
        let current = [
            ChatMembership(member: .person(Self.s1), viaRoster: true, viaHand: false),
            ChatMembership(member: .person(Self.s9), viaRoster: true, viaHand: false),  // no longer in 10А
            ChatMembership(member: .person(Self.p1), viaRoster: false, viaHand: true),  // added by hand
            ChatMembership(member: .person(Self.s2), viaRoster: false, viaHand: true, admin: .manual),  // by hand, also qualifies
            ChatMembership(member: .account(Self.admin), viaRoster: false, viaHand: true),
        ]
        let plan = MembershipPlanner.plan(desired, current: current)
        #expect(plan.remove == [.person(Self.s9)])
        #expect(plan.adopt == [.person(Self.s2)])
        #expect(plan.add == [.person(Self.ivanova), .person(Self.s3)])
        #expect(plan.grantAdmin == [.person(Self.ivanova)])
        #expect(plan.revokeAdmin.isEmpty && plan.release.isEmpty)
        let after = plan.applied(to: current)
        #expect(Set(after.map(\.member)) == desired.members.union([.person(Self.p1), .account(Self.admin)]))
        #expect(after.first { $0.member == .person(Self.s2) } == ChatMembership(member: .person(Self.s2), viaRoster: true, viaHand: true, admin: .manual))
        #expect(MembershipPlanner.plan(desired, current: after).isEmpty)

        // A chat the roster no longer wants at all keeps only what was added by hand.
        let gone = MembershipPlanner.plan(nil, current: after)
        #expect(Set(gone.applied(to: after).map(\.member)) == [.person(Self.p1), .person(Self.s2), .account(Self.admin)])
    }

    @Test("someone a person removed by hand is not brought back by the roster")
    func excluded() {
        let desired = Self.chats(Self.roster())[.classChat(Self.c10A)]!
        let current = Self.members(of: desired).filter { $0.member != .person(Self.s3) }
        #expect(MembershipPlanner.plan(desired, current: current, excluded: [.person(Self.s3)]).isEmpty)
        #expect(MembershipPlanner.plan(desired, current: current).add == [.person(Self.s3)])
    }

    @Test("an admin a person unmade is not made admin again by the roster")
    func declinedAdmin() {
        let desired = Self.chats(Self.roster())[.classChat(Self.c10A)]!
        var current = Self.members(of: desired)
        current[current.firstIndex { $0.member == .person(Self.ivanova) }!].admin = .declined
        #expect(MembershipPlanner.plan(desired, current: current).isEmpty)
    }

    @Test("roster events map to the chats they touch", arguments: [
        (RosterEvent.enrollmentChanged(student: s1, classes: [c10A, c9G]), ChatScope(classes: [c10A, c9G])),
        (.homeroomChanged(c10A, from: ivanova, to: petrov), ChatScope(classes: [c10A])),
        (.assignmentChanged(AssignmentID(1), classID: c10A), ChatScope(classes: [c10A])),
        (.assignmentRemoved(AssignmentID(1), classID: c9G), ChatScope(classes: [c9G])),
        (.classChanged(c9G), ChatScope(classes: [c9G])),
        (.guardianshipChanged(parent: p1, student: s1), ChatScope(persons: [s1])),
        (.personChanged(petrov), ChatScope(staffRoom: true, persons: [petrov])),
        (.subjectChanged(kraeved), ChatScope(subjects: [kraeved])),
        (.schoolYearChanged(year.id), ChatScope()),
    ])
    func scopes(event: RosterEvent, scope: ChatScope) {
        #expect(ChatScope.affected(by: [event]) == scope)
    }

    @Test("links and unlinks are kept in order and touch the staff room")
    func linkScope() {
        let scope = ChatScope.affected(by: [.linked(Self.s1, AccountID(5)), .unlinked(Self.s1, AccountID(5))])
        #expect(scope.staffRoom)
        #expect(scope.links == [.init(person: Self.s1, account: AccountID(5), linked: true), .init(person: Self.s1, account: AccountID(5), linked: false)])
    }

    @Test("roster chat keys survive storage", arguments: [
        RosterChatKey.staffRoom, .classChat(ClassID(12)), .parents(ClassID(3)), .subject(ClassID(4), SubjectID(5), group: ""),
        .subject(ClassID(4), SubjectID(5), group: "Англ.яз/1: группа"),
    ])
    func keys(key: RosterChatKey) {
        #expect(RosterChatKey(storageKey: key.storageKey) == key)
    }
}
