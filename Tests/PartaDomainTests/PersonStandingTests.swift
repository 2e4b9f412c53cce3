import PartaDomain
import Testing

@Suite("Person standing")
struct PersonStandingTests {
    static let today = LocalDate(parsing: "2026-10-15")!
    static let c10A = ClassID(1)
    static let c9G = ClassID(2)
    static func period(_ start: String, _ end: String?, _ c: ClassID = c10A) -> EnrollmentPeriod {
        EnrollmentPeriod(classID: c, start: LocalDate(parsing: start)!, end: end.flatMap { LocalDate(parsing: $0) })
    }

    static func child(_ periods: EnrollmentPeriod..., active: Bool = true) -> PersonStanding.Facts.Child {
        PersonStanding.Facts.Child(active: active, periods: periods)
    }

    struct Row: Sendable, CustomStringConvertible {
        var name: String
        var facts: PersonStanding.Facts
        var stands: Bool
        var description: String { name }
    }

    static let table: [Row] = [
        Row(name: "a teacher", facts: .init(role: .teacher, active: true), stands: true),
        Row(name: "an inactive teacher", facts: .init(role: .teacher, active: false), stands: false),
        Row(name: "an employee", facts: .init(role: .employee, active: true), stands: true),
        Row(name: "a student in a class", facts: .init(role: .student, active: true, periods: [period("2026-09-01", nil)]), stands: true),
        Row(name: "a student leaving later", facts: .init(role: .student, active: true, periods: [period("2026-09-01", "2026-10-20")]), stands: true),
        Row(name: "a student withdrawn", facts: .init(role: .student, active: true, periods: [period("2026-09-01", "2026-10-15")]), stands: false),
        Row(name: "a student withdrawn, enrolled again from next week",
            facts: .init(role: .student, active: true, periods: [period("2026-09-01", "2026-10-10"), period("2026-10-20", nil, c9G)]), stands: true),
        Row(name: "a student not placed in a class yet", facts: .init(role: .student, active: true), stands: true),
        Row(name: "an inactive student in a class", facts: .init(role: .student, active: false, periods: [period("2026-09-01", nil)]), stands: false),
        Row(name: "a parent without a child on the roster", facts: .init(role: .parent, active: true), stands: false),
        Row(name: "a parent of a student at school", facts: .init(role: .parent, active: true, children: [child(period("2026-09-01", nil))]), stands: true),
        Row(name: "a parent of one who left and one at school",
            facts: .init(role: .parent, active: true, children: [child(period("2026-09-01", "2026-10-01")), child(period("2026-09-01", nil))]), stands: true),
        Row(name: "a parent whose only child left",
            facts: .init(role: .parent, active: true, children: [child(period("2026-09-01", "2026-10-01"))]), stands: false),
        Row(name: "a parent whose only child was deactivated",
            facts: .init(role: .parent, active: true, children: [child(period("2026-09-01", nil), active: false)]), stands: false),
        Row(name: "a parent of a child not placed in a class yet", facts: .init(role: .parent, active: true, children: [child()]), stands: true),
        Row(name: "an inactive parent", facts: .init(role: .parent, active: false, children: [child(period("2026-09-01", nil))]), stands: false),
    ]

    @Test("who stands: active, and at the school (a student), or with a child at the school (a parent)", arguments: table)
    func stands(row: Row) {
        #expect(PersonStanding.stands(row.facts, on: Self.today) == row.stands)
    }

    @Test("linked and not standing: suspend; suspended and standing again: restore; otherwise nothing")
    func change() {
        let account = AccountID(7)
        let gone = PersonStanding.Facts(role: .teacher, active: false)
        let here = PersonStanding.Facts(role: .teacher, active: true)
        #expect(PersonStanding.change(gone, linked: account, suspended: nil, on: Self.today) == .suspend(account))
        #expect(PersonStanding.change(here, linked: nil, suspended: account, on: Self.today) == .restore(account))
        #expect(PersonStanding.change(here, linked: account, suspended: nil, on: Self.today) == nil)
        #expect(PersonStanding.change(gone, linked: nil, suspended: account, on: Self.today) == nil)
        #expect(PersonStanding.change(gone, linked: nil, suspended: nil, on: Self.today) == nil)
        #expect(PersonStanding.change(here, linked: nil, suspended: nil, on: Self.today) == nil)
    }
}
