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
    /// year, through the OneRoster import (running it again with the same number changes nothing).
    public static func populate(
        _ parta: Parta, caller: Caller, organization: OrganizationID, students: Int,
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> (ImportReport, SchoolGenerator.Summary) {
        let today = LocalDate(parta.clock.now(), timeZone: OrganizationProfile.defaultTimeZone)
        let firstYear = try SchoolYear.parseName(SchoolYear.name(containing: today)).firstYear
        let (files, summary) = SchoolGenerator(students: students, firstYear: firstYear).oneRoster()
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
}
