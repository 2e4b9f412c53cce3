import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("The school generator")
struct SchoolGeneratorTests {
    @Test func deterministicRealisticAndSized() throws {
        let (files, summary) = SchoolGenerator(students: 2000).oneRoster()
        let (again, _) = SchoolGenerator(students: 2000).oneRoster()
        #expect(files == again)
        #expect(summary.students == 2000)
        #expect((90...110).contains(summary.homeroomClasses))
        #expect((1100...1500).contains(summary.scheduledClasses))
        #expect((26_000...34_000).contains(summary.enrollments))
        // It reads back as valid OneRoster with Russian names and classes 1–11.
        let data = try OneRoster.read(files: files, school: nil, today: LocalDate("2025-10-01")).get()
        #expect(Set(data.classes.map(\.label.grade)) == Set(1...11))
        #expect(data.persons.filter { $0.role == .student }.allSatisfy { $0.name.patronymic.hasSuffix("вич") || $0.name.patronymic.hasSuffix("вна") || $0.name.patronymic.hasSuffix("ич") || $0.name.patronymic.hasSuffix("ична") })
        var children: [String: Int] = [:]
        for g in data.guardians { children[g.parent, default: 0] += 1 }
        #expect(Set(children.values).isSubset(of: [1, 2, 3]))
        #expect(children.values.contains(3))
        #expect(data.assignments.contains { !$0.group.isEmpty })
    }

    @Test("a generated school of 220 imports and re-imports without change", arguments: TestEngine.all)
    func imports(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(Date(timeIntervalSince1970: 1_759_298_400))
            let school = try await world.rosterSchool()
            let (report, summary) = try await DemoSchool.populate(world.parta, caller: school.admin, organization: school.id, students: 220)
            #expect(report.counts["persons_created"] == summary.students + summary.parents + summary.teachers)
            let classes = try await world.parta.classes(school.admin, organization: school.id)
            #expect(classes.map(\.studentCount).reduce(0, +) == 220)
            #expect(classes.allSatisfy { $0.homeroomTeacher != nil })
            let (second, _) = try await DemoSchool.populate(world.parta, caller: school.admin, organization: school.id, students: 220)
            #expect(second.isEmpty, "\(second.counts)")
        }
    }

    @Test("the cast is named among the generated people and placed; nobody else changes")
    func castNamed() throws {
        let (plain, _) = SchoolGenerator(students: 300).oneRoster()
        let (named, summary) = SchoolGenerator(students: 300, cast: true).oneRoster()
        let cast = try #require(summary.cast)
        let today = LocalDate("2025-10-01")
        let before = try OneRoster.read(files: plain, school: nil, today: today).get()
        let after = try OneRoster.read(files: named, school: nil, today: today).get()
        let name = { (id: String) in after.persons.first { $0.externalID == id }?.name.full }
        let homeroom = { (id: String) in after.classes.first { $0.externalID == id }?.homeroomTeacher }
        let teaches = { (teacher: String, subject: String) in
            after.assignments.contains { $0.classExternalID == cast.classID && $0.teacher == teacher && $0.subject == subject }
        }
        #expect(name(cast.homeroomTeacher) == "Иванов Пётр Николаевич")
        #expect(name(cast.russianTeacher) == "Кузнецова Мария Андреевна")
        #expect(name(cast.englishTeacher) == "Соколов Дмитрий Игоревич")
        #expect(name(cast.mother) == "Волкова Наталья Сергеевна")
        #expect(name(cast.director) == "Смирнова Ольга Викторовна" && name(cast.secretary) == "Фёдорова Татьяна Ильинична")
        #expect(after.persons.first { $0.externalID == cast.secretary }?.role == .employee)
        // Each teacher leads a class and teaches in the cast's class.
        let klass = try #require(after.classes.first { $0.externalID == cast.classID })
        #expect(klass.label.description == cast.classLabel && klass.label.grade >= 5)
        #expect(homeroom(cast.classID) == cast.homeroomTeacher && teaches(cast.homeroomTeacher, cast.homeroomTeacherTeaches))
        #expect(homeroom(cast.russianTeacherLeads) == cast.russianTeacher && teaches(cast.russianTeacher, "Русский язык"))
        #expect(homeroom(cast.englishTeacherLeads) == cast.englishTeacher && teaches(cast.englishTeacher, "Английский язык"))
        #expect(Set([cast.classID, cast.russianTeacherLeads, cast.englishTeacherLeads]).count == 3)
        // The mother's children are in two classes, the cast's first; all of them Волков or Волкова.
        #expect(cast.children.count >= 2 && Set(cast.childrenClasses).count == 2 && cast.childrenClasses.first == cast.classLabel)
        #expect(cast.children.allSatisfy { child in ["Волков", "Волкова"].contains(after.persons.first { $0.externalID == child }?.name.surname) })
        #expect(Set(after.guardians.filter { $0.parent == cast.mother }.map(\.student)) == Set(cast.children))
        // Everyone else is as without the cast; the two homeroom teachers replaced are gone, the director and secretary came.
        let renamed = Set([cast.homeroomTeacher, cast.russianTeacher, cast.englishTeacher, cast.mother] + cast.children)
        let beforeNames = Dictionary(uniqueKeysWithValues: before.persons.map { ($0.externalID, $0.name) })
        let changed = after.persons.filter { beforeNames[$0.externalID] != $0.name }.map(\.externalID)
        #expect(Set(changed).subtracting(renamed) == [cast.director, cast.secretary])
        let gone = Set(before.persons.map(\.externalID)).subtracting(after.persons.map(\.externalID))
        #expect(gone.count == 2 && gone.allSatisfy { id in before.persons.first { $0.externalID == id }?.role == .teacher })
        #expect(summary.teachers == after.persons.filter { $0.role == .teacher }.count)
    }

    @Test("the living demo: the cast linked to the demo's phones, three days of conversations, and again nothing changes", arguments: TestEngine.all)
    func livingDemo(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.clock.set(Date(timeIntervalSince1970: 1_759_298_400))
            let school = try await world.rosterSchool()
            let p = world.parta
            let (_, summary) = try await DemoSchool.populate(p, caller: school.admin, organization: school.id, students: 220, cast: true)
            let cast = try #require(summary.cast)
            // As the demo seeds them: the teachers and the secretary are members with persons of their own.
            for person in DemoSchool.teachers + [DemoSchool.employee] {
                _ = try await p.attachMember(world.system, organization: school.id, name: person.name, phone: person.phone,
                                             role: person == DemoSchool.employee ? .employee : .teacher, verified: true)
            }
            let living = try await DemoSchool.linkCast(p, caller: school.admin, organization: school.id, cast: cast)
            // Now they are the roster's: one person each, not a bare one beside it.
            for phone in [DemoSchool.teachers[0].phone, DemoSchool.employee.phone] {
                let persons = try await world.database.read { store in
                    try await store.persons(linkedTo: try #require(try await store.account(phone: PhoneNumber(e164: phone))).id)
                }
                #expect(persons.count == 1 && persons.first?.externalID != nil, "\(phone): \(persons.map(\.name.full))")
            }
            #expect(living.linkedNow)
            #expect(try await DemoSchool.hasLivingCast(p, organization: school.id))
            // As if the run that linked them had failed before they talked: the next run, which links
            // nobody, still writes their conversations.
            let rerun = try await DemoSchool.linkCast(p, caller: school.admin, organization: school.id, cast: cast)
            #expect(!rerun.linkedNow)
            try await DemoSchool.converse(p, rerun, caller: school.admin, organization: school.id)

            // The mother: both children, the class's chats, an unread reply in the parents' chat and the teacher's direct message.
            let mother = try await world.principal(try await world.signIn(DemoSchool.parent.phone, address: "192.0.2.90"))
            let chats = try await p.myChats(mother)
            let direct = try #require(chats.first { $0.entry.chat.kind == .direct })
            #expect(direct.entry.unread == 1 && direct.lastMessage?.text.hasPrefix("Наталья Сергеевна, добрый день!") == true)
            let parentsChat = try #require(chats.first { $0.entry.chat.kind == .parents && $0.lastMessage?.text.hasPrefix("Конечно.") == true })
            #expect(parentsChat.entry.unread == 1)
            // The conversation of the last three days: each chat's messages in order of time, none ahead of now,
            // and together on three Moscow days, the direct message today.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Europe/Moscow")!
            let teacher = try await world.principal(try await world.signIn(DemoSchool.teachers[0].phone, address: "192.0.2.92"))
            var days = Set<Date>()
            for chat in try await p.myChats(teacher) where chat.lastMessage != nil {
                let times: [Date] = try await p.history(teacher, chat: chat.entry.chat.id, before: nil, after: nil, limit: 100).map(\.createdAt).reversed()
                #expect(times == times.sorted() && times.allSatisfy { $0 < world.clock.now() }, "\(chat.entry.chat.name): \(times)")
                days.formUnion(times.map { calendar.startOfDay(for: $0) })
            }
            let today = calendar.startOfDay(for: world.clock.now())
            #expect(days == [today, today.addingTimeInterval(-86_400), today.addingTimeInterval(-2 * 86_400)])
            #expect(direct.lastMessage.map { calendar.startOfDay(for: $0.createdAt) } == today)
            // The secretary, not in the teachers' staff room, talks with everyone on the staff in a chat by rule.
            let secretaryChats = try await p.myChats(try await world.principal(try await world.signIn(DemoSchool.employee.phone, address: "192.0.2.91")))
            #expect(secretaryChats.map(\.entry.chat.name) == ["Все сотрудники"] && secretaryChats.first?.entry.chat.rule == .allStaff)
            #expect(secretaryChats.first?.entry.unread == 1 && secretaryChats.first?.lastMessage?.text.hasPrefix("Спасибо, Татьяна Ильинична") == true)
            let classes = try await p.classes(school.admin, organization: school.id)
            let theirs = try #require(classes.first { $0.schoolClass.name == cast.classLabel })
            #expect(theirs.homeroomTeacher?.name.full == "Иванов Пётр Николаевич" && theirs.homeroomTeacher?.accountID != nil)
            #expect(living.signIns.map(\.phone) == ["+79000000010", "+79000000011", "+79000000012", "+79000000013", "+79000000014", "+79000000020", "+79000000021"])
            let secretary = try #require(try await world.database.read { try await $0.person(externalID: cast.secretary, in: school.id) })
            #expect(secretary.position == "Секретарь" && secretary.accountID != nil)
            let links = try await p.auditLog(school.admin, organization: school.id, action: .personLinked, page: PageRequest()).total

            // Again: the import changes nothing, nobody links again, nobody writes again.
            let (second, _) = try await DemoSchool.populate(p, caller: school.admin, organization: school.id, students: 220, cast: true)
            #expect(second.isEmpty, "\(second.counts)")
            let again = try await DemoSchool.linkCast(p, caller: school.admin, organization: school.id, cast: cast)
            #expect(!again.linkedNow)
            try await DemoSchool.converse(p, again, caller: school.admin, organization: school.id)
            #expect(try await p.myChats(mother).map(\.entry.lastSeq) == chats.map(\.entry.lastSeq))
            #expect(try await p.auditLog(school.admin, organization: school.id, action: .personLinked, page: PageRequest()).total == links)
        }
    }

    @Test("patronymics as Russian forms them, the irregular ones included", arguments: [
        ("Александр", "Александрович", "Александровна"), ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Сергей", "Сергеевич", "Сергеевна"), ("Никита", "Никитич", "Никитична"), ("Илья", "Ильич", "Ильинична"),
        ("Павел", "Павлович", "Павловна"), ("Михаил", "Михайлович", "Михайловна"), ("Игорь", "Игоревич", "Игоревна"),
        ("Арсений", "Арсеньевич", "Арсеньевна"), ("Евгений", "Евгеньевич", "Евгеньевна"), ("Даниил", "Даниилович", "Данииловна"),
        ("Тимофей", "Тимофеевич", "Тимофеевна"), ("Артём", "Артёмович", "Артёмовна"),
    ])
    func patronymics(father: String, male: String, female: String) {
        #expect(SchoolGenerator.patronymic(father, female: false) == male)
        #expect(SchoolGenerator.patronymic(father, female: true) == female)
    }
}
