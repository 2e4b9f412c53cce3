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
