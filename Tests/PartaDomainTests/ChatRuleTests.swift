import PartaDomain
import Testing

/// Chats that follow a rule (issue 19): who matches each rule, and how rules read and write.
@Suite("Chat rules")
struct ChatRuleTests {
    static let year = SchoolYearID(1)
    static let c10A = ClassID(1), c10B = ClassID(2), c9G = ClassID(3)
    static let director = RosterPersonID(1), deputy = RosterPersonID(2), teacher = RosterPersonID(3), secretary = RosterPersonID(4)
    static let formerTeacher = RosterPersonID(5)
    static let s10A = RosterPersonID(10), s10B = RosterPersonID(11), s9G = RosterPersonID(12), councillor = RosterPersonID(13)
    static let withdrawn = RosterPersonID(14)
    static let p10A = RosterPersonID(20), p10B = RosterPersonID(21), p9G = RosterPersonID(22), committee10A = RosterPersonID(23)
    static let pWithdrawn = RosterPersonID(24), inactiveParent = RosterPersonID(25)

    static func roster() -> RuleRoster {
        typealias P = RuleRoster.Person
        let classes = [(c10A, 10, "А"), (c10B, 10, "Б"), (c9G, 9, "Г")].map { id, grade, letter in
            SchoolClass(id: id, organizationID: OrganizationID(1), schoolYearID: year, label: ClassLabel(grade: grade, letter: letter), homeroomTeacherID: nil, externalID: nil)
        }
        let september = LocalDate(parsing: "2026-09-01")!
        func enrolled(_ c: ClassID, until end: String? = nil) -> [EnrollmentPeriod] { [EnrollmentPeriod(classID: c, start: september, end: end.flatMap { LocalDate(parsing: $0) })] }
        return RuleRoster(
            date: LocalDate(parsing: "2026-10-01")!,
            persons: [
                director: P(role: .employee, position: "Директор"), deputy: P(role: .teacher, position: "заместитель директора по УВР"),
                teacher: P(role: .teacher, position: "Учитель истории, классный руководитель"), secretary: P(role: .employee, position: "Секретарь"),
                formerTeacher: P(role: .teacher, active: false, position: "Директор"),
                s10A: P(role: .student), s10B: P(role: .student), s9G: P(role: .student), councillor: P(role: .student, studentCouncil: true),
                withdrawn: P(role: .student, studentCouncil: true),
                p10A: P(role: .parent), p10B: P(role: .parent), p9G: P(role: .parent), committee10A: P(role: .parent, parentsCommittee: true),
                pWithdrawn: P(role: .parent, parentsCommittee: true), inactiveParent: P(role: .parent, active: false),
            ],
            classes: classes,
            periods: [s10A: enrolled(c10A), s10B: enrolled(c10B), s9G: enrolled(c9G), councillor: enrolled(c10A), withdrawn: enrolled(c10A, until: "2026-09-20")],
            guardianships: [
                Guardianship(parent: p10A, student: s10A), Guardianship(parent: committee10A, student: councillor), Guardianship(parent: p10B, student: s10B),
                Guardianship(parent: p9G, student: s9G), Guardianship(parent: pWithdrawn, student: withdrawn), Guardianship(parent: inactiveParent, student: s10A),
            ])
    }

    @Test("who each rule takes, on the roster's date: active people, enrolled students, their parents", arguments: [
        (ChatRule.allStaff, Set([director, deputy, teacher, secretary])),
        (.wholeSchool, [director, deputy, teacher, secretary, s10A, s10B, s9G, councillor, p10A, p10B, p9G, committee10A]),
        // Director and deputy by position; a homeroom teacher's "руководитель" is not the administration.
        (.administration, [director, deputy]),
        (.parentsOfGrade(10), [p10A, p10B, committee10A]),
        (.parentsOfGrade(11), []),
        (.parentsOfClasses([c10B, c9G]), [p10B, p9G]),
        // The committee flag counts in the class the child is in now, not after a withdrawal.
        (.parentsCommittee(c10A), [committee10A]),
        (.parentsCommittee(c10B), []),
        (.studentCouncil, [councillor]),
    ] as [(ChatRule, Set<RosterPersonID>)])
    func members(rule: ChatRule, expected: Set<RosterPersonID>) {
        #expect(rule.members(Self.roster()) == expected)
    }

    @Test("a rule follows the roster: a transfer, a position, a flag")
    func follows() {
        var roster = Self.roster()
        roster.periods[Self.s10A] = [EnrollmentPeriod(classID: Self.c10A, start: LocalDate(parsing: "2026-09-01")!, end: LocalDate(parsing: "2026-09-30")!),
                                    EnrollmentPeriod(classID: Self.c9G, start: LocalDate(parsing: "2026-09-30")!, end: nil)]
        #expect(ChatRule.parentsOfClasses([Self.c9G]).members(roster) == [Self.p9G, Self.p10A])
        roster.persons[Self.secretary]!.position = "Заместитель директора по АХЧ"
        #expect(ChatRule.administration.members(roster) == [Self.director, Self.deputy, Self.secretary])
        roster.persons[Self.councillor]!.studentCouncil = false
        #expect(ChatRule.studentCouncil.members(roster).isEmpty)
    }

    @Test("the administration by position: the director, deputies, acting; not who works for the director", arguments: [
        ("Директор", true), ("директор школы", true), ("Заместитель директора по УВР", true), ("зам. директора по ВР", true),
        ("Замдиректора по безопасности", true), ("и.о. директора", true), ("ВРИО директора", true),
        ("исполняющий обязанности директора", true), ("Завуч", true), ("завуч начальной школы", true),
        ("Секретарь директора", false), ("помощник директора", false), ("Учитель истории, классный руководитель", false),
        ("Секретарь", false), ("", false), ("Директорский водитель", false),
    ])
    func administration(position: String, expected: Bool) {
        #expect(ChatRule.isAdministration(position: position) == expected)
    }

    @Test("rules read and write as the API and the database hold them", arguments: [
        ("all_staff", ChatRule.allStaff), ("whole_school", .wholeSchool), ("administration", .administration),
        ("student_council", .studentCouncil), ("parents_of_grade:9", .parentsOfGrade(9)),
        (" parents_of_classes:4,2,4 ", .parentsOfClasses([ClassID(2), ClassID(4)])), ("parents_committee:7", .parentsCommittee(ClassID(7))),
    ])
    func parse(raw: String, rule: ChatRule) throws {
        #expect(try ChatRule.parse(raw) == rule)
        #expect(try ChatRule.parse(rule.storageKey) == rule)
    }

    @Test("bad rules are refused", arguments: [
        "", "everyone", "all_staff:1", "parents_of_grade", "parents_of_grade:0", "parents_of_grade:12", "parents_of_grade:x",
        "parents_of_classes:", "parents_of_classes:1,,2", "parents_of_classes:-1", "parents_committee:1,2", "parents_committee:",
        "parents_of_classes:" + (1...41).map(String.init).joined(separator: ","),
    ])
    func refused(raw: String) {
        #expect((#expect(throws: PartaError.self) { try ChatRule.parse(raw) })?.code == "invalid_rule")
    }

    @Test("names a school would give")
    func names() {
        let names = [Self.c10A: "10А", Self.c10B: "10Б"]
        #expect(ChatRule.parentsOfClasses([Self.c10A, Self.c10B]).name(classNames: names) == "Родители 10А, 10Б")
        #expect(ChatRule.parentsCommittee(Self.c10A).name(classNames: names) == "10А - Родительский комитет")
        #expect(ChatRule.parentsOfGrade(5).name(classNames: [:]) == "Родители 5-х классов")
        #expect(ChatRule.administration.name(classNames: [:]) == "Администрация")
    }
}
