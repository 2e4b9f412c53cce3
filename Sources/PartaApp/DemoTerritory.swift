import Foundation
public import PartaDomain
import PartaStore

/// The demo's territory and its past weeks: more schools beside the demo school, in its
/// municipality and in a second one, and a few weeks of history — schools coming onto the
/// platform one after another, parents and students linking, messages — with the weekly
/// snapshot taken at the end of each week, so the officer the demo prints sees trends at once.
/// Built only through use cases, on a clock set back to each past week.
public enum DemoTerritory {
    /// A school of the territory beside the demo school.
    public struct School: Sendable {
        public var municipality: String
        public var fullName: String
        public var shortName: String
        public var address: String
        /// Index of the week (from the oldest simulated) its administrator first signs in and its
        /// teachers are confirmed; `nil`: it never does (a school that is not active).
        public var adoptsInWeek: Int?
    }

    public static let secondMunicipality = "Образцовский муниципальный район"

    public static let schools: [School] = [
        School(municipality: DemoSchool.municipality, fullName: "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2 г. Образцово»",
               shortName: "Гимназия № 2 г. Образцово", address: "г. Образцово, пр. Мира, д. 12", adoptsInWeek: 1),
        School(municipality: secondMunicipality, fullName: "Муниципальное общеобразовательное учреждение «Средняя школа с. Берёзовка»",
               shortName: "Школа с. Берёзовка", address: "с. Берёзовка, ул. Центральная, д. 5", adoptsInWeek: 0),
        School(municipality: DemoSchool.municipality, fullName: "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 3 г. Образцово»",
               shortName: "Лицей № 3 г. Образцово", address: "г. Образцово, ул. Садовая, д. 3", adoptsInWeek: 3),
        School(municipality: secondMunicipality, fullName: "Муниципальное общеобразовательное учреждение «Основная школа с. Ольховка»",
               shortName: "Школа с. Ольховка", address: "с. Ольховка, ул. Школьная, д. 2", adoptsInWeek: 2),
        School(municipality: secondMunicipality, fullName: "Муниципальное общеобразовательное учреждение «Средняя школа пос. Сосновый»",
               shortName: "Школа пос. Сосновый", address: "пос. Сосновый, ул. Лесная, д. 9", adoptsInWeek: nil),
    ]

    /// A regional officer of the demo's region, to drill down from the region.
    public static let regionalOfficer = DemoSchool.Person(name: "Григорьев Алексей Олегович", phone: "+79000000003", role: "regional officer")

    /// The territory's schools besides the demo school (the first `count`), each with a generated
    /// roster of about `students`·(2…4)/6 students and its roster chats; again changes nothing.
    public static func build(_ parta: Parta, caller: Caller, schools count: Int, students: Int) async throws -> [OrganizationID] {
        guard count > 0 else { return [] }
        var built: [OrganizationID] = []
        for (index, school) in schools.prefix(count).enumerated() {
            let found = try await parta.searchOrganizations(query: school.shortName, region: nil, municipality: nil, page: PageRequest(page: 1, perPage: 10))
            let id: OrganizationID
            if let existing = found.items.first(where: { $0.organization.profile.fullName == school.fullName }) {
                id = existing.organization.id
            } else {
                id = try await parta.registerOrganization(caller, OrganizationRegistration(
                    region: DemoSchool.region, municipality: school.municipality,
                    profile: OrganizationProfile(
                        kind: .school, fullName: school.fullName, shortName: school.shortName, address: school.address,
                        contactPhone: "+7 (900) 000-01-\(10 + index)", email: "school\(index + 2)@example.org", website: ""),
                    administratorName: administratorNames[index % administratorNames.count],
                    administratorPhone: administratorPhone(index))).summary.organization.id
            }
            _ = try await DemoSchool.populate(parta, caller: caller, organization: id, students: max(20, students * (2 + index % 3) / 6))
            _ = try await parta.initializeChats(caller, organization: id, dryRun: false)
            built.append(id)
        }
        if let demo = try await parta.searchOrganizations(query: DemoSchool.shortName, region: nil, municipality: nil, page: PageRequest(page: 1, perPage: 10))
            .items.first(where: { $0.organization.profile.fullName == DemoSchool.fullName })
        {
            _ = try await parta.addOfficer(caller, name: regionalOfficer.name, phone: regionalOfficer.phone, scope: .region(demo.organization.regionID))
        }
        return built
    }

    static let administratorNames = [
        "Белова Анна Сергеевна", "Васильев Борис Петрович", "Гусева Вера Андреевна", "Дмитриев Глеб Ильич", "Егорова Дарья Павловна",
    ]
    static let teacherNames = ["Жукова Нина Ивановна", "Зайцев Олег Иванович", "Исаева Полина Романовна"]

    static func administratorPhone(_ index: Int) -> String { "+7900000\(String(format: "%04d", 100 + index))" }

    /// What the history did.
    public struct History: Sendable, Equatable {
        public var weeks: [StatisticsWeek] = []
        public var linked = 0
        public var messages = 0
    }

    /// Plays `weeks` past weeks (ending with the last one whose snapshot moment has passed) for
    /// the demo school (active from the first week) and `territory` (from their `adoptsInWeek`):
    /// administrators sign in, teachers are confirmed, a growing share of parents and students
    /// link their accounts and write; each week's snapshot is taken at its moment. Nothing when
    /// snapshots exist already (the demo was run before).
    public static func history(_ parta: Parta, caller: Caller, demoSchool: OrganizationID, territory: [OrganizationID], weeks: Int) async throws -> History {
        var history = History()
        guard weeks > 0, try await parta.database.read({ try await $0.latestSnapshot() }) == nil else { return history }
        let schedule = parta.config.statisticsSchedule
        let now = parta.clock.now()
        var last = StatisticsWeek.containing(now)
        if schedule.moment(in: last) > now { last = last.adding(weeks: -1) }
        let simulated = (0..<weeks).map { last.adding(weeks: $0 - weeks + 1) }

        // The same use cases on a clock set back, without rate limits (a whole school links in a
        // minute of that clock).
        let clock = ManualClock(simulated[0].start)
        var sessions = DemoSessions(beside: parta, clock: clock)
        let past = sessions.parta

        var adoption = [demoSchool: 0]
        for (id, week) in zip(territory, schools.map(\.adoptsInWeek)) { adoption[id] = week }
        var people: [OrganizationID: [Principal]] = [:]
        func signIn(_ phone: String) async throws -> Principal {
            let principal = try await sessions.signIn(phone)
            clock.advance(by: 2)
            return principal
        }
        var random = DemoRandom(seed: 48)
        let texts = [
            "Добрый день! Напоминаю о родительском собрании в четверг.", "Спасибо, будем.", "Домашнее задание на завтра — параграф 12.",
            "Подскажите, во сколько заканчивается экскурсия?", "Завтра уроки по расписанию.", "Принято, спасибо!",
            "Не забудьте сменную обувь.", "Фотографии с концерта пришлю вечером.",
        ]

        for (index, week) in simulated.enumerated() {
            clock.set(week.start.addingTimeInterval(2 * 86_400 + 7 * 3_600))  // Wednesday 07:00 Moscow
            for (organization, adopts) in adoption.sorted(by: { $0.key < $1.key }) where adopts <= index {
                if adopts == index, organization != demoSchool, let position = territory.firstIndex(of: organization) {
                    // The administrator comes in and confirms three teachers: the school is active.
                    _ = try await signIn(administratorPhone(position))
                    for (teacher, name) in teacherNames.enumerated() {
                        _ = try await past.attachMember(
                            caller, organization: organization, name: name,
                            phone: "+7900\(String(format: "%03d", 200 + position))\(String(format: "%04d", teacher))", role: .teacher, verified: true)
                    }
                } else if adopts == index, organization == demoSchool {
                    _ = try await signIn(DemoSchool.administrator.phone)
                }
                // A growing share of the roster links: 12 % more each week, up to 60 %.
                let share = min(0.6, 0.12 * Double(index - adopts + 1))
                for role in [RosterRole.parent, .student] {
                    let all = try await past.database.read { store in
                        try await store.listPersons(of: organization, filter: PersonFilter(role: role, active: true), page: PageRequest(page: 1, perPage: 100_000))
                    }
                    let target = Int(Double(all.total) * share)
                    let linked = all.items.filter { $0.accountID != nil }.count
                    for person in all.items.filter({ $0.accountID == nil }).prefix(max(0, target - linked)) {
                        let principal = try await signIn("+7901\(String(format: "%07d", 1_000_000 + Int(person.id.rawValue)))")
                        let code = try await past.createLinkCode(caller, organization: organization, person: person.id).code
                        _ = try await past.confirmLinkCode(principal, code: code, clientAddress: "198.51.100.254")
                        people[organization, default: []].append(principal)
                        history.linked += 1
                    }
                }
                // Those linked write now and then and read their chats.
                for principal in people[organization] ?? [] where random.next(100) < 35 {
                    let chats = try await past.myChats(principal)
                    guard !chats.isEmpty else { continue }
                    let chat = chats[random.next(chats.count)]
                    do {
                        _ = try await past.sendMessage(principal, chat: chat.entry.chat.id, clientID: "demo-\(week)-\(principal.account.id)-\(history.messages)",
                                                       text: texts[random.next(texts.count)])
                        history.messages += 1
                    } catch let error as PartaError where error.kind == .forbidden {
                        // Announcements only: they read instead.
                    }
                    for read in chats where read.entry.lastSeq > read.entry.readSeq {
                        _ = try await past.markRead(principal, chat: read.entry.chat.id, seq: read.entry.lastSeq)
                    }
                    clock.advance(by: 37)
                }
            }
            let moment = schedule.moment(in: week)
            clock.set(moment)
            if try await past.takeSnapshot(week, asOf: moment) { history.weeks.append(week) }
        }
        return history
    }
}

/// A small deterministic generator, so the demo's history is the same every time.
struct DemoRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next(_ bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(max(1, bound)))
    }
}
