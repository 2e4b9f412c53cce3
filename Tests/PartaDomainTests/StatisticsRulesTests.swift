import Foundation
import PartaDomain
import Testing

@Suite("Statistics: weeks, the snapshot schedule, counting rules")
struct StatisticsRulesTests {
    static func moscow(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+03:00")! }

    @Test("weeks: ISO numbering on Moscow's clock, Monday 00:00 to Monday 00:00", arguments: [
        ("2026-11-23T00:00:00", "2026-W48"), ("2026-11-22T23:59:59", "2026-W47"), ("2026-11-29T23:59:59", "2026-W48"),
        ("2026-12-31T12:00:00", "2026-W53"), ("2027-01-03T12:00:00", "2026-W53"), ("2027-01-04T00:00:00", "2027-W01"),
        ("2025-12-29T10:00:00", "2026-W01"),
    ])
    func weeks(moment: String, week: String) throws {
        let found = StatisticsWeek.containing(Self.moscow(moment))
        #expect(found.description == week)
        #expect(try StatisticsWeek.parse(week) == found)
        #expect(found.start <= Self.moscow(moment) && Self.moscow(moment) < found.end)
        #expect(found.end.timeIntervalSince(found.start) == 7 * 86_400)
        #expect(found.adding(weeks: 1).adding(weeks: -1) == found && found.adding(weeks: 1) > found)
    }

    @Test("a week's start is Monday midnight in Moscow, whatever the machine's zone")
    func start() throws {
        #expect(try StatisticsWeek.parse("2026-W48").start == Self.moscow("2026-11-23T00:00:00"))
        #expect(try StatisticsWeek.parse("2026w48") == StatisticsWeek.parse("2026-W48"))
        #expect(try StatisticsWeek.parse("2027-W01").adding(weeks: -1).description == "2026-W53")
    }

    @Test("what is not a week is refused", arguments: ["", "2026", "2026-W", "2026-W54", "2027-W53", "2026-W00", "26-W48", "2026-W4x", "2026-W048", "W48-2026"])
    func badWeeks(text: String) {
        #expect(throws: PartaError.invalid("invalid_week", "A week is written like 2026-W48 (an ISO week that exists).", details: ["field": .string("week")])) {
            try StatisticsWeek.parse(text)
        }
    }

    @Test("the snapshot is due once its moment has passed, once per week; a missed one is taken late", arguments: [
        // (now, last taken, due)
        ("2026-11-27T15:59:00", "2026-W47", nil),
        ("2026-11-27T16:00:00", "2026-W47", "2026-W48"),
        ("2026-11-27T16:00:00", "2026-W48", nil),
        ("2026-11-30T09:00:00", "2026-W47", "2026-W48"),  // down on Friday: taken on Monday
        ("2026-11-30T09:00:00", "2026-W48", nil),
        ("2026-12-04T16:01:00", nil, "2026-W49"),
        ("2026-12-02T10:00:00", "2026-W40", "2026-W48"),  // only the latest missed week
    ] as [(String, String?, String?)])
    func due(now: String, last: String?, due: String?) throws {
        let found = SnapshotSchedule.standard.due(now: Self.moscow(now), lastTaken: try last.map(StatisticsWeek.parse))
        #expect(found?.description == due)
    }

    @Test("the schedule is configurable: a weekday and a time")
    func schedule() throws {
        #expect(try SnapshotSchedule.parse("FRI 16:00") == .standard)
        let monday = try SnapshotSchedule.parse(" mon 08:30 ")
        #expect(monday == SnapshotSchedule(weekday: 1, minutes: 510))
        #expect(monday.moment(in: try .parse("2026-W48")) == Self.moscow("2026-11-23T08:30:00"))
        #expect(SnapshotSchedule.standard.moment(in: try .parse("2026-W48")) == Self.moscow("2026-11-27T16:00:00"))
        for bad in ["", "FRIDAY 16:00", "FRI", "FRI 25:00", "16:00 FRI"] {
            #expect(throws: PartaError.self) { try SnapshotSchedule.parse(bad) }
        }
    }

    @Test("only verified staff count as staff; a teacher is counted once per school")
    func staff() {
        let (a, b, c, d) = (AccountID(1), AccountID(2), AccountID(3), AccountID(4))
        let grants = [
            StaffGrant(account: a, role: .teacher, verified: true), StaffGrant(account: b, role: .teacher, verified: false),
            StaffGrant(account: c, role: .employee, verified: true), StaffGrant(account: c, role: .teacher, verified: true),
            StaffGrant(account: d, role: .administrator, verified: true), StaffGrant(account: d, role: .parent, verified: false),
        ]
        let staff = StatisticsRules.verifiedStaff(grants)
        #expect(staff.teachers == 2 && staff.employees == 1)
        #expect(StatisticsRules.verifiedStaff([]) == (0, 0))
        // The same teacher in another school counts there too: figures are per organization.
        #expect(StatisticsRules.verifiedStaff([StaffGrant(account: a, role: .teacher, verified: true)]).teachers == 1)
    }

    @Test("the roster: each person once, linked or not; a student withdrawn mid-week is not counted at the snapshot")
    func roster() {
        let heads = [
            RosterHead(person: RosterPersonID(1), role: .student, stands: true, linked: true),
            RosterHead(person: RosterPersonID(2), role: .student, stands: true, linked: false),
            RosterHead(person: RosterPersonID(3), role: .student, stands: false, linked: true),  // withdrawn on Wednesday
            RosterHead(person: RosterPersonID(10), role: .parent, stands: true, linked: true),
            RosterHead(person: RosterPersonID(10), role: .parent, stands: true, linked: true),  // a parent of two children
            RosterHead(person: RosterPersonID(11), role: .parent, stands: true, linked: false),
            RosterHead(person: RosterPersonID(20), role: .teacher, stands: true, linked: true),
        ]
        let counts = StatisticsRules.roster(heads)
        #expect(counts[.student]?.total == 2 && counts[.student]?.linked == 1)
        #expect(counts[.parent]?.total == 2 && counts[.parent]?.linked == 1)
        #expect(counts[.teacher]?.total == 1 && counts[.teacher]?.linked == 1 && counts[.employee] == nil)
    }

    @Test("active accounts by role: each once per role, unverified staff not as staff")
    func active() {
        let (a, b, c) = (AccountID(1), AccountID(2), AccountID(3))
        let grants = [
            StaffGrant(account: a, role: .teacher, verified: true), StaffGrant(account: a, role: .parent, verified: false),
            StaffGrant(account: b, role: .teacher, verified: false), StaffGrant(account: c, role: .student, verified: false),
        ]
        let active = StatisticsRules.activeAccounts([a, b, c], grants: grants)
        #expect(active == [.teacher: 1, .parent: 1, .student: 1])
        #expect(StatisticsRules.activeAccounts([], grants: grants).isEmpty)
    }

    static let sinceRows: [(String, Bool, String, (String, String?)?, String?)] = [
        ("not active: none", false, "2026-W48", ("2026-W47", "2026-W40"), nil),
        ("first snapshot: this week", true, "2026-W48", nil, "2026-W48"),
        ("active the week before: carried", true, "2026-W48", ("2026-W47", "2026-W40"), "2026-W40"),
        ("not active the week before: this week", true, "2026-W48", ("2026-W47", nil), "2026-W48"),
        ("a gap of weeks nobody counted: this week", true, "2026-W48", ("2026-W45", "2026-W40"), "2026-W48"),
        ("this week's snapshot (a provisional page after it): carried", true, "2026-W48", ("2026-W48", "2026-W44"), "2026-W44"),
        ("across the new year", true, "2027-W01", ("2026-W53", "2026-W50"), "2026-W50"),
    ]

    @Test("active since: carried only from the week before (or the same week), else this week", arguments: sinceRows)
    func activeSince(row: (String, Bool, String, (String, String?)?, String?)) throws {
        let (name, active, week, earlier, expected) = row
        let parsedEarlier = try earlier.map { (try StatisticsWeek.parse($0.0), try $0.1.map { try StatisticsWeek.parse($0) }) }
        #expect(StatisticsRules.activeSince(active: active, week: try .parse(week), earlier: parsedEarlier)?.description == expected, "\(name)")
    }

    @Test("percentages with one decimal, none of nothing")
    func percent() {
        #expect(StatisticsRules.percent(1, of: 3) == 33.3)
        #expect(StatisticsRules.percent(2, of: 3) == 66.7)
        #expect(StatisticsRules.percent(5, of: 5) == 100)
        #expect(StatisticsRules.percent(0, of: 0) == nil)
    }

    @Test("a roll-up is the sum of its children")
    func rollUp() {
        var school = Figures()
        school.organizations = 1
        school.activeOrganizations = 1
        school.verifiedTeachers = 12
        school.chats = ["class": 3, "staff_room": 1]
        school.messagesBySenderRole = ["teacher": 40]
        var other = Figures()
        other.organizations = 1
        other.verifiedTeachers = 2
        other.chats = ["class": 1]
        other.messagesBySenderRole = ["teacher": 1, "student": 5]
        let total = Figures.total([school, other])
        #expect(total.organizations == 2 && total.activeOrganizations == 1 && total.verifiedTeachers == 14)
        #expect(total.chats == ["class": 4, "staff_room": 1] && total.messagesBySenderRole == ["teacher": 41, "student": 5])
        #expect(Figures.total([]) == Figures())
    }
}

@Suite("Statistics: who reads what")
struct StatisticsAccessTests {
    static let (tver, pskov) = (RegionID(1), RegionID(2))
    static let (city, district) = (MunicipalityID(10), MunicipalityID(11))  // both in Тверь's region
    static let (school, otherSchool) = (OrganizationID(100), OrganizationID(101))
    static let scopes: [String: StatisticsScope] = [
        "platform": .platform, "region": .region(tver), "other-region": .region(pskov),
        "city": .municipality(city, region: tver), "district": .municipality(district, region: tver),
        "school": .organization(school, municipality: city, region: tver),
        "district-school": .organization(otherSchool, municipality: district, region: tver),
    ]
    static let actors: [String: ActorRoles] = [
        "operator": ActorRoles(platform: [.operator]),
        "regional": ActorRoles(platform: [.regionalOfficer(tver)]),
        "municipal": ActorRoles(platform: [.municipalOfficer(city)]),
        "admin": ActorRoles(organizations: [school: [.administrator]]),
        "teacher": ActorRoles(organizations: [school: [.teacher]]),
        "nobody": ActorRoles(),
        "api-key": ActorRoles(integrationFor: school),
    ]

    @Test("the table", arguments: [
        ("operator", ["platform", "region", "other-region", "city", "district", "school", "district-school"]),
        ("regional", ["region", "city", "district", "school", "district-school"]),
        ("municipal", ["city", "school"]),
        ("admin", ["school"]),
        ("teacher", []), ("nobody", []), ("api-key", []),
    ])
    func table(actor: String, allowed: [String]) {
        for (name, scope) in Self.scopes {
            #expect(StatisticsAccess.decide(Self.actors[actor]!, scope).isAllowed == allowed.contains(name), "\(actor) → \(name)")
        }
    }

    @Test("which schools a page reads: a territory's; a school's page its whole municipality", arguments: [
        ("platform", ["city", "district", "elsewhere"]), ("region", ["city", "district"]), ("other-region", ["elsewhere"]),
        ("city", ["city"]), ("district", ["district"]), ("school", ["city"]), ("district-school", ["district"]),
    ])
    func reads(scope: String, places: [String]) {
        let elsewhere = MunicipalityID(9)
        let schools: [String: (MunicipalityID, RegionID)] = ["city": (Self.city, Self.tver), "district": (Self.district, Self.tver), "elsewhere": (elsewhere, Self.pskov)]
        for (name, place) in schools {
            #expect(Self.scopes[scope]!.reads(municipality: place.0, region: place.1) == places.contains(name), "\(scope) reads \(name)")
        }
    }
}

@Suite("Statistics: CSV for Russian Excel")
struct StatisticsExportTests {
    @Test("a BOM, semicolons, decimal commas, quoted names, the total last")
    func csv() throws {
        var school = Figures()
        school.organizations = 1
        school.activeOrganizations = 1
        school.students = 3
        school.studentsLinked = 1
        school.chats = ["class": 2, "parents": 2]
        school.messages = 7
        var other = Figures()
        other.organizations = 1
        let text = StatisticsExport.csv(
            week: try .parse("2026-W48"), rows: [("Школа № 5", school), ("МБОУ «Лицей; № 1»", other)], total: ("г. Тверь", school + other))
        #expect(text.hasPrefix("\u{FEFF}Неделя;Название;Организаций;Активных;Активных, %;"))
        let lines = text.dropFirst().split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        #expect(lines.count == 4 && text.hasSuffix("\r\n"))
        let header = lines[0].split(separator: ";", omittingEmptySubsequences: false)
        let first = lines[1].split(separator: ";", omittingEmptySubsequences: false)
        #expect(header.count == StatisticsExport.columns.count + 2 && first.count == header.count)
        func cell(_ line: [Substring], _ title: String) -> String { String(line[header.firstIndex(of: Substring(title))!]) }
        #expect(cell(first, "Учеников с аккаунтом, %") == "33,3" && cell(first, "Чатов") == "4" && cell(first, "Сообщений за неделю") == "7")
        #expect(lines[2].hasPrefix("2026-W48;\"МБОУ «Лицей; № 1»\";1;0;0,0;"))
        let total = lines[3].split(separator: ";", omittingEmptySubsequences: false)
        #expect(cell(total, "Организаций") == "2" && cell(total, "Активных, %") == "50,0" && cell(total, "Учеников с аккаунтом, %") == "33,3")
        // A name that looks like a formula is kept as text.
        let formula = StatisticsExport.csv(week: try .parse("2026-W48"), rows: [("=HYPERLINK(\"http://x\")", other)], total: ("+7", other))
        #expect(formula.contains("\r\n2026-W48;\"'=HYPERLINK(\"\"http://x\"\")\";1;") && formula.contains("\r\n2026-W48;'+7;1;"))
    }

    @Test("a sheet: the parent column only where rows have parents, typed cells, nothing for a share of nothing, the total last")
    func sheet() throws {
        var school = Figures()
        school.organizations = 1
        school.parents = 4
        school.parentsLinked = 1
        school.messages = 9
        let week = try StatisticsWeek.parse("2026-W48")
        let sheet = StatisticsExport.Sheet(
            title: "Школы", week: week,
            lines: [.init(name: "Школа № 5", parent: "г. Тверь", figures: school), .init(name: "Школа № 7", parent: "Калининский район", figures: Figures())],
            total: .init(name: "Тверская область", figures: school))
        #expect(sheet.hasParent && Array(sheet.header.prefix(4)) == ["Неделя", "Название", "Входит в", "Организаций"])
        #expect(sheet.header.count == StatisticsExport.columns.count + 3)
        let rows = sheet.rows
        #expect(rows.count == 3 && rows.allSatisfy { $0.count == sheet.header.count })
        func cell(_ row: Int, _ title: String) -> StatisticsExport.Cell { rows[row][sheet.header.firstIndex(of: title)!] }
        #expect(Array(rows[0].prefix(3)) == [.text("2026-W48"), .text("Школа № 5"), .text("г. Тверь")])
        #expect(cell(0, "Родителей с аккаунтом, %") == .percent(25) && cell(0, "Сообщений за неделю") == .count(9))
        #expect(cell(1, "Родителей с аккаунтом, %") == .empty && cell(1, "Организаций") == .count(0))
        #expect(rows[2][1] == .text("Тверская область") && rows[2][2] == .text(""), "the total has no parent")
        // Without parents the column is not there, and the CSV of a sheet is the page's CSV.
        let flat = StatisticsExport.Sheet(title: "", week: week, lines: [.init(name: "Школа № 5", figures: school)], total: .init(name: "г. Тверь", figures: school))
        #expect(!flat.hasParent && flat.header[2] == "Организаций")
        #expect(StatisticsExport.csv(flat) == StatisticsExport.csv(week: week, rows: [("Школа № 5", school)], total: ("г. Тверь", school)))
        #expect(StatisticsExport.fileName(week: week, level: "region", id: 3, extension: "xlsx") == "statistics-2026-W48-region-3.xlsx")
        #expect(StatisticsExport.fileName(week: week, level: "platform", id: nil, extension: "csv") == "statistics-2026-W48-platform.csv")
    }
}
