import Foundation
public import PartaDomain
import PartaStore

/// Hands the demo's own sign-in codes to its private inbox only: they never reach the log.
struct InboxSMSSender: SMSSender {
    let inbox: DevInbox
    let clock: any WallClock

    func send(_ message: SMSMessage) async throws {
        inbox.record(.init(at: clock.now(), phone: message.phone, text: message.text))
    }
}

/// Signs the demo's people in by phone on a `Parta` of its own beside the real one — the same
/// database, on `clock`, without rate limits — reading the one-time codes from a private inbox.
struct DemoSessions {
    let parta: Parta
    let inbox = DevInbox(capacity: 4)
    let clock: any WallClock
    private var count = 0

    init(beside real: Parta, clock: any WallClock) {
        var config = real.config
        config.limits = .unlimitedRates
        config.signIn.perPhonePerDay = 1_000
        config.signIn.perAddressPerHour = 100_000
        config.signIn.perAddressPerDay = 100_000
        // A demo run again at once signs the same people in again on the same clock.
        config.signIn.resendInterval = 0
        self.clock = clock
        parta = Parta(database: real.database, clock: clock, sms: InboxSMSSender(inbox: inbox, clock: clock), config: config, logger: real.logger)
    }

    /// A session for `phone` (its account made on first sign-in), from a documentation address.
    mutating func signIn(_ phone: String) async throws -> Principal {
        let address = "198.51.100.\(count % 250 + 1)"
        count += 1
        _ = try await parta.requestSignInCode(phone: phone, clientAddress: address)
        let length = parta.config.signIn.codeLength
        guard let text = inbox.recent().first?.text, let code = text.split(whereSeparator: { !$0.isNumber }).first(where: { $0.count == length }) else {
            throw PartaError.conflict("demo_sign_in", "The demo could not read its own sign-in code.")
        }
        let result = try await parta.verifySignInCode(
            phone: phone, code: String(code), deviceName: "demo", userAgent: "parta demo", clientAddress: address)
        return Principal(account: result.account, session: result.session)
    }
}

/// The living demo: the cast the generator named (`SchoolGenerator.Cast`) linked to the demo's
/// accounts — a homeroom teacher, two subject teachers of the class, the director and the
/// secretary, a mother of two and her child in the class — and three days of conversations in
/// their chats, so whoever signs in sees a school in use: messages, unread counts, a direct chat.
extension DemoSchool {
    public static let parent = Person(name: "Волкова Наталья Сергеевна", phone: "+79000000020", role: "mother")
    static let studentPhone = "+79000000021"

    /// The cast once linked: their sessions, the student, and whether this run linked them.
    public struct LivingCast: Sendable {
        var cast: SchoolGenerator.Cast
        /// External id → the demo phone that signs in as them.
        var phones: [String: String] = [:]
        var student: RosterPerson?
        /// `false` when an earlier run linked them: their conversations are there already.
        public var linkedNow = false
        /// Everyone of the cast with what they are in the school, to sign in as.
        public var signIns: [Person] = []
    }

    /// Links the cast to the demo's phones (once; running it again changes nothing) and gives the
    /// director and the secretary their positions. Before the demo's history, so that the history
    /// links other people; `converse` writes their last three days after it.
    public static func linkCast(
        _ parta: Parta, caller: Caller, organization: OrganizationID, cast: SchoolGenerator.Cast
    ) async throws -> LivingCast {
        _ = try await parta.initializeChats(caller, organization: organization, dryRun: false)
        let byPhone: [(String, String)] = [
            (cast.homeroomTeacher, teachers[0].phone), (cast.russianTeacher, teachers[1].phone), (cast.englishTeacher, teachers[2].phone),
            (cast.director, administrator.phone), (cast.secretary, employee.phone), (cast.mother, parent.phone),
            (cast.children.first ?? "", studentPhone),
        ].filter { !$0.0.isEmpty }
        var living = LivingCast(cast: cast)
        var persons: [(externalID: String, person: RosterPerson, phone: String)] = []
        for (externalID, phone) in byPhone {
            guard let person = try await parta.database.read({ try await $0.person(externalID: externalID, in: organization) }) else { continue }
            if externalID == cast.children.first { living.student = person }
            persons.append((externalID, person, phone))
        }
        // Those not linked yet sign in to confirm their codes — on a clock set back before any
        // history the demo plays, which signs in on the weeks after it.
        var sessions = DemoSessions(beside: parta, clock: ManualClock(parta.clock.now().addingTimeInterval(-100 * 86_400)))
        for (externalID, person, phone) in persons {
            if let linked = person.accountID {
                // Linked before — to this phone by an earlier run, or to someone else by a demo
                // made without the cast (then this one is left out: nobody can sign in as them).
                let account = try await parta.database.read { try await $0.account(phone: PhoneNumber(e164: phone)) }
                if account?.id == linked { living.phones[externalID] = phone }
                continue
            }
            living.phones[externalID] = phone
            let principal = try await sessions.signIn(phone)
            let code = try await parta.createLinkCode(caller, organization: organization, person: person.id).code
            _ = try await parta.confirmLinkCode(principal, code: code, clientAddress: "198.51.100.254")
            living.linkedNow = true
        }
        if living.phones[cast.children.first ?? ""] == nil { living.student = nil }
        // The demo made its staff members persons of their own before (`attachMember`); now that
        // they are the roster's, those bare persons would show them twice in every staff chat.
        for (externalID, phone) in living.phones {
            let bare = try await parta.database.read { store -> [RosterPerson] in
                guard let account = try await store.account(phone: PhoneNumber(e164: phone)) else { return [] }
                return try await store.persons(linkedTo: account.id)
                    .filter { $0.organizationID == organization && $0.externalID == nil && $0.role.isStaff }
            }
            guard persons.contains(where: { $0.externalID == externalID && $0.person.role.isStaff }) else { continue }
            for person in bare {
                do { try await parta.deletePerson(caller, organization: organization, id: person.id) } catch let error as PartaError where error.code == "person_in_use" {}
            }
        }
        living.signIns = try await signIns(parta, living, organization: organization)
        for (externalID, position) in [(cast.director, "Директор"), (cast.secretary, "Секретарь")] {
            guard let person = try await parta.database.read({ try await $0.person(externalID: externalID, in: organization) }),
                person.position != position
            else { continue }
            _ = try await parta.updatePerson(caller, organization: organization, id: person.id, PersonPatch(position: position))
        }
        return living
    }

    /// Whether an earlier `--living` run linked the cast here: then every later run keeps them
    /// (a plain run would give the generator's own names back to people signed in as the cast).
    public static func hasLivingCast(_ parta: Parta, organization: OrganizationID) async throws -> Bool {
        try await parta.database.read { store in
            guard let account = try await store.account(phone: PhoneNumber(e164: parent.phone)) else { return false }
            return try await store.persons(linkedTo: account.id).contains { $0.organizationID == organization && $0.externalID != nil }
        }
    }

    /// The cast as the demo prints them: each phone with who it is in the school now.
    static func signIns(_ parta: Parta, _ living: LivingCast, organization: OrganizationID) async throws -> [Person] {
        let cast = living.cast
        let label = { (external: String) in try await className(external, parta: parta, organization: organization) }
        var classes: [String] = []
        for label in cast.childrenClasses where !classes.contains(label) { classes.append(label) }
        var people = [
            Person(name: administrator.name, phone: administrator.phone, role: "director and school administrator"),
            Person(name: teachers[0].name, phone: teachers[0].phone,
                   role: "homeroom teacher of \(cast.classLabel), teaches \(cast.homeroomTeacherTeaches) in it"),
            Person(name: teachers[1].name, phone: teachers[1].phone,
                   role: "teaches Russian in \(cast.classLabel), homeroom teacher of \(try await label(cast.russianTeacherLeads))"),
            Person(name: teachers[2].name, phone: teachers[2].phone,
                   role: "teaches English in \(cast.classLabel), homeroom teacher of \(try await label(cast.englishTeacherLeads))"),
            Person(name: employee.name, phone: employee.phone, role: "school secretary"),
            Person(name: parent.name, phone: parent.phone, role: "mother of \(cast.children.count), in \(classes.joined(separator: " and "))"),
        ]
        if let student = living.student {
            people.append(Person(name: student.name.full, phone: studentPhone, role: "student of \(cast.classLabel), her child"))
        }
        // Only those the demo's phones sign in as (a role the generator could not cast, or a person
        // linked to someone else, keeps the plain entry).
        let phones = Set(living.phones.values)
        return people.filter { phones.contains($0.phone) }
    }

    /// A class's name by its external id.
    static func className(_ external: String, parta: Parta, organization: OrganizationID) async throws -> String {
        try await parta.database.read { try await $0.schoolClass(externalID: external, in: organization) }?.name ?? "—"
    }

    /// The last three school days in the cast's chats (written once: a later run finds them): the
    /// homeroom teacher and a parent in the class's parents' chat, a student and the teacher in the
    /// class chat, the Russian and English teachers in their subject chats, the staff room, the
    /// secretary and the director in «Все сотрудники», and the homeroom teacher's direct message to
    /// the mother — each read by its writer, so the others see them as unread. Written on a clock
    /// set back to each moment, after anything the history wrote in the same chats, so the
    /// conversation reads in order with its days.
    /// The client id of the homeroom teacher's direct message, the conversation's last line.
    static let directClientID = "demo-cast-direct"

    public static func converse(_ parta: Parta, _ living: LivingCast, caller: Caller, organization: OrganizationID) async throws {
        // Written already: the homeroom teacher's direct message is the last line (and an older
        // demo's first line was his). Nobody signs in then — someone may be signed in as the cast.
        // Otherwise every step finds what an earlier run wrote (a message by its client id, the
        // direct chat, the staff chat), so a run that failed half-way is finished by the next.
        if let teacherPhone = living.phones[living.cast.homeroomTeacher], try await parta.database.read({ store in
            guard let teacher = try await store.account(phone: PhoneNumber(e164: teacherPhone)) else { return false }
            if try await store.message(sender: teacher.id, clientID: directClientID) != nil { return true }
            return try await store.message(sender: teacher.id, clientID: "demo-cast-0") != nil
        }) { return }
        let (cast, child) = (living.cast, living.student)
        // They sign in on a clock an hour back: whoever signs in with these phones now is not told
        // to wait; then the same clock is set to each moment they write at.
        let now = parta.clock.now()
        let clock = ManualClock(now.addingTimeInterval(-3_600))
        var sessions = DemoSessions(beside: parta, clock: clock)
        let past = sessions.parta
        var people: [String: Principal] = [:]
        for (externalID, phone) in living.phones.sorted(by: { $0.value < $1.value }) { people[externalID] = try await sessions.signIn(phone) }
        func chat(of externalID: String, _ matches: (Chat) -> Bool) async throws -> ChatID? {
            guard let principal = people[externalID] else { return nil }
            return try await parta.myChats(principal).first { $0.entry.chat.organizationID == organization && matches($0.entry.chat) }?.entry.chat.id
        }
        let classID = try await parta.database.read { try await $0.schoolClass(externalID: cast.classID, in: organization)?.id }
        let inClass: (ChatKind) -> (Chat) -> Bool = { kind in { $0.kind == kind && $0.classID == classID } }
        let student = cast.children.first ?? ""
        let parentsChat = try await chat(of: cast.homeroomTeacher, inClass(.parents))
        let classChat = try await chat(of: cast.homeroomTeacher, inClass(.classChat))
        let russian = try await chat(of: cast.russianTeacher) { $0.kind == .subject && $0.classID == classID && $0.name.contains("Русский") }
        let english = try await chat(of: cast.englishTeacher) { $0.kind == .subject && $0.classID == classID }
        let staffRoom = try await chat(of: cast.russianTeacher) { $0.kind == .staffRoom }
        let hers = try await className(cast.russianTeacherLeads, parta: parta, organization: organization)
        // Moments in Moscow time on the school days (Sundays skipped) `daysAgo` before today;
        // today's relative to now.
        let moscow = TimeZone(identifier: "Europe/Moscow") ?? TimeZone(secondsFromGMT: 3 * 3_600)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = moscow
        let today = calendar.startOfDay(for: now)
        func at(_ daysAgo: Int, _ hour: Int, _ minute: Int) -> Date {
            var day = today
            for _ in 0..<daysAgo {
                repeat { day = calendar.date(byAdding: .day, value: -1, to: day)! } while calendar.component(.weekday, from: day) == 1
            }
            return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)!
        }
        func minutesAgo(_ minutes: Int) -> Date { now.addingTimeInterval(Double(-minutes * 60)) }
        // The staff room is the teachers'; everyone on the staff, the secretary too, talks in a chat
        // by rule — made before anyone writes in it.
        clock.set(min(at(2, 8, 0), now))
        let staffName = "Все сотрудники"
        let existing = try await past.listChats(caller, organization: organization, query: ChatListQuery(kinds: [.custom], name: staffName), page: PageRequest())
        var allStaff = existing.items.first { $0.chat.rule == .allStaff }?.chat.id
        if allStaff == nil {
            allStaff = try await past.createChat(caller, organization: organization, ChatDraft(kind: .custom, name: staffName, rule: .allStaff)).summary.chat.id
        }
        var lines: [(Date, String, ChatID?, String)] = [
            (at(2, 10, 5), cast.russianTeacher, russian, "Ребята, к понедельнику — упражнение 112. Словарики не забываем!"),
            (at(2, 16, 40), cast.secretary, allStaff, "Коллеги, бланки заявлений на отпуск — в приёмной, у меня."),
            (at(2, 17, 10), cast.director, allStaff, "Спасибо, Татьяна Ильинична. Напоминаю: педсовет в среду в 15:00."),
            (at(1, 12, 30), cast.englishTeacher, english, "Завтра словарный диктант по теме «My family». Повторите слова из модуля 3."),
            (at(1, 19, 30), cast.homeroomTeacher, parentsChat, "Добрый день! В четверг в 18:00 родительское собрание, кабинет 12. Приходите, пожалуйста."),
            (at(1, 20, 5), cast.mother, parentsChat, "Спасибо, буду. Можно задать вопрос про экскурсию на собрании?"),
            (at(1, 20, 20), cast.homeroomTeacher, parentsChat, "Конечно. Сбор на экскурсию в пятницу в 8:30 у школы."),
            (minutesAgo(180), student, classChat, "А учебник по литературе завтра нужен?"),
            (minutesAgo(170), cast.homeroomTeacher, classChat, "Да, нужен, и тетрадь для сочинений."),
            (minutesAgo(95), cast.russianTeacher, staffRoom, "Коллеги, кто свободен на третьем уроке? Нужна замена в \(hers)."),
            (minutesAgo(88), cast.englishTeacher, staffRoom, "Могу я, у меня окно. Оставьте, пожалуйста, план урока в учительской."),
        ]
        var directChat: ChatID?
        if let teacher = people[cast.homeroomTeacher], let mother = people[cast.mother], let child {
            clock.set(minutesAgo(62))
            let direct = try await past.openDirectChat(teacher, organization: organization, with: mother.account.id)
            directChat = direct.entry.chat.id
            let answered = child.gender == .female ? "отвечала" : "отвечал"
            lines.append((minutesAgo(60), cast.homeroomTeacher, direct.entry.chat.id,
                          "Наталья Сергеевна, добрый день! \(child.name.givenName) сегодня хорошо \(answered) на уроке — похвалите, пожалуйста."))
        }
        // After what is there already (the history's weeks), a minute apart at least, never ahead of now.
        let chats = lines.compactMap(\.2)
        var earliest = try await parta.database.read { try await $0.latestMessageTime(in: chats) }?.addingTimeInterval(60) ?? .distantPast
        for (index, (moment, writer, chat, text)) in lines.sorted(by: { $0.0 < $1.0 }).enumerated() {
            guard let chat, let principal = people[writer] else { continue }
            let when = min(max(moment, earliest), now.addingTimeInterval(-60))
            clock.set(when)
            earliest = when.addingTimeInterval(60)
            let clientID = chat == directChat ? Self.directClientID : "demo-cast-\(index)"
            let sent = try await past.sendMessage(principal, chat: chat, clientID: clientID, text: text)
            _ = try await past.markRead(principal, chat: chat, seq: sent.message.seq)
        }
    }
}
