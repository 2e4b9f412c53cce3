public import PartaDomain
import PartaStore

/// The demo school: one named region, municipality and school with named people, built only
/// through use cases so it stays valid as the rules change. Seeding twice changes nothing.
public enum DemoSchool {
    public static let region = "Демонстрационный край"
    public static let municipality = "Городской округ Образцово"
    public static let fullName = "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1 г. Образцово»"
    public static let shortName = "Школа № 1 г. Образцово"

    /// A named person of the demo and the phone to sign in with.
    public struct Person: Sendable, Equatable {
        public var name: String
        public var phone: String
        public var role: String
    }

    public static let `operator` = Person(name: "Орлова Анна Сергеевна", phone: "+79000000001", role: "platform operator")
    public static let officer = Person(name: "Лебедева Елена Павловна", phone: "+79000000002", role: "municipal officer")
    public static let administrator = Person(name: "Смирнова Ольга Викторовна", phone: "+79000000010", role: "school administrator")
    public static let teachers = [
        Person(name: "Иванов Пётр Николаевич", phone: "+79000000011", role: "teacher"),
        Person(name: "Кузнецова Мария Андреевна", phone: "+79000000012", role: "teacher"),
        Person(name: "Соколов Дмитрий Игоревич", phone: "+79000000013", role: "teacher"),
    ]
    public static let employee = Person(name: "Фёдорова Татьяна Ильинична", phone: "+79000000014", role: "employee (school secretary)")

    public static var people: [Person] { [`operator`, officer, administrator] + teachers + [employee] }

    public struct Seeded: Sendable {
        public var organization: OrganizationDetails
        public var people: [Person]
    }

    /// Fills the demo school with a generated roster of `students` students for the current school
    /// year, through the OneRoster import (running it again with the same number changes nothing);
    /// with `cast`, the living demo's people are named in it (`SchoolGenerator.Cast`).
    public static func populate(
        _ parta: Parta, caller: Caller, organization: OrganizationID, students: Int, cast: Bool = false,
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> (ImportReport, SchoolGenerator.Summary) {
        let today = LocalDate(parta.clock.now(), timeZone: OrganizationProfile.defaultTimeZone)
        let firstYear = try SchoolYear.parseName(SchoolYear.name(containing: today)).firstYear
        let (files, summary) = SchoolGenerator(students: students, firstYear: firstYear, cast: cast).oneRoster()
        let report = try await parta.importOneRoster(
            caller, organization: organization, files: files, school: nil, dryRun: false, progress: progress)
        return (report, summary)
    }

    public static func seed(_ parta: Parta, caller: Caller) async throws -> Seeded {
        _ = try await parta.addOperator(caller, name: `operator`.name, phone: `operator`.phone)
        let found = try await parta.searchOrganizations(
            query: shortName, region: nil, municipality: nil, page: PageRequest(page: 1, perPage: 10))
        let organization: OrganizationDetails
        if let existing = found.items.first(where: { $0.organization.profile.fullName == fullName }) {
            organization = try await parta.organization(caller, existing.organization.id)
        } else {
            organization = try await parta.registerOrganization(
                caller,
                OrganizationRegistration(
                    region: region, municipality: municipality,
                    profile: OrganizationProfile(
                        kind: .school, fullName: fullName, shortName: shortName,
                        address: "г. Образцово, ул. Школьная, д. 1", contactPhone: "+7 (900) 000-00-00",
                        email: "school1@example.org", website: "https://school1.example.org"),
                    administratorName: administrator.name, administratorPhone: administrator.phone))
        }
        let id = organization.summary.organization.id
        _ = try await parta.addOfficer(
            caller, name: officer.name, phone: officer.phone, scope: .municipality(organization.summary.municipality.id))
        for teacher in teachers {
            _ = try await parta.attachMember(caller, organization: id, name: teacher.name, phone: teacher.phone, role: .teacher, verified: true)
        }
        _ = try await parta.attachMember(caller, organization: id, name: employee.name, phone: employee.phone, role: .employee, verified: true)
        return Seeded(organization: try await parta.organization(caller, id), people: people)
    }

    /// The demo school's timetable for this week and the next: six lessons a weekday per class,
    /// taken in turn from its teaching assignments, through the CSV import (a term at a time, so
    /// running it again on a later day adds the new week and changes nothing else).
    public static func timetable(_ parta: Parta, caller: Caller, organization: OrganizationID) async throws -> ImportReport {
        let profile = try await parta.organization(caller, organization).summary.organization.profile
        let today = LocalDate(parta.clock.now(), timeZone: profile.timeZone)
        let years = Dictionary(uniqueKeysWithValues: try await parta.schoolYears(caller, organization: organization).map { ($0.id, $0) })
        let assignments = try await parta.assignments(caller, organization: organization)
            .filter { $0.teacher.externalID != nil }
            .sorted { $0.assignment.id < $1.assignment.id }
        let byClass = Dictionary(grouping: assignments, by: \.schoolClass.id)
        let slots = ["08:30", "09:25", "10:20", "11:25", "12:20", "13:15"].compactMap(LocalTime.init(parsing:))
        var rows = ["external_id;date;start;end;class;group;subject;teacher;school_year"]
        for (classID, taught) in byClass.sorted(by: { $0.key < $1.key }) {
            guard let first = taught.first, let year = years[first.schoolClass.schoolYearID] else { continue }
            for day in 0..<14 {
                let date = today.weekStart.adding(days: day)
                guard date.weekday <= 5, year.contains(date) else { continue }
                for (slot, start) in slots.enumerated() {
                    let a = taught[(day * slots.count + slot) % taught.count]
                    let end = LocalTime(minutes: start.minutes + 45)!
                    rows.append([
                        "demo-\(classID)-\(date.iso)-\(slot + 1)", date.iso, start.text, end.text, a.schoolClass.name, a.assignment.group,
                        a.subject.name, a.teacher.externalID!, year.name,
                    ].joined(separator: ";"))
                }
            }
        }
        guard rows.count > 1 else { return ImportReport() }
        return try await parta.importCSV(
            caller, organization: organization,
            files: [ImportFile(name: "demo-lessons.csv", bytes: Array(rows.joined(separator: "\n").utf8), kind: .lessons)], dryRun: false)
    }
}
