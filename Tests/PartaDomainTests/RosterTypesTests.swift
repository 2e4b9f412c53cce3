import PartaDomain
import Testing

@Suite("Roster values")
struct RosterTypesTests {
    @Test("dates", arguments: [
        ("2025-09-01", "01.09.2025"), ("01.09.2025", "01.09.2025"), ("1.9.2025", "01.09.2025"),
        ("2024-02-29", "29.02.2024"), (" 31.12.2010 ", "31.12.2010"),
    ])
    func parsesDates(input: String, russian: String) throws {
        #expect(try #require(LocalDate(parsing: input)).russian == russian)
    }

    @Test("not dates", arguments: ["", "2025-02-29", "2025-13-01", "32.01.2025", "2025/09/01", "01.09.25", "сентябрь", "2025-9-1"])
    func refusesDates(input: String) {
        #expect(LocalDate(parsing: input) == nil)
    }

    @Test func dateArithmeticRoundTrips() throws {
        let start = try #require(LocalDate(year: 1999, month: 12, day: 30))
        var date = start
        for _ in 0..<40_000 {
            let next = date.adding(days: 1)
            #expect(next > date)
            #expect(LocalDate(dayNumber: next.dayNumber) == next)
            date = next
        }
        #expect(date.dayNumber - start.dayNumber == 40_000)
        #expect(LocalDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(LocalDate(year: 2025, month: 3, day: 1)!.adding(days: -1) == LocalDate(year: 2025, month: 2, day: 28))
    }

    @Test("class labels", arguments: [
        ("10А", 10, "А", "10А"), ("10 а", 10, "А", "10А"), ("10-А", 10, "А", "10А"), ("10A", 10, "А", "10А"),
        ("9г", 9, "Г", "9Г"), ("1", 1, "", "1"), ("5-1", 5, "1", "5-1"), ("11 «Б»", 11, "Б", "11Б"),
    ])
    func parsesClassLabels(input: String, grade: Int, letter: String, display: String) throws {
        let label = try ClassLabel.parse(input)
        #expect(label.grade == grade)
        #expect(label.letter == letter)
        #expect(label.description == display)
    }

    @Test("not classes", arguments: ["", "А", "13А", "10 ABCDE", "10?", "-1А"])
    func refusesClassLabels(input: String) {
        #expect(throws: PartaError.self) { try ClassLabel.parse(input) }
    }

    @Test func schoolYears() throws {
        #expect(try SchoolYear.parseName("2025/2026") == ("2025/2026", 2025))
        #expect(try SchoolYear.parseName("2025-26") == ("2025/2026", 2025))
        #expect(throws: PartaError.self) { try SchoolYear.parseName("2025/2027") }
        #expect(throws: PartaError.self) { try SchoolYear.parseName("прошлый") }
        let (start, end) = SchoolYear.defaultDates(firstYear: 2025)
        #expect(start.iso == "2025-09-01" && end.iso == "2026-08-31")
        #expect(SchoolYear.name(containing: LocalDate(parsing: "2026-01-15")!) == "2025/2026")
        #expect(SchoolYear.name(containing: LocalDate(parsing: "2026-09-01")!) == "2026/2027")
    }

    @Test func rolesAndGendersInRussianAndEnglish() throws {
        #expect(try RosterRole.parse("Ученик") == .student)
        #expect(try RosterRole.parse("guardian") == .parent)
        #expect(try RosterRole.parse("учитель") == .teacher)
        #expect(throws: PartaError.self) { try RosterRole.parse("директор") }
        #expect(try Gender.parse("Ж") == .female)
        #expect(try Gender.parse("male") == .male)
        #expect(try Gender.parse("") == .unspecified)
        #expect(throws: PartaError.self) { try Gender.parse("x") }
    }
}

@Suite("Enrollment on a date")
struct EnrollmentTimelineTests {
    static let a = ClassID(1), b = ClassID(2)
    static let student = RosterPersonID(7)

    static func d(_ iso: String) -> LocalDate { LocalDate(parsing: iso)! }

    static func order(_ id: Int64, _ kind: MovementOrder.Kind, _ classID: ClassID, _ date: String, cancelled: Bool = false) -> MovementOrder {
        MovementOrder(
            id: OrderID(id), organizationID: OrganizationID(1), studentID: student, kind: kind, classID: classID,
            effectiveDate: d(date), externalID: nil, cancelled: cancelled)
    }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var orders: [MovementOrder]
        /// Date → expected class (nil: not enrolled).
        var expect: [(String, ClassID?)]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no orders", orders: [], expect: [("2025-09-01", nil)]),
        Case(name: "enrolled from the order's date", orders: [order(1, .enrollment, a, "2025-09-01")],
             expect: [("2025-08-31", nil), ("2025-09-01", a), ("2026-05-31", a)]),
        Case(name: "withdrawn from the order's date",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .withdrawal, a, "2025-12-01")],
             expect: [("2025-11-30", a), ("2025-12-01", nil), ("2026-01-01", nil)]),
        Case(name: "cancelling the withdrawal restores the enrollment",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .withdrawal, a, "2025-12-01", cancelled: true)],
             expect: [("2025-12-01", a), ("2026-05-01", a)]),
        Case(name: "withdraw, then re-enroll elsewhere",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .withdrawal, a, "2025-12-01"),
                      order(3, .enrollment, b, "2026-01-10")],
             expect: [("2025-12-15", nil), ("2026-01-09", nil), ("2026-01-10", b)]),
        Case(name: "enrolling elsewhere is a transfer",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .enrollment, b, "2025-11-01")],
             expect: [("2025-10-31", a), ("2025-11-01", b)]),
        Case(name: "cancelling a transfer returns the student",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .enrollment, b, "2025-11-01", cancelled: true)],
             expect: [("2025-11-01", a), ("2026-03-01", a)]),
        Case(name: "cancelling the enrollment leaves a dangling withdrawal without effect",
             orders: [order(1, .enrollment, a, "2025-09-01", cancelled: true), order(2, .withdrawal, a, "2025-12-01"),
                      order(3, .enrollment, b, "2026-01-10")],
             expect: [("2025-10-01", nil), ("2026-01-10", b)]),
        Case(name: "withdrawal from a class the student is not in does nothing",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .withdrawal, b, "2025-10-01")],
             expect: [("2025-10-01", a)]),
        Case(name: "orders recorded out of date order apply by date",
             orders: [order(5, .withdrawal, a, "2025-12-01"), order(9, .enrollment, a, "2025-09-01")],
             expect: [("2025-10-01", a), ("2025-12-01", nil)]),
        Case(name: "withdrawal and enrollment on one day: by creation order",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .withdrawal, a, "2026-01-10"),
                      order(3, .enrollment, a, "2026-01-10")],
             expect: [("2026-01-10", a)]),
        Case(name: "withdrawal on the enrollment day leaves no period",
             orders: [order(1, .enrollment, a, "2025-09-01"), order(2, .withdrawal, a, "2025-09-01")],
             expect: [("2025-09-01", nil)]),
    ]

    @Test("the table", arguments: cases)
    func table(_ c: Case) {
        for (date, expected) in c.expect {
            #expect(EnrollmentTimeline.classOn(Self.d(date), orders: c.orders) == expected, "\(c.name) on \(date)")
        }
    }

    @Test func periodsAndAffectedClasses() {
        let before = EnrollmentTimeline.periods([Self.order(1, .enrollment, Self.a, "2025-09-01")])
        #expect(before == [EnrollmentPeriod(classID: Self.a, start: Self.d("2025-09-01"), end: nil)])
        let after = EnrollmentTimeline.periods([
            Self.order(1, .enrollment, Self.a, "2025-09-01"), Self.order(2, .enrollment, Self.b, "2025-11-01"),
        ])
        #expect(after.count == 2)
        #expect(EnrollmentTimeline.affectedClasses(before: before, after: after) == [Self.a, Self.b])
        #expect(EnrollmentTimeline.affectedClasses(before: after, after: after).isEmpty)
    }

    @Test func newOrdersAreChecked() throws {
        let year = SchoolYear(id: SchoolYearID(1), organizationID: OrganizationID(1), name: "2025/2026",
                              startDate: Self.d("2025-09-01"), endDate: Self.d("2026-08-31"))
        let existing = [Self.order(1, .enrollment, Self.a, "2025-09-01")]
        #expect(throws: PartaError.self) {
            try EnrollmentTimeline.checkNewOrder(kind: .enrollment, classID: Self.a, className: "10А", date: Self.d("2025-10-01"), schoolYear: year, existing: existing)
        }
        #expect(throws: PartaError.self) {
            try EnrollmentTimeline.checkNewOrder(kind: .enrollment, classID: Self.b, className: "10Б", date: Self.d("2026-09-01"), schoolYear: year, existing: existing)
        }
        #expect(throws: PartaError.self) {
            try EnrollmentTimeline.checkNewOrder(kind: .withdrawal, classID: Self.b, className: "10Б", date: Self.d("2025-10-01"), schoolYear: year, existing: existing)
        }
        try EnrollmentTimeline.checkNewOrder(kind: .withdrawal, classID: Self.a, className: "10А", date: Self.d("2025-10-01"), schoolYear: year, existing: existing)
        try EnrollmentTimeline.checkNewOrder(kind: .enrollment, classID: Self.b, className: "10Б", date: Self.d("2025-10-01"), schoolYear: year, existing: existing)
    }
}

@Suite("Roster rules")
struct RosterRulesTests {
    static let person = RosterPerson(
        id: RosterPersonID(1), organizationID: OrganizationID(1), role: .student,
        name: PersonName(surname: "Петров", givenName: "Пётр"), gender: .male, birthDate: nil, externalID: nil, accountID: nil, active: true)

    @Test("a role changes only without history", arguments: [
        (RosterRole.student, false, nil), (.student, true, nil), (.teacher, false, nil), (.teacher, true, "role_in_use"),
    ] as [(RosterRole, Bool, String?)])
    func roleChange(to role: RosterRole, history: Bool, refusal: String?) {
        do {
            try Self.person.checkRoleChange(to: role, hasHistory: history)
            #expect(refusal == nil)
        } catch {
            #expect(error.code == refusal)
        }
    }

    @Test("only a group lists its own students", arguments: [("", 0, true), ("", 2, false), ("Англ.яз/1", 2, true), ("Англ.яз/1", 0, true)])
    func groupStudents(group: String, students: Int, allowed: Bool) {
        #expect((try? TeachingAssignment.checkStudents(group: group, studentCount: students)) != nil || !allowed)
        #expect((try? TeachingAssignment.checkStudents(group: group, studentCount: students)) == nil || allowed)
    }
}
