import Foundation
import PartaDomain
import Testing

@Suite("Link codes")
struct LinkCodeRulesTests {
    static let issued = Date(timeIntervalSince1970: 1_800_000_000)
    static let expires = issued.addingTimeInterval(LinkCodeRules.lifetime)

    @Test("the table", arguments: [
        (0.0, false, false, nil),
        (86_399.0, false, false, nil),
        (86_400.0, false, false, "link_code_expired"),
        (10.0, true, false, "link_code_used"),
        (90_000.0, true, false, "link_code_used"),
        (10.0, false, true, "already_linked"),
    ] as [(Double, Bool, Bool, String?)])
    func rules(after: Double, used: Bool, linked: Bool, refusal: String?) {
        do {
            try LinkCodeRules.check(
                expiresAt: Self.expires, usedAt: used ? Self.issued : nil, personLinked: linked,
                now: Self.issued.addingTimeInterval(after))
            #expect(refusal == nil)
        } catch {
            #expect(error.code == refusal)
        }
    }

    @Test("a class's cards: enrolled students and their parents not yet linked, students first; a parent's card names the children")
    func cardHolders() {
        let c10A = ClassID(1), c9G = ClassID(2)
        let org = OrganizationID(1)
        func person(_ id: Int64, _ role: RosterRole, _ surname: String, linked: Bool = false, active: Bool = true) -> RosterPerson {
            RosterPerson(id: RosterPersonID(id), organizationID: org, role: role, name: PersonName(surname: surname, givenName: "А", patronymic: ""),
                         gender: .unspecified, birthDate: nil, externalID: nil, accountID: linked ? AccountID(id) : nil, active: active)
        }
        let people = [
            person(1, .student, "Борисов"), person(2, .student, "Алексеев"), person(3, .student, "Линков", linked: true),
            person(4, .student, "Выбывший"), person(5, .student, "Другой"), person(6, .student, "Неактивный", active: false),
            person(10, .parent, "Алексеева"), person(11, .parent, "Линкова", linked: true), person(12, .parent, "Выбывшева"),
            person(13, .parent, "Другова"),
        ]
        let persons = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
        let september = LocalDate(parsing: "2026-09-01")!
        func period(_ c: ClassID, until end: String? = nil) -> [EnrollmentPeriod] { [EnrollmentPeriod(classID: c, start: september, end: end.flatMap { LocalDate(parsing: $0) })] }
        let periods: [RosterPersonID: [EnrollmentPeriod]] = [
            RosterPersonID(1): period(c10A), RosterPersonID(2): period(c10A), RosterPersonID(3): period(c10A),
            RosterPersonID(4): period(c10A, until: "2026-09-15"), RosterPersonID(5): period(c9G), RosterPersonID(6): period(c10A),
        ]
        let guardianships = [(10, 2), (10, 1), (11, 1), (12, 4), (13, 5)].map { Guardianship(parent: RosterPersonID($0.0), student: RosterPersonID($0.1)) }
        let holders = LinkCodeRules.cardHolders(
            of: c10A, on: LocalDate(parsing: "2026-10-01")!, periods: periods, guardianships: guardianships, persons: persons)
        #expect(holders.map(\.person.name.surname) == ["Алексеев", "Борисов", "Алексеева"])
        #expect(holders.map { $0.children.map(\.surname) } == [[], [], ["Алексеев", "Борисов"]])
    }
}
