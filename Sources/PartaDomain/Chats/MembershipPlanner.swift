/// What the roster says about the chats in scope, on one date. The application loads only what the
/// affected chats need: some classes, their students, parents and teachers, and (when it is in
/// scope) the staff room's teachers and the organization's administrators.
public struct ChatRoster: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var role: RosterRole
        public var active: Bool
        public var accountID: AccountID?

        public init(role: RosterRole, active: Bool = true, accountID: AccountID? = nil) {
            self.role = role
            self.active = active
            self.accountID = accountID
        }
    }

    /// The staff room's side of the roster; `nil` when the staff room is not in scope.
    public struct StaffRoom: Sendable, Equatable {
        /// The organization's teachers (active or not; inactive ones are left out).
        public var teachers: [RosterPersonID]
        public var administrators: [AccountID]

        public init(teachers: [RosterPersonID], administrators: [AccountID]) {
            self.teachers = teachers
            self.administrators = administrators
        }
    }

    public var date: LocalDate
    /// The classes in scope; every chat of these classes is planned.
    public var classes: [SchoolClass]
    public var schoolYears: [SchoolYearID: SchoolYear]
    public var subjectNames: [SubjectID: String]
    /// Everyone the plan may refer to.
    public var persons: [RosterPersonID: Person]
    /// Enrollment periods of the students of the classes in scope.
    public var periods: [RosterPersonID: [EnrollmentPeriod]]
    public var guardianships: [Guardianship]
    /// Teaching assignments of the classes in scope.
    public var assignments: [TeachingAssignment]
    public var staffRoom: StaffRoom?

    public init(
        date: LocalDate, classes: [SchoolClass] = [], schoolYears: [SchoolYearID: SchoolYear] = [:],
        subjectNames: [SubjectID: String] = [:], persons: [RosterPersonID: Person] = [:],
        periods: [RosterPersonID: [EnrollmentPeriod]] = [:], guardianships: [Guardianship] = [],
        assignments: [TeachingAssignment] = [], staffRoom: StaffRoom? = nil
    ) {
        self.date = date
        self.classes = classes
        self.schoolYears = schoolYears
        self.subjectNames = subjectNames
        self.persons = persons
        self.periods = periods
        self.guardianships = guardianships
        self.assignments = assignments
        self.staffRoom = staffRoom
    }

    func isActive(_ id: RosterPersonID) -> Bool { persons[id]?.active ?? false }
}

/// A roster-driven chat as the roster wants it now.
public struct DesiredChat: Sendable, Equatable {
    public var key: RosterChatKey
    public var name: String
    public var schoolYearID: SchoolYearID?
    public var members: Set<ChatMemberRef>
    /// Always members too.
    public var admins: Set<ChatMemberRef>

    public init(key: RosterChatKey, name: String, schoolYearID: SchoolYearID?, members: Set<ChatMemberRef>, admins: Set<ChatMemberRef>) {
        self.key = key
        self.name = name
        self.schoolYearID = schoolYearID
        self.members = members.union(admins)
        self.admins = admins
    }
}

/// What to change in one chat's members so that it matches the roster, without touching what
/// people decided by hand.
public struct MembershipPlan: Sendable, Equatable {
    /// New members, put there by the roster.
    public var add: [ChatMemberRef] = []
    /// Members added by hand whom the roster now also wants (they become roster members too).
    public var adopt: [ChatMemberRef] = []
    /// Members the roster no longer wants but who were also added by hand: they stay, as hand-added.
    public var release: [ChatMemberRef] = []
    /// Members only the roster put there who no longer qualify: they leave.
    public var remove: [ChatMemberRef] = []
    /// Members the roster makes chat admins.
    public var grantAdmin: [ChatMemberRef] = []
    /// Admins the roster made who are no longer the roster's admins (they stay members if they qualify).
    public var revokeAdmin: [ChatMemberRef] = []

    public init() {}

    public var isEmpty: Bool {
        add.isEmpty && adopt.isEmpty && release.isEmpty && remove.isEmpty && grantAdmin.isEmpty && revokeAdmin.isEmpty
    }

    /// The members after the plan: what the store must hold once it is applied.
    public func applied(to current: [ChatMembership]) -> [ChatMembership] {
        var rows = Dictionary(uniqueKeysWithValues: current.map { ($0.member, $0) })
        for ref in remove { rows[ref] = nil }
        for ref in add { rows[ref] = ChatMembership(member: ref, viaRoster: true, viaHand: false) }
        for ref in adopt { rows[ref]?.viaRoster = true }
        for ref in release { rows[ref]?.viaRoster = false }
        for ref in grantAdmin { rows[ref]?.admin = .roster }
        for ref in revokeAdmin { rows[ref]?.admin = .none }
        return rows.values.sorted { $0.member < $1.member }
    }
}

/// The rules of SPEC §4 as pure functions: who belongs in which roster-driven chat, who administers
/// it, and how to get a chat's current members there.
public enum MembershipPlanner {
    /// The chats the roster wants for everything in the snapshot's scope. Classes of a school year
    /// that has ended want no chats (their chats, if any, lose their roster members); the staff room
    /// is wanted once the organization has a teacher.
    public static func desiredChats(_ roster: ChatRoster) -> [DesiredChat] {
        var result: [DesiredChat] = []
        if let staff = roster.staffRoom {
            let teachers = staff.teachers.filter { roster.isActive($0) && roster.persons[$0]?.role == .teacher }
            if !teachers.isEmpty {
                var members = Set(teachers.map(ChatMemberRef.person))
                var admins = Set<ChatMemberRef>()
                for account in staff.administrators {
                    // An administrator who is one of the teachers is that teacher, not a second member.
                    if let teacher = teachers.first(where: { roster.persons[$0]?.accountID == account }) {
                        admins.insert(.person(teacher))
                    } else {
                        admins.insert(.account(account))
                    }
                }
                members.formUnion(admins)
                result.append(DesiredChat(
                    key: .staffRoom, name: RosterChatKey.name(of: .staffRoom, className: nil, subjectName: nil),
                    schoolYearID: nil, members: members, admins: admins))
            }
        }

        let studentsByClass = Self.studentsByClass(roster)
        var parentsOf: [RosterPersonID: [RosterPersonID]] = [:]
        for g in roster.guardianships where roster.isActive(g.parent) {
            parentsOf[g.student, default: []].append(g.parent)
        }
        let assignmentsByClass = Dictionary(grouping: roster.assignments, by: \.classID)

        for schoolClass in roster.classes.sorted(by: { $0.id < $1.id }) where !hasEnded(schoolClass, roster) {
            let students = studentsByClass[schoolClass.id] ?? []
            let homeroom = schoolClass.homeroomTeacherID.flatMap { roster.isActive($0) ? ChatMemberRef.person($0) : nil }
            let homeroomSet: Set<ChatMemberRef> = homeroom.map { [$0] } ?? []
            let year = schoolClass.schoolYearID
            let label = schoolClass.name

            let classKey = RosterChatKey.classChat(schoolClass.id)
            result.append(DesiredChat(
                key: classKey, name: RosterChatKey.name(of: classKey, className: label, subjectName: nil), schoolYearID: year,
                members: Set(students.map(ChatMemberRef.person)), admins: homeroomSet))

            let parentsKey = RosterChatKey.parents(schoolClass.id)
            let parents = students.flatMap { parentsOf[$0] ?? [] }
            result.append(DesiredChat(
                key: parentsKey, name: RosterChatKey.name(of: parentsKey, className: label, subjectName: nil), schoolYearID: year,
                members: Set(parents.map(ChatMemberRef.person)), admins: homeroomSet))

            var subjectChats: [RosterChatKey: (teachers: Set<ChatMemberRef>, students: Set<ChatMemberRef>)] = [:]
            for assignment in assignmentsByClass[schoolClass.id] ?? [] {
                let key = RosterChatKey.subject(schoolClass.id, assignment.subjectID, group: assignment.group)
                var entry = subjectChats[key] ?? ([], [])
                if roster.isActive(assignment.teacherID) { entry.teachers.insert(.person(assignment.teacherID)) }
                entry.students.formUnion(Self.students(taking: assignment, classStudents: students).map(ChatMemberRef.person))
                subjectChats[key] = entry
            }
            for (key, entry) in subjectChats.sorted(by: { $0.key < $1.key }) {
                let name = RosterChatKey.name(of: key, className: label, subjectName: key.subjectID.flatMap { roster.subjectNames[$0] })
                result.append(DesiredChat(key: key, name: name, schoolYearID: year, members: entry.students, admins: entry.teachers))
            }
        }
        return result
    }

    /// The students who take one of `teachers`' subjects now: the students a subject teacher may
    /// add to a chat, by the same rule that fills subject chats.
    public static func studentsTaught(by teachers: Set<RosterPersonID>, _ roster: ChatRoster) -> Set<RosterPersonID> {
        let byClass = studentsByClass(roster)
        let current = Set(roster.classes.filter { !hasEnded($0, roster) }.map(\.id))
        var result = Set<RosterPersonID>()
        for assignment in roster.assignments where teachers.contains(assignment.teacherID) && current.contains(assignment.classID) {
            result.formUnion(students(taking: assignment, classStudents: byClass[assignment.classID] ?? []))
        }
        return result
    }

    /// The students a staff member has in front of them on the roster's date: those who take
    /// their subjects and those of the classes they lead (direct chats, `DirectChatRules`).
    public static func studentsTaughtOrLed(by teachers: Set<RosterPersonID>, _ roster: ChatRoster) -> Set<RosterPersonID> {
        var result = studentsTaught(by: teachers, roster)
        let byClass = studentsByClass(roster)
        for schoolClass in roster.classes where !hasEnded(schoolClass, roster) {
            if let teacher = schoolClass.homeroomTeacherID, teachers.contains(teacher) { result.formUnion(byClass[schoolClass.id] ?? []) }
        }
        return result
    }

    /// Active students enrolled on the roster's date, by class.
    static func studentsByClass(_ roster: ChatRoster) -> [ClassID: Set<RosterPersonID>] {
        var result: [ClassID: Set<RosterPersonID>] = [:]
        for (student, periods) in roster.periods where roster.isActive(student) {
            for period in periods where period.contains(roster.date) {
                result[period.classID, default: []].insert(student)
            }
        }
        return result
    }

    /// A whole-class assignment is taken by the class; a group's by its students still in the class.
    static func students(taking assignment: TeachingAssignment, classStudents: Set<RosterPersonID>) -> Set<RosterPersonID> {
        assignment.isGroup ? classStudents.intersection(assignment.studentIDs) : classStudents
    }

    /// A class of a school year that ended before the roster's date wants no chats.
    static func hasEnded(_ schoolClass: SchoolClass, _ roster: ChatRoster) -> Bool {
        roster.schoolYears[schoolClass.schoolYearID].map { $0.endDate < roster.date } ?? false
    }

    /// How to bring a chat's members from `current` to `desired` (`nil`: the roster wants nobody
    /// there any more). Only roster-sourced members leave; hand-added ones stay until a person
    /// removes them; people a person removed (`excluded`) are not brought back by the roster; an
    /// admin a person declined is not made admin again.
    public static func plan(_ desired: DesiredChat?, current: [ChatMembership], excluded: Set<ChatMemberRef> = []) -> MembershipPlan {
        plan(members: desired?.members ?? [], admins: desired?.admins ?? [], current: current, excluded: excluded)
    }

    /// The plan for a chat whose roster (or rule) wants `members`, of whom `admins` administer it.
    public static func plan(
        members: Set<ChatMemberRef>, admins: Set<ChatMemberRef>, current: [ChatMembership], excluded: Set<ChatMemberRef> = []
    ) -> MembershipPlan {
        let wanted = members.union(admins).subtracting(excluded)
        let wantedAdmins = admins
        var plan = MembershipPlan()
        var present = Set<ChatMemberRef>()
        for row in current.sorted(by: { $0.member < $1.member }) {
            present.insert(row.member)
            if wanted.contains(row.member) {
                if !row.viaRoster { plan.adopt.append(row.member) }
                if wantedAdmins.contains(row.member) {
                    if row.admin == .none { plan.grantAdmin.append(row.member) }
                } else if row.admin == .roster {
                    plan.revokeAdmin.append(row.member)
                }
            } else if row.viaRoster {
                if row.viaHand {
                    plan.release.append(row.member)
                    if row.admin == .roster { plan.revokeAdmin.append(row.member) }
                } else {
                    plan.remove.append(row.member)
                }
            } else if row.admin == .roster {
                plan.revokeAdmin.append(row.member)
            }
        }
        for ref in wanted.sorted() where !present.contains(ref) {
            plan.add.append(ref)
            if wantedAdmins.contains(ref) { plan.grantAdmin.append(ref) }
        }
        return plan
    }
}

/// Which chats a batch of roster events touches. Persons and subjects are resolved to classes by
/// the application (it knows where a person is enrolled, teaches or has children).
public struct ChatScope: Sendable, Equatable {
    public struct LinkChange: Hashable, Sendable {
        public var person: RosterPersonID
        public var account: AccountID
        public var linked: Bool

        public init(person: RosterPersonID, account: AccountID, linked: Bool) {
            self.person = person
            self.account = account
            self.linked = linked
        }
    }

    public var staffRoom = false
    public var classes: Set<ClassID> = []
    public var subjects: Set<SubjectID> = []
    public var persons: Set<RosterPersonID> = []
    /// Accounts linked to or unlinked from persons, in order: the members' accounts follow.
    public var links: [LinkChange] = []

    public init(staffRoom: Bool = false, classes: Set<ClassID> = [], subjects: Set<SubjectID> = [], persons: Set<RosterPersonID> = []) {
        self.staffRoom = staffRoom
        self.classes = classes
        self.subjects = subjects
        self.persons = persons
    }

    public var isEmpty: Bool { !staffRoom && classes.isEmpty && subjects.isEmpty && persons.isEmpty && links.isEmpty }

    /// Everything either scope touches (links in order: these, then `other`'s).
    public mutating func formUnion(_ other: ChatScope) {
        staffRoom = staffRoom || other.staffRoom
        classes.formUnion(other.classes)
        subjects.formUnion(other.subjects)
        persons.formUnion(other.persons)
        links += other.links
    }

    /// The chats affected by `events`: a class's chats for changes to the class, its homeroom
    /// teacher, its assignments and its enrollments; everything a person touches for changes to the
    /// person, their guardianships and their link. A new school year or subject name touches
    /// nothing but the subject's chats' names.
    public static func affected(by events: [RosterEvent]) -> ChatScope {
        var scope = ChatScope()
        for event in events {
            switch event {
            case .schoolYearChanged:
                break
            case .classChanged(let c), .homeroomChanged(let c, _, _):
                scope.classes.insert(c)
            case .subjectChanged(let s):
                scope.subjects.insert(s)
            case .personChanged(let p):
                scope.persons.insert(p)
                scope.staffRoom = true
            case .personRemoved:
                // The person's rows went with them; the staff room loses a teacher.
                scope.staffRoom = true
            case .assignmentChanged(_, let c), .assignmentRemoved(_, let c):
                scope.classes.insert(c)
            case .enrollmentChanged(_, let classes):
                scope.classes.formUnion(classes)
            case .guardianshipChanged(_, let student):
                scope.persons.insert(student)
            case .linked(let p, let a):
                scope.links.append(LinkChange(person: p, account: a, linked: true))
                scope.staffRoom = true
            case .unlinked(let p, let a):
                scope.links.append(LinkChange(person: p, account: a, linked: false))
                scope.staffRoom = true
            }
        }
        return scope
    }
}
