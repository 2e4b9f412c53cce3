import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Roster: structure, people, orders")
struct RosterTests {
    static func person(_ role: RosterRole, _ surname: String, _ given: String, ext: String? = nil, birth: String? = nil) -> PersonInput {
        PersonInput(role: role, surname: surname, givenName: given, birthDate: birth.flatMap(LocalDate.init(parsing:)), externalID: ext)
    }

    @Test("classes, homeroom teachers and their rules", arguments: TestEngine.all)
    func classes(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            await #expect(throws: PartaError.conflict("school_year_exists", "The school year 2025/2026 already exists.")) {
                try await p.createSchoolYear(school.admin, organization: school.id, name: "2025-26")
            }
            let teacher = try await p.createPerson(school.admin, organization: school.id, Self.person(.teacher, "Иванова", "Мария"))
            let student = try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Петров", "Пётр"))
            let tenA = try await p.createClass(
                school.admin, organization: school.id, schoolYear: school.year.id, label: try ClassLabel.parse("10а"),
                homeroomTeacher: teacher.person.id)
            #expect(tenA.schoolClass.name == "10А")
            #expect(tenA.homeroomTeacher?.name.surname == "Иванова")
            await #expect(throws: PartaError.self) {
                try await p.createClass(school.admin, organization: school.id, schoolYear: school.year.id, label: ClassLabel(grade: 10, letter: "А"))
            }
            await #expect(throws: PartaError.invalid("wrong_role", "Петров Пётр is a student, not a teacher.")) {
                try await p.createClass(school.admin, organization: school.id, schoolYear: school.year.id,
                                        label: ClassLabel(grade: 10, letter: "Б"), homeroomTeacher: student.person.id)
            }
            let changed = try await p.updateClass(school.admin, organization: school.id, id: tenA.schoolClass.id, homeroomTeacher: .some(nil))
            #expect(changed.homeroomTeacher == nil)
            let events = try await world.database.read { try await $0.rosterEvents(of: school.id) }.map(\.event)
            #expect(events.contains(.homeroomChanged(tenA.schoolClass.id, from: nil, to: teacher.person.id)))
            #expect(events.contains(.homeroomChanged(tenA.schoolClass.id, from: teacher.person.id, to: nil)))
            try await p.deleteClass(school.admin, organization: school.id, id: tenA.schoolClass.id)
            #expect(try await p.classes(school.admin, organization: school.id).isEmpty)
        }
    }

    @Test("people: creation, external ids, search, edits and deletion", arguments: TestEngine.all)
    func people(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let a = try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Фёдоров", "Артём", ext: "S-1", birth: "2010-05-17"))
            #expect(a.person.birthDate == LocalDate("2010-05-17"))
            await #expect(throws: PartaError.conflict("external_id_taken", "The external id «S-1» already belongs to another record.")) {
                try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Другой", "Ученик", ext: "S-1"))
            }
            await #expect(throws: PartaError.self) {
                try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Будущий", "Ученик", birth: "2031-01-01"))
            }
            _ = try await p.createPerson(school.admin, organization: school.id, Self.person(.parent, "Фёдорова", "Анна"))
            _ = try await p.createPerson(school.admin, organization: school.id, Self.person(.teacher, "Сидоров", "Игорь"))
            let found = try await p.persons(school.admin, organization: school.id, filter: PersonFilter(words: SearchText.words("федор")), page: PageRequest())
            #expect(found.items.map(\.name.surname) == ["Фёдоров", "Фёдорова"])
            let students = try await p.persons(school.admin, organization: school.id, filter: PersonFilter(role: .student), page: PageRequest())
            #expect(students.total == 1)

            let edited = try await p.updatePerson(school.admin, organization: school.id, id: a.person.id, PersonPatch(givenName: "Артемий", gender: .male))
            #expect(edited.person.name.givenName == "Артемий")
            // A person without history may change role; with history not.
            let teacher = try await p.updatePerson(school.admin, organization: school.id, id: a.person.id, PersonPatch(role: .teacher))
            #expect(teacher.person.role == .teacher)
            try await p.deletePerson(school.admin, organization: school.id, id: a.person.id)
            await #expect(throws: PartaError.notFound("The person")) {
                try await p.person(school.admin, organization: school.id, id: a.person.id)
            }
            let audit = try await p.auditLog(school.admin, organization: school.id, action: nil, page: PageRequest(page: 1, perPage: 100))
            let actions = Set(audit.items.map(\.action))
            #expect(actions.isSuperset(of: [.personCreated, .personUpdated, .personDeleted, .schoolYearCreated]))
        }
    }

    @Test("orders move students; cancellation undoes exactly its effect", arguments: TestEngine.all)
    func orders(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let student = try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Петров", "Пётр")).person.id
            let a = try await p.createClass(school.admin, organization: school.id, schoolYear: school.year.id, label: ClassLabel(grade: 10, letter: "А")).schoolClass.id
            let b = try await p.createClass(school.admin, organization: school.id, schoolYear: school.year.id, label: ClassLabel(grade: 10, letter: "Б")).schoolClass.id
            func inClass(_ c: ClassID, _ date: LocalDate) async throws -> Bool {
                try await p.students(school.admin, organization: school.id, classID: c, on: date).map(\.id).contains(student)
            }
            _ = try await p.createOrder(school.admin, organization: school.id, student: student, kind: .enrollment, classID: a, date: LocalDate("2025-09-01"))
            #expect(try await inClass(a, LocalDate("2025-09-01")))
            #expect(try await !inClass(a, LocalDate("2025-08-31")))
            let withdrawal = try await p.createOrder(school.admin, organization: school.id, student: student, kind: .withdrawal, classID: a, date: LocalDate("2025-12-01"))
            #expect(try await !inClass(a, LocalDate("2025-12-01")))
            // Withdrawing again from a class the student is no longer in is refused.
            await #expect(throws: PartaError.self) {
                try await p.createOrder(school.admin, organization: school.id, student: student, kind: .withdrawal, classID: a, date: LocalDate("2026-01-01"))
            }
            // Enrollment outside the school year is refused.
            await #expect(throws: PartaError.self) {
                try await p.createOrder(school.admin, organization: school.id, student: student, kind: .enrollment, classID: b, date: LocalDate("2026-09-01"))
            }
            _ = try await p.cancelOrder(school.admin, organization: school.id, id: withdrawal.order.id)
            #expect(try await inClass(a, LocalDate("2026-03-01")))
            await #expect(throws: PartaError.conflict("already_cancelled", "This order was already cancelled.")) {
                try await p.cancelOrder(school.admin, organization: school.id, id: withdrawal.order.id)
            }
            // A transfer.
            _ = try await p.createOrder(school.admin, organization: school.id, student: student, kind: .enrollment, classID: b, date: LocalDate("2026-01-10"))
            #expect(try await inClass(a, LocalDate("2026-01-09")))
            #expect(try await inClass(b, LocalDate("2026-01-10")))
            #expect(try await !inClass(a, LocalDate("2026-01-10")))
            let details = try await p.person(school.admin, organization: school.id, id: student)
            #expect(details.enrollment.map(\.classID) == [a, b])

            let events = try await world.database.read { try await $0.rosterEvents(of: school.id) }.map(\.event)
            let enrollmentEvents = events.compactMap { event -> [ClassID]? in
                if case .enrollmentChanged(student, let classes) = event { return classes }
                return nil
            }
            // enroll A → [A]; withdraw A → [A]; cancel withdrawal → [A]; transfer to B → [A, B].
            #expect(enrollmentEvents == [[a], [a], [a], [a, b].sorted()])
            let page = try await p.orders(school.admin, organization: school.id, student: student, page: PageRequest())
            #expect(page.total == 3)
            #expect(page.items.first?.schoolClass.name == "10Б")
        }
    }

    @Test("guardianships and teaching assignments check roles", arguments: TestEngine.all)
    func teaching(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let teacher = try await p.createPerson(school.admin, organization: school.id, Self.person(.teacher, "Смирнов", "Олег")).person.id
            let parent = try await p.createPerson(school.admin, organization: school.id, Self.person(.parent, "Петрова", "Анна")).person.id
            let s1 = try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Петров", "Пётр")).person.id
            let s2 = try await p.createPerson(school.admin, organization: school.id, Self.person(.student, "Петрова", "Ольга")).person.id
            let c = try await p.createClass(school.admin, organization: school.id, schoolYear: school.year.id, label: ClassLabel(grade: 10, letter: "А")).schoolClass.id
            let english = try await p.createSubject(school.admin, organization: school.id, name: "Английский язык").id
            await #expect(throws: PartaError.self) {
                try await p.createSubject(school.admin, organization: school.id, name: "английский  язык")
            }
            try await p.addGuardianship(school.admin, organization: school.id, parent: parent, student: s1)
            try await p.addGuardianship(school.admin, organization: school.id, parent: parent, student: s2)
            await #expect(throws: PartaError.self) {
                try await p.addGuardianship(school.admin, organization: school.id, parent: s1, student: s2)
            }
            #expect(try await p.person(school.admin, organization: school.id, id: parent).children.map(\.id).sorted() == [s1, s2])

            let group = try await p.createAssignment(school.admin, organization: school.id,
                AssignmentInput(teacher: teacher, subject: english, classID: c, group: "Англ.яз/1", students: [s1]))
            #expect(group.assignment.studentIDs == [s1])
            await #expect(throws: PartaError.self) {
                try await p.createAssignment(school.admin, organization: school.id, AssignmentInput(teacher: teacher, subject: english, classID: c, students: [s1]))
            }
            await #expect(throws: PartaError.self) {
                try await p.createAssignment(school.admin, organization: school.id,
                    AssignmentInput(teacher: parent, subject: english, classID: c, group: "Англ.яз/2", students: [s2]))
            }
            let moved = try await p.updateAssignment(school.admin, organization: school.id, id: group.assignment.id,
                AssignmentInput(teacher: teacher, subject: english, classID: c, group: "Англ.яз/1", students: [s1, s2]))
            #expect(moved.assignment.studentIDs.sorted() == [s1, s2])
            await #expect(throws: PartaError.self) { try await p.deleteSubject(school.admin, organization: school.id, id: english) }
            await #expect(throws: PartaError.self) { try await p.deletePerson(school.admin, organization: school.id, id: teacher) }
            try await p.deleteAssignment(school.admin, organization: school.id, id: group.assignment.id)
            try await p.deleteSubject(school.admin, organization: school.id, id: english)
            try await p.removeGuardianship(school.admin, organization: school.id, parent: parent, student: s1)
            #expect(try await p.person(school.admin, organization: school.id, id: s1).parents.isEmpty)
        }
    }

    @Test("only the organization's administrators work with its roster", arguments: TestEngine.all)
    func permissions(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let other = try await world.rosterSchool("МБОУ «Лицей № 2»", adminPhone: "+79990000020")
            let p = world.parta
            _ = try await p.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79000000001")
            world.clock.advance(by: 61)
            let op = try await world.principal(try await world.signIn("+79000000001")).caller(from: "x")
            for intruder in [other.admin, op] {
                await #expect(throws: PartaError.self) {
                    try await p.createPerson(intruder, organization: school.id, Self.person(.student, "Чужой", "Ученик"))
                }
                await #expect(throws: PartaError.self) {
                    try await p.persons(intruder, organization: school.id, filter: PersonFilter(), page: PageRequest())
                }
                await #expect(throws: PartaError.self) { try await p.classes(intruder, organization: school.id) }
            }
            // Ids of another school's records are not found through this school.
            let theirs = try await p.createPerson(other.admin, organization: other.id, Self.person(.student, "Их", "Ученик")).person.id
            await #expect(throws: PartaError.notFound("The person")) {
                try await p.person(school.admin, organization: school.id, id: theirs)
            }
        }
    }
}
