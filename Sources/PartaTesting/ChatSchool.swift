public import PartaApp
public import PartaDomain
import PartaStore

extension TestWorld {
    /// The worked example of SPEC §4 built through the roster's use cases (so its chats come from
    /// roster events): school year 2026/2027 (the clock's), 10А led by Иванова with Краеведение
    /// (Петров) and the English group `Англ.яз/1` (Смит: s1, s2), 9Г led by Сидорова with Химия;
    /// students s1–s3 in 10А and s9 in 9Г; p1 parent of s1, p2 parent of s2 and s9. Иванова,
    /// Петров, Смит, p2 and s1 are linked to signed-in accounts.
    public struct ChatSchool: Sendable {
        public var roster: RosterSchool
        public var year: SchoolYear
        public var tenA: ClassID
        public var nineG: ClassID
        public var kraeved: SubjectID
        public var english: SubjectID
        public var chemistry: SubjectID
        public var ivanova: RosterPersonID
        public var petrov: RosterPersonID
        public var smith: RosterPersonID
        public var sidorova: RosterPersonID
        public var s1: RosterPersonID
        public var s2: RosterPersonID
        public var s3: RosterPersonID
        public var s9: RosterPersonID
        public var p1: RosterPersonID
        public var p2: RosterPersonID
        /// Signed-in callers, principals and session tokens of the linked people (tokens also
        /// for `admin`).
        public var callers: [String: Caller]
        public var principals: [String: Principal]
        public var tokens: [String: String]

        public var id: OrganizationID { roster.id }
        public var admin: Caller { roster.admin }
    }

    public func chatSchool() async throws -> ChatSchool {
        let school = try await rosterSchool()
        let p = parta
        let (org, admin) = (school.id, school.admin)
        let year = try await p.createSchoolYear(admin, organization: org, name: "2026/2027")
        func person(_ role: RosterRole, _ surname: String, _ given: String) async throws -> RosterPersonID {
            try await p.createPerson(admin, organization: org, PersonInput(role: role, surname: surname, givenName: given)).person.id
        }
        let ivanova = try await person(.teacher, "Иванова", "Мария")
        let petrov = try await person(.teacher, "Петров", "Олег")
        let smith = try await person(.teacher, "Смит", "Джон")
        let sidorova = try await person(.teacher, "Сидорова", "Анна")
        let s1 = try await person(.student, "Алексеев", "Артём")
        let s2 = try await person(.student, "Борисова", "Вера")
        let s3 = try await person(.student, "Васильев", "Глеб")
        let s9 = try await person(.student, "Борисов", "Дмитрий")
        let p1 = try await person(.parent, "Алексеева", "Елена")
        let p2 = try await person(.parent, "Борисова", "Жанна")
        let tenA = try await p.createClass(admin, organization: org, schoolYear: year.id, label: ClassLabel.parse("10А"), homeroomTeacher: ivanova).schoolClass.id
        let nineG = try await p.createClass(admin, organization: org, schoolYear: year.id, label: ClassLabel.parse("9Г"), homeroomTeacher: sidorova).schoolClass.id
        let kraeved = try await p.createSubject(admin, organization: org, name: "Краеведение").id
        let english = try await p.createSubject(admin, organization: org, name: "Английский язык").id
        let chemistry = try await p.createSubject(admin, organization: org, name: "Химия").id
        _ = try await p.createAssignment(admin, organization: org, AssignmentInput(teacher: petrov, subject: kraeved, classID: tenA))
        _ = try await p.createAssignment(admin, organization: org, AssignmentInput(teacher: smith, subject: english, classID: tenA, group: "Англ.яз/1", students: [s1, s2]))
        _ = try await p.createAssignment(admin, organization: org, AssignmentInput(teacher: sidorova, subject: chemistry, classID: nineG))
        for (student, classID) in [(s1, tenA), (s2, tenA), (s3, tenA), (s9, nineG)] {
            _ = try await p.createOrder(admin, organization: org, student: student, kind: .enrollment, classID: classID, date: LocalDate("2026-09-01"))
        }
        try await p.addGuardianship(admin, organization: org, parent: p1, student: s1)
        try await p.addGuardianship(admin, organization: org, parent: p2, student: s2)
        try await p.addGuardianship(admin, organization: org, parent: p2, student: s9)

        var callers: [String: Caller] = [:]
        var principals: [String: Principal] = [:]
        var tokens: [String: String] = [:]
        clock.advance(by: 61)
        tokens["admin"] = try await signIn("+79990000010", device: "chats", address: "192.0.2.49").token
        for (index, (name, id)) in [("ivanova", ivanova), ("petrov", petrov), ("smith", smith), ("p2", p2), ("s1", s1)].enumerated() {
            let address = "192.0.2.\(50 + index)"
            let result = try await signIn("+7999000020\(index)", address: address)
            tokens[name] = result.token
            let principal = try await principal(result)
            let code = try await p.createLinkCode(admin, organization: org, person: id).code
            _ = try await p.confirmLinkCode(principal, code: code, clientAddress: address)
            principals[name] = principal
            callers[name] = principal.caller(from: address)
        }
        return ChatSchool(
            roster: school, year: year, tenA: tenA, nineG: nineG, kraeved: kraeved, english: english, chemistry: chemistry,
            ivanova: ivanova, petrov: petrov, smith: smith, sidorova: sidorova, s1: s1, s2: s2, s3: s3, s9: s9, p1: p1, p2: p2,
            callers: callers, principals: principals, tokens: tokens)
    }
}
