import Foundation
import PartaDomain
import Testing

@Suite("Organization profiles, names and identifiers")
struct DirectoryTests {
    func profile(
        fullName: String = "МБОУ СОШ № 5", shortName: String = "", email: String = "", timeZone: String = "Europe/Moscow",
        address: String = "", contactPhone: String = ""
    ) -> OrganizationProfile {
        OrganizationProfile(kind: .school, fullName: fullName, shortName: shortName, address: address,
                            contactPhone: contactPhone, email: email, timeZone: timeZone)
    }

    @Test func validProfileIsTrimmedAndShortNameDefaults() throws {
        let p = try profile(fullName: "  МБОУ СОШ № 5  ", timeZone: " Asia/Yekaterinburg ").validated()
        #expect(p.fullName == "МБОУ СОШ № 5")
        #expect(p.shortName == "МБОУ СОШ № 5")
        #expect(p.timeZone == "Asia/Yekaterinburg")
    }

    @Test("invalid profiles name the field", arguments: [
        ("full_name", OrganizationProfile(kind: .school, fullName: "  ", shortName: "x")),
        ("full_name", OrganizationProfile(kind: .school, fullName: String(repeating: "ы", count: 301), shortName: "x")),
        ("short_name", OrganizationProfile(kind: .school, fullName: "x", shortName: String(repeating: "ы", count: 101))),
        ("address", OrganizationProfile(kind: .school, fullName: "x", shortName: "x", address: "line\nbreak")),
        ("email", OrganizationProfile(kind: .school, fullName: "x", shortName: "x", email: "not-an-email")),
        ("email", OrganizationProfile(kind: .school, fullName: "x", shortName: "x", email: "a@b")),
        ("time_zone", OrganizationProfile(kind: .school, fullName: "x", shortName: "x", timeZone: "Mars/Olympus")),
        ("time_zone", OrganizationProfile(kind: .school, fullName: "x", shortName: "x", timeZone: "MSK")),
    ])
    func refuses(field: String, profile: OrganizationProfile) {
        do {
            _ = try profile.validated()
            Issue.record("accepted an invalid \(field)")
        } catch {
            #expect(error.code == "invalid_profile")
            #expect(error.details["field"] == .string(field))
        }
    }

    @Test func requiredFieldsForAnActiveOrganization() {
        #expect(profile().missingRequiredFields == ["short_name", "address", "contact_phone_or_email"])
        #expect(profile(shortName: "Школа № 5", address: "ул. Ленина, 1", contactPhone: "+7 4822 00-00-00").missingRequiredFields == [])
        #expect(profile(shortName: "Школа № 5", email: "s5@example.org", address: "ул. Ленина, 1").missingRequiredFields == [])
    }

    @Test("full names, surname first", arguments: [
        ("Смирнова Ольга Викторовна", "Смирнова", "Ольга", "Викторовна", "Смирнова О. В."),
        ("  Иванов   Пётр ", "Иванов", "Пётр", "", "Иванов П."),
        ("Алиев Рашид Ахмед оглы", "Алиев", "Рашид", "Ахмед оглы", "Алиев Р. А."),
        ("Салтыков-Щедрин Михаил Евграфович", "Салтыков-Щедрин", "Михаил", "Евграфович", "Салтыков-Щедрин М. Е."),
    ])
    func parsesNames(input: String, surname: String, given: String, patronymic: String, short: String) throws {
        let name = try PersonName(parsing: input)
        #expect(name.surname == surname)
        #expect(name.givenName == given)
        #expect(name.patronymic == patronymic)
        #expect(name.short == short)
    }

    @Test("refused names", arguments: ["", "Смирнова", "Смирнова <script>", "Smith 42", String(repeating: "а", count: 61) + " Ольга"])
    func refusesNames(input: String) {
        #expect(throws: PartaError.self) { try PersonName(parsing: input) }
    }

    @Test func communityIDsAreReadableAndForgiving() throws {
        let id = CommunityID(randomBytes: [0, 1, 2, 3, 31, 32, 33, 255])
        #expect(id.value == "PRT-0123-Z01Z")
        #expect(CommunityID(parsing: "prt-0123-z01z") == id)
        #expect(CommunityID(parsing: "0123 Z0IZ") == id)
        #expect(CommunityID(parsing: "PRT-O123-ZOLZ") == id)
        #expect(CommunityID(parsing: "PRT-0123-Z01") == nil)
        #expect(CommunityID(parsing: "PRT-0123-Z01U") == nil)
    }

    @Test func pagesAcceptOnlyTheOfferedSizes() throws {
        #expect(try PageRequest.check(page: nil, perPage: nil) == PageRequest(page: 1, perPage: 20))
        #expect(try PageRequest.check(page: 3, perPage: 50).offset == 100)
        #expect(throws: PartaError.self) { try PageRequest.check(page: 0, perPage: 20) }
        #expect(throws: PartaError.self) { try PageRequest.check(page: 1, perPage: 30) }
    }

    @Test func rolesParse() throws {
        #expect(try OrganizationRole.parse("teacher") == .teacher)
        #expect(throws: PartaError.self) { try OrganizationRole.parse("director") }
        #expect(try OrganizationKind.parse("additional_education") == .additionalEducation)
        #expect(throws: PartaError.self) { try OrganizationKind.parse("university") }
    }
}
