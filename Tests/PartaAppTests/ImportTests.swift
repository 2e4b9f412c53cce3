import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixtureFiles(_ folder: String) throws -> [String: [UInt8]] {
    let url = fixtures.appendingPathComponent(folder)
    var files: [String: [UInt8]] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
        files[name] = Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }
    return files
}

/// 1 October 2025, 09:00 in Moscow: a school day of 2025/2026.
let october1 = Date(timeIntervalSince1970: 1_759_298_400)

extension TestWorld {
    func studentsIn(_ school: OrganizationID, _ label: String, on date: LocalDate) async throws -> [String] {
        let classes = try await parta.classes(system, organization: school)
        guard let c = classes.first(where: { $0.schoolClass.name == label }) else { return [] }
        return try await parta.students(system, organization: school, classID: c.schoolClass.id, on: date).compactMap(\.externalID).sorted()
    }

    func eventCount(_ school: OrganizationID) async throws -> Int {
        try await database.read { try await $0.rosterEvents(of: school) }.count
    }
}

@Suite("OneRoster imports")
struct OneRosterImportTests {
    @Test("1.1 and 1.2: classes, homeroom teachers, assignments, guardians, orders", arguments: TestEngine.all, ["oneroster-1.1", "oneroster-1.2"])
    func imports(engine: TestEngine, folder: String) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            let files = try fixtureFiles(folder)
            let schoolID = folder == "oneroster-1.2" ? "sch-5" : nil
            if folder == "oneroster-1.2" {
                // Two schools in the export: the administrator must say which is theirs.
                do {
                    _ = try await p.importOneRoster(school.admin, organization: school.id, files: files, school: nil, dryRun: false)
                    Issue.record("imported without choosing a school")
                } catch let error as PartaError {
                    #expect(error.code == "import_invalid")
                    #expect(error.message.contains("sch-7"))
                }
            }
            let dry = try await p.importOneRoster(school.admin, organization: school.id, files: files, school: schoolID, dryRun: true)
            #expect(dry.dryRun)
            #expect(dry.counts["persons_created"] == 9)
            #expect(try await p.persons(school.admin, organization: school.id, filter: PersonFilter(), page: PageRequest()).total == 0)

            let report = try await p.importOneRoster(school.admin, organization: school.id, files: files, school: schoolID, dryRun: false)
            #expect(report.counts == dry.counts)
            #expect(report.counts["classes_created"] == 2)
            #expect(report.counts["guardianships_added"] == 3)

            let classes = try await p.classes(school.admin, organization: school.id)
            let tenA = try #require(classes.first { $0.schoolClass.name == "10А" })
            // Two teachers, one primary: the primary one is the homeroom teacher.
            #expect(tenA.homeroomTeacher?.externalID == "t-ivanova")
            // 9г has no teacher enrollment: no homeroom teacher.
            #expect(classes.first { $0.schoolClass.name == "9Г" }?.homeroomTeacher == nil)
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-10-01")) == ["s-1", "s-2"])
            // s-2's enrollment ends mid-year: endDate is exclusive.
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2026-01-14")) == ["s-1", "s-2"])
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2026-01-15")) == ["s-1"])

            // Guardians linked from the student's row (p-1) and from the parent's row (p-2, two children).
            let people = try await p.persons(school.admin, organization: school.id, filter: PersonFilter(role: .parent), page: PageRequest())
            let p1 = try #require(people.items.first { $0.externalID == "p-1" })
            let p2 = try #require(people.items.first { $0.externalID == "p-2" })
            #expect(try await p.person(school.admin, organization: school.id, id: p1.id).children.compactMap(\.externalID) == ["s-1"])
            #expect(try await p.person(school.admin, organization: school.id, id: p2.id).children.compactMap(\.externalID).sorted() == ["s-3", "s-4"])
            let s1 = try #require(try await p.persons(school.admin, organization: school.id, filter: PersonFilter(words: ["артем"]), page: PageRequest()).items.first)
            #expect(s1.birthDate == LocalDate("2010-05-17"))
            #expect(s1.gender == .male)
            #expect(s1.name.patronymic == "Игоревич")

            // Scheduled classes: chemistry is taught to all of 9Г; English to a group of 10А.
            let assignments = try await p.assignments(school.admin, organization: school.id)
            let chemistry = try #require(assignments.first { $0.subject.name == "Химия" })
            #expect(chemistry.schoolClass.name == "9Г" && chemistry.assignment.group.isEmpty && chemistry.teacher.externalID == "t-petrov")
            let english = try #require(assignments.first { $0.subject.name == "Английский язык" })
            #expect(english.schoolClass.name == "10А" && english.assignment.group == "Англ.яз/1")
            #expect(english.assignment.studentIDs == [s1.id])
            #expect(assignments.count == 2)
            // The group's chat says the class once, the subject, and the group (SPEC.md §4).
            let subjectChats = try await p.listChats(school.admin, organization: school.id, query: ChatListQuery(kinds: [.subject]), page: PageRequest())
            #expect(subjectChats.items.map(\.chat.name) == ["10А - Английский язык (Англ.яз/1)", "9Г - Химия"])

            // The same files again change nothing.
            let events = try await world.eventCount(school.id)
            let again = try await p.importOneRoster(school.admin, organization: school.id, files: files, school: schoolID, dryRun: false)
            #expect(again.isEmpty, "\(again.counts)")
            #expect(try await world.eventCount(school.id) == events)
            let audit = try await p.auditLog(school.admin, organization: school.id, action: .rosterImported, page: PageRequest())
            #expect(audit.total == 2)
        }
    }

    @Test("in a bulk file, what is absent is withdrawn, detached or deactivated; coming back undoes it", arguments: TestEngine.all)
    func absent(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            var files = try fixtureFiles("oneroster-1.1")
            let full = files
            _ = try await p.importOneRoster(school.admin, organization: school.id, files: files, school: nil, dryRun: false)
            func without(_ file: String, _ prefixes: [String]) {
                let text = String(decoding: files[file]!, as: UTF8.self)
                files[file] = Array(text.split(separator: "\n").filter { line in !prefixes.contains { line.hasPrefix($0) } }.joined(separator: "\n").utf8)
            }
            // s-1 and their parent p-1 use the messenger; the homeroom teacher writes to the parent.
            let all = try await p.persons(school.admin, organization: school.id, filter: PersonFilter(), page: PageRequest(page: 1, perPage: 100)).items
            func linked(_ external: String, _ phone: String) async throws -> Principal {
                let person = try #require(all.first { $0.externalID == external })
                let principal = try await world.principal(try await world.signIn(phone))
                let code = try await p.createLinkCode(school.admin, organization: school.id, person: person.id).code
                _ = try await p.confirmLinkCode(principal, code: code, clientAddress: "x")
                return principal
            }
            let student = try await linked("s-1", "+79990000301")
            let parent = try await linked("p-1", "+79990000302")
            let teacher = try await linked("t-ivanova", "+79990000303")
            let direct = try await p.openDirectChat(teacher, organization: school.id, with: parent.account.id)
            let (studentChats, parentChats) = (try await p.myChats(student), try await p.myChats(parent))
            #expect(!studentChats.isEmpty && !parentChats.isEmpty)

            // s-1 left 10А (their enrollment is gone), p-1 is no longer listed, chemistry is no longer taught.
            without("enrollments.csv", ["e-3,", "e-7,", "e-8,", "e-9,", "e-10,", "e-11,"])
            without("users.csv", ["p-1,"])
            without("classes.csv", ["sc-chem-9g,", "sc-eng-10a-1,"])
            let report = try await p.importOneRoster(school.admin, organization: school.id, files: files, school: nil, dryRun: false)
            #expect(report.counts["withdrawals_created"] == 1)
            #expect(report.counts["persons_deactivated"] == 1)
            #expect(report.counts["guardianships_removed"] == 1)
            #expect(report.counts["assignments_deleted"] == 2)
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-10-01")) == ["s-2"])
            // History stays: s-1 was in 10А in September.
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-09-15")) == ["s-1", "s-2"])
            let inactive = try await p.persons(school.admin, organization: school.id, filter: PersonFilter(active: false), page: PageRequest())
            #expect(inactive.items.compactMap(\.externalID) == ["p-1"])
            #expect(try await p.assignments(school.admin, organization: school.id).isEmpty)
            // Withdrawn and deactivated: their accounts left the school — roles, chats, and the
            // direct chat, which the teacher keeps to read, closed.
            for principal in [student, parent] {
                #expect(try await p.myChats(principal).isEmpty)
                #expect(try await p.me(principal).organizations.isEmpty)
            }
            let kept = try #require(try await p.myChats(teacher).first { $0.entry.chat.id == direct.entry.chat.id })
            #expect(kept.entry.closed)

            // The full file again brings everything back, and s-1's inferred withdrawal is cancelled.
            let back = try await p.importOneRoster(school.admin, organization: school.id, files: full, school: nil, dryRun: false)
            #expect(back.counts["orders_cancelled"] == 1)
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-10-01")) == ["s-1", "s-2"])
            #expect(try await p.persons(school.admin, organization: school.id, filter: PersonFilter(active: false), page: PageRequest()).total == 0)
            #expect(try await p.assignments(school.admin, organization: school.id).count == 2)
            // The same accounts have their places back.
            #expect(try await p.me(student).organizations.map(\.roles) == [[.student]])
            #expect(try await p.me(parent).organizations.map(\.roles) == [[.parent]])
            let again = try await p.myChats(student)
            #expect(!again.isEmpty)
            let once = try await p.importOneRoster(school.admin, organization: school.id, files: full, school: nil, dryRun: false)
            #expect(once.isEmpty, "\(once.counts)")
        }
    }

    @Test("an invalid file is refused with its problems, and nothing is written", arguments: TestEngine.all)
    func invalid(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            var files = try fixtureFiles("oneroster-1.1")
            files["enrollments.csv"]! += Array("e-99,,,hr-nowhere,sch-5,s-1,student,false,2025-09-01,\ne-98,,,hr-10a,sch-5,s-2,student,false,2025-13-01,\n".utf8)
            do {
                _ = try await world.parta.importOneRoster(school.admin, organization: school.id, files: files, school: nil, dryRun: false)
                Issue.record("an invalid file was imported")
            } catch let error as PartaError {
                #expect(error.code == "import_invalid")
                guard case .problems(let problems)? = error.details["problems"] else {
                    Issue.record("no problem list")
                    return
                }
                #expect(problems.contains(ImportProblem(file: "enrollments.csv", line: 13, column: "classSourcedId", problem: "No class has the sourcedId «hr-nowhere».")))
                #expect(problems.contains { $0.line == 14 && $0.column == "beginDate" })
            }
            #expect(try await world.parta.persons(school.admin, organization: school.id, filter: PersonFilter(), page: PageRequest()).total == 0)
            #expect(try await world.parta.classes(school.admin, organization: school.id).isEmpty)
            var noManifest = try fixtureFiles("oneroster-1.1")
            noManifest["manifest.csv"] = nil
            await #expect(throws: PartaError.self) {
                try await world.parta.importOneRoster(school.admin, organization: school.id, files: noManifest, school: nil, dryRun: false)
            }
        }
    }

    @Test("only the school's administrators import", arguments: TestEngine.all)
    func permissions(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let other = try await world.rosterSchool("Лицей № 2", adminPhone: "+79990000020")
            await #expect(throws: PartaError.self) {
                try await world.parta.importOneRoster(other.admin, organization: school.id, files: try fixtureFiles("oneroster-1.1"), school: nil, dryRun: false)
            }
        }
    }
}

@Suite("CSV imports")
struct CSVImportTests {
    func files() throws -> [ImportFile] {
        try fixtureFiles("csv").map { ImportFile(name: $0.key, bytes: $0.value) }
    }

    @Test("both delimiters, a BOM and Russian headers; re-import changes nothing", arguments: TestEngine.all)
    func imports(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            let report = try await p.importCSV(school.admin, organization: school.id, files: try files(), dryRun: false)
            #expect(report.counts["persons_created"] == 7)
            #expect(report.counts["classes_created"] == 2)
            #expect(report.counts["enrollments_created"] == 3)
            #expect(report.counts["lessons_created"] == 3)
            let classes = try await p.classes(school.admin, organization: school.id)
            #expect(classes.map(\.schoolClass.name) == ["9Г", "10А"])
            #expect(classes.first { $0.schoolClass.name == "10А" }?.homeroomTeacher?.externalID == "T-1")
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-09-01")) == ["S-1", "S-2"])
            let assignments = try await p.assignments(school.admin, organization: school.id)
            #expect(Set(assignments.map(\.subject.name)) == ["Химия", "Английский язык"])
            #expect(assignments.first { $0.assignment.group == "Англ.яз/1" }?.assignment.studentIDs.count == 1)
            let p2 = try #require(try await p.persons(school.admin, organization: school.id, filter: PersonFilter(words: ["павел"]), page: PageRequest()).items.first)
            #expect(try await p.person(school.admin, organization: school.id, id: p2.id).children.compactMap(\.externalID) == ["S-3"])

            let events = try await world.eventCount(school.id)
            world.clock.advance(by: 86_400 * 3)
            let again = try await p.importCSV(school.admin, organization: school.id, files: try files(), dryRun: false)
            #expect(again.isEmpty, "\(again.counts)")
            #expect(try await world.eventCount(school.id) == events)
        }
    }

    @Test("a class created by hand is adopted, not duplicated; a transfer dates from today", arguments: TestEngine.all)
    func adoption(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            let manual = try await p.createClass(school.admin, organization: school.id, schoolYear: school.year.id, label: ClassLabel(grade: 10, letter: "А"))
            _ = try await p.importCSV(school.admin, organization: school.id, files: try files(), dryRun: false)
            #expect(try await p.classes(school.admin, organization: school.id).count == 2)
            #expect(try await p.schoolClass(school.admin, organization: school.id, id: manual.schoolClass.id).schoolClass.externalID == "C-10A")
            // S-2 moves to 9Г: enrolled there from today, history in 10А kept.
            let moved = "external_id;role;surname;given_name;class;school_year\nS-2;student;Сидорова;Анна;9Г;2025/2026\n"
            world.clock.advance(by: 86_400 * 10)
            _ = try await p.importCSV(school.admin, organization: school.id, files: [ImportFile(name: "move.csv", bytes: Array(moved.utf8))], dryRun: false)
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-10-10")) == ["S-1", "S-2"])
            #expect(try await world.studentsIn(school.id, "10А", on: LocalDate("2025-10-11")) == ["S-1"])
            #expect(try await world.studentsIn(school.id, "9Г", on: LocalDate("2025-10-11")) == ["S-2", "S-3"])
        }
    }

    @Test("positions come with the people; a file without the column keeps them; a student has none", arguments: TestEngine.all)
    func positions(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            func people(_ csv: String) -> [ImportFile] { [ImportFile(name: "people.csv", bytes: Array(csv.utf8))] }
            func position(_ ext: String) async throws -> String? {
                try await world.database.read { try await $0.person(externalID: ext, in: school.id) }?.position
            }
            let staff = "external_id;role;surname;given_name;должность\nE-1;сотрудник;Смирнова;Ольга;Директор\nT-9;учитель;Орлов;Иван;\n"
            let first = try await p.importCSV(school.admin, organization: school.id, files: people(staff), dryRun: false)
            #expect(first.counts["persons_created"] == 2)
            #expect(try await position("E-1") == "Директор")
            #expect(try await position("T-9") == "")
            #expect(try await p.importCSV(school.admin, organization: school.id, files: people(staff), dryRun: false).isEmpty)

            // A new position updates her; a file without the column changes nothing.
            let deputy = staff.replacingOccurrences(of: "Директор", with: "Заместитель директора по УВР")
            #expect(try await p.importCSV(school.admin, organization: school.id, files: people(deputy), dryRun: false).counts["persons_updated"] == 1)
            #expect(try await position("E-1") == "Заместитель директора по УВР")
            let bare = "external_id;role;surname;given_name\nE-1;сотрудник;Смирнова;Ольга\n"
            #expect(try await p.importCSV(school.admin, organization: school.id, files: people(bare), dryRun: false).isEmpty)
            #expect(try await position("E-1") == "Заместитель директора по УВР")

            // A student with a position is a problem of that row and column; nothing is written.
            let wrong = "external_id;role;surname;given_name;position\nS-9;student;Белов;Олег;Староста\n"
            do {
                _ = try await p.importCSV(school.admin, organization: school.id, files: people(wrong), dryRun: false)
                Issue.record("a student's position was imported")
            } catch let error as PartaError {
                guard case .problems(let problems)? = error.details["problems"] else { Issue.record("no problems"); return }
                #expect(problems.map { "\($0.file):\($0.line):\($0.column ?? "-")" } == ["people.csv:2:position"])
            }
            #expect(try await world.database.read { try await $0.person(externalID: "S-9", in: school.id) } == nil)

            // The school system's API: a position with the person, and kept when left out.
            let key = try await p.createAPIKey(school.admin, organization: school.id, name: "journal")
            let system = try #require(try await p.authenticateAPIKey(key.key, clientAddress: "192.0.2.7"))
            _ = try await p.upsertPerson(system, organization: school.id, externalID: "E-2",
                                         PersonInput(role: .employee, surname: "Фёдорова", givenName: "Татьяна", position: "Секретарь"))
            #expect(try await position("E-2") == "Секретарь")
            let again = try await p.upsertPerson(system, organization: school.id, externalID: "E-2", PersonInput(role: .employee, surname: "Фёдорова", givenName: "Татьяна"))
            #expect(!again.changed && again.value.person.position == "Секретарь")
            await #expect(throws: PartaError.self) {
                _ = try await p.upsertPerson(system, organization: school.id, externalID: "S-10",
                                             PersonInput(role: .student, surname: "Белов", givenName: "Олег", position: "Староста"))
            }

            // In the console: one roster event for the new person, and the audit names the position.
            let before = try await world.database.read { try await $0.rosterEvents(of: school.id) }.last?.id ?? 0
            let made = try await p.createPerson(school.admin, organization: school.id,
                                                PersonInput(role: .employee, surname: "Орлова", givenName: "Вера", position: "Заместитель директора"))
            #expect(made.person.position == "Заместитель директора")
            let events = try await world.database.read { try await $0.rosterEvents(of: school.id, after: before) }
            #expect(events.map(\.event) == [.personChanged(made.person.id)])
            let created = try await p.auditLog(school.admin, organization: school.id, action: .personCreated, page: PageRequest(perPage: 1)).items.first
            #expect(created?.targetID == "\(made.person.id)" && created?.details["position"] == "Заместитель директора")
        }
    }

    @Test("a new code from the school replaces the person's earlier ones; the school system's do not", arguments: TestEngine.all)
    func linkCodeReplacement(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            let key = try await p.createAPIKey(school.admin, organization: school.id, name: "journal")
            let system = try #require(try await p.authenticateAPIKey(key.key, clientAddress: "192.0.2.7"))
            let person = try await p.upsertPerson(system, organization: school.id, externalID: "P-7", PersonInput(role: .teacher, surname: "Орлов", givenName: "Иван")).value.person
            func works(_ code: String) async -> Bool { (try? await p.previewLinkCode(code: code, clientAddress: "192.0.2.1")) != nil }

            let handed = try await p.createLinkCode(school.admin, organization: school.id, person: person.id).code
            let shown = try await p.createLinkCode(system, organization: school.id, personExternalID: "P-7").code
            let shownAgain = try await p.createLinkCode(system, organization: school.id, personExternalID: "P-7").code
            for code in [handed, shown, shownAgain] { #expect(await works(code)) }
            // The administrator issues a new one (the first was lost): every earlier code ends.
            let fresh = try await p.createLinkCode(school.admin, organization: school.id, person: person.id).code
            #expect(await works(fresh))
            for old in [handed, shown, shownAgain] { #expect(await works(old) == false) }
        }
    }

    @Test("invalid rows are reported by file, line and column; nothing is written", arguments: TestEngine.all)
    func invalid(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let bad = """
                external_id;role;surname;given_name;birth_date;class
                S-1;student;Фёдоров;Артём;31.02.2010;10А
                S-2;директор;Сидорова;Анна;;10А
                S-3;student;;Олег;;10А
                S-4;student;Кузнецова;Ирина;;13Я
                S-5;student;Петров;Пётр;;10А
                S-5;student;Дубль;Дублев;;10А
                """
            let guardians = "parent,student\nP-404,S-1\n"
            do {
                _ = try await world.parta.importCSV(school.admin, organization: school.id, files: [
                    ImportFile(name: "people.csv", bytes: Array(bad.utf8)), ImportFile(name: "guardians.csv", bytes: Array(guardians.utf8)),
                ], dryRun: false)
                Issue.record("an invalid file was imported")
            } catch let error as PartaError {
                guard case .problems(let problems)? = error.details["problems"] else { Issue.record("no problems"); return }
                let places = problems.map { "\($0.file):\($0.line):\($0.column ?? "-")" }
                #expect(places.contains("people.csv:2:birth_date"))
                #expect(places.contains("people.csv:3:role"))
                #expect(places.contains("people.csv:4:surname"))
                #expect(places.contains("people.csv:5:class"))
                #expect(places.contains("people.csv:7:external_id"))
                #expect(places.contains("guardians.csv:2:parent"))
            }
            #expect(try await world.parta.persons(school.admin, organization: school.id, filter: PersonFilter(), page: PageRequest()).total == 0)
            // A guardian file naming someone unknown is refused as a whole too.
            await #expect(throws: PartaError.self) {
                try await world.parta.importCSV(school.admin, organization: school.id, files: [ImportFile(name: "guardians.csv", bytes: Array(guardians.utf8))], dryRun: false)
            }
            await #expect(throws: PartaError.self) {
                try await world.parta.importCSV(school.admin, organization: school.id, files: [ImportFile(name: "x.csv", bytes: Array("a;b\n1;2\n".utf8))], dryRun: false)
            }
        }
    }

    static let lessonsHeader = "external_id;date;start;end;class;group;subject;teacher;topic;room\n"

    func lessons(_ rows: String, name: String = "lessons.csv") -> ImportFile {
        ImportFile(name: name, bytes: Array((Self.lessonsHeader + rows).utf8))
    }

    @Test("lessons.csv: a term at a time — changed lessons updated, absent ones cancelled, sent again restored", arguments: TestEngine.all)
    func lessonTerms(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            _ = try await p.importCSV(school.admin, organization: school.id, files: try files(), dryRun: false)
            func week() async throws -> [String: LessonView] {
                let list = try await p.lessons(school.admin, organization: school.id, from: LocalDate("2025-10-06"), to: LocalDate("2025-10-12"))
                return Dictionary(uniqueKeysWithValues: list.lessons.map { ($0.lesson.externalID!, $0) })
            }
            let first = try await week()
            #expect(first.keys.sorted() == ["L-1", "L-2", "L-3"])
            let l1 = try #require(first["L-1"])
            #expect(l1.lesson.date == LocalDate("2025-10-06") && l1.lesson.start.text == "08:30" && l1.lesson.end.text == "09:15")
            #expect(l1.schoolClass.name == "9Г" && l1.subject.name == "Химия" && l1.teacherName.surname == "Петров")
            #expect(l1.lesson.topic == "Кислоты" && l1.lesson.room == "301" && l1.lesson.group.isEmpty)
            #expect(first["L-2"]?.lesson.group == "Англ.яз/1" && first["L-2"]?.lesson.start.text == "09:25")

            // The next export: L-1's topic changed, L-2 gone (10А still has lessons on its day),
            // L-3 as it was, L-4 and L-6 new.
            let next = lessons("""
                L-1;06.10.2025;08:30;09:15;9Г;;Химия;T-2;Кислоты и основания;301
                L-3;07.10.2025;08:30;09:15;9Г;;Химия;T-2;;301
                L-4;06.10.2025;10:20;11:05;10А;;Английский язык;T-1;;
                L-6;08.10.2025;10:20;11:05;10А;;Английский язык;T-1;;
                """)
            let dry = try await p.importCSV(school.admin, organization: school.id, files: [next], dryRun: true)
            #expect(dry.counts == ["lessons_updated": 1, "lessons_cancelled": 1, "lessons_created": 2])
            #expect(try await week() == first, "a dry run writes nothing")
            let report = try await p.importCSV(school.admin, organization: school.id, files: [next], dryRun: false)
            #expect(report.counts == dry.counts)
            let second = try await week()
            #expect(second["L-1"]?.lesson.topic == "Кислоты и основания")
            #expect(second["L-2"]?.lesson.cancelled == true && second["L-3"] == first["L-3"] && second["L-4"]?.lesson.cancelled == false)
            #expect(try await p.importCSV(school.admin, organization: school.id, files: [next], dryRun: false).isEmpty)

            // The first file again: L-2 back, L-1 as it was, L-4 (10А's day, not in it) cancelled;
            // L-6 lies outside the file's dates for 10А and stays.
            let again = try await p.importCSV(school.admin, organization: school.id, files: [try #require(try files().first { $0.name == "lessons.csv" })], dryRun: false)
            #expect(again.counts == ["lessons_updated": 2, "lessons_cancelled": 1])
            let third = try await week()
            #expect(third["L-2"]?.lesson.cancelled == false && third["L-1"]?.lesson.topic == "Кислоты")
            #expect(third["L-4"]?.lesson.cancelled == true && third["L-6"]?.lesson.cancelled == false)

            // A file speaks for each class's own dates: 9Г on the 7th, 10А on the 10th — 10А's
            // lesson of the 8th (between the two) stays.
            let partial = lessons("""
                L-3;07.10.2025;08:30;09:15;9Г;;Химия;T-2;;301
                L-5;10.10.2025;08:30;09:15;10А;;Английский язык;T-1;;
                """)
            #expect(try await p.importCSV(school.admin, organization: school.id, files: [partial], dryRun: false).counts == ["lessons_created": 1])
            #expect(try await week()["L-6"]?.lesson.cancelled == false)
        }
    }

    @Test("lessons.csv: every bad row is named, and nothing is written", arguments: TestEngine.all)
    func badLessons(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(october1)
            let school = try await world.rosterSchool()
            let p = world.parta
            _ = try await p.importCSV(school.admin, organization: school.id, files: try files(), dryRun: false)
            let before = try await p.lessons(school.admin, organization: school.id, from: LocalDate("2025-10-06"), to: LocalDate("2025-10-12"))
            let bad = lessons("""
                L-10;06.10.2025;08:30;09:15;11Б;;Химия;T-2;;
                L-11;06.10.2025;08:30;09:15;9Г;;Астрономия;T-2;;
                L-12;06.10.2025;08:30;09:15;10А;Англ.яз/7;Английский язык;T-1;;
                L-13;06.10.2025;08:30;09:15;9Г;;Химия;S-1;;
                L-14;01.07.2027;08:30;09:15;9Г;;Химия;T-2;;
                L-15;06.10.2025;25:00;09:15;9Г;;Химия;T-2;;
                L-16;06.10.2025;09:15;08:30;9Г;;Химия;T-2;;
                L-17;31.02.2025;08:30;09:15;9Г;;Химия;T-2;;
                L-18;06.10.2025;08:30;09:15;9Г;;Химия;;;
                L-1;06.10.2025;08:30;09:15;9Г;;Химия;T-2;;
                L-1;06.10.2025;08:30;09:15;9Г;;Химия;T-2;;
                ;06.10.2025;08:30;09:15;9Г;;Химия;T-2;;
                L-19;06.10.2025;08:30;09:15;9Г;;Химия;T-2;;\(String(repeating: "1", count: 41))
                \(String(repeating: "L", count: 101));06.10.2025;08:30;09:15;9Г;;Химия;T-2;;
                """)
            do {
                _ = try await p.importCSV(school.admin, organization: school.id, files: [bad], dryRun: false)
                Issue.record("a bad lessons file was imported")
            } catch let error as PartaError {
                guard case .problems(let problems)? = error.details["problems"] else { Issue.record("no problems"); return }
                let places = Set(problems.map { "\($0.line):\($0.column ?? "-")" })
                #expect(places == [
                    "2:class", "3:subject", "4:group", "5:teacher", "6:date", "7:start", "8:end", "9:date", "10:teacher", "12:external_id",
                    "13:external_id", "14:room", "15:external_id",
                ], "\(problems)")
            }
            #expect(try await p.lessons(school.admin, organization: school.id, from: LocalDate("2025-10-06"), to: LocalDate("2025-10-12")) == before)
        }
    }
}
