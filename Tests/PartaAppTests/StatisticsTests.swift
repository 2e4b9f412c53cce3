import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// One school's figures for a week, on both engines, from a roster and activity whose counts are
/// known (`ChatSchool`: 10А with s1–s3, 9Г with s9; p1 parent of s1, p2 of s2 and s9; Иванова,
/// Петров, Смит linked — verified staff — Сидорова not; s1 and p2 linked).
@Suite("Statistics: one school's week")
struct StatisticsTests {
    @Test("the figures of a week: staff, roster, chats, messages, active accounts, joining, calls", arguments: TestEngine.all)
    func figures(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let week = StatisticsWeek.containing(world.clock.now())
            #expect(week.description == "2026-W36")
            let friday = SnapshotSchedule.standard.moment(in: week)

            let empty = try await p.organizationFigures(s.id, week: week, asOf: friday)
            #expect(empty.organizations == 1 && empty.activeOrganizations == 0, "the profile has no address yet")
            #expect(empty.verifiedTeachers == 3 && empty.verifiedEmployees == 0)
            #expect((empty.students, empty.studentsLinked, empty.parents, empty.parentsLinked) == (4, 1, 2, 1))
            #expect((empty.rosterTeachers, empty.rosterTeachersLinked, empty.rosterEmployees) == (4, 3, 0))
            #expect(empty.chats == ["staff_room": 1, "class": 2, "parents": 2, "subject": 3] && empty.missingRosterChats == 0)
            #expect(empty.messages == 0 && empty.activeAccountsByRole.isEmpty && empty.calls == 0)

            // The week: s1 writes twice in the class chat, Петров once in the staff room, p2 reads
            // the parents' chat; an invite; s3 withdrawn on Wednesday; a class chat deleted; a call
            // of 45 minutes with two people, one of whom left after 30.
            let principals = s.principals
            let chats = try await p.myChats(principals["ivanova"]!)
            let classChat = try #require(chats.first { $0.entry.chat.kind == .classChat }).entry.chat.id
            let staffRoom = try #require(chats.first { $0.entry.chat.kind == .staffRoom }).entry.chat.id
            let parents = try #require(try await p.myChats(principals["p2"]!).first { $0.entry.chat.kind == .parents })
            _ = try await p.sendMessage(principals["s1"]!, chat: classChat, clientID: "st-1", text: "Здравствуйте")
            _ = try await p.sendMessage(principals["s1"]!, chat: classChat, clientID: "st-2", text: "Когда контрольная?")
            _ = try await p.sendMessage(principals["petrov"]!, chat: staffRoom, clientID: "st-3", text: "Педсовет в пятницу")
            _ = try await p.markRead(principals["p2"]!, chat: parents.entry.chat.id, seq: parents.entry.lastSeq)
            _ = try await p.createInvite(s.admin, organization: s.id, role: .teacher, classID: nil)
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s3, kind: .withdrawal, classID: s.tenA, date: LocalDate("2026-09-02"))
            let nineGChat = try #require(try await world.database.read { try await $0.rosterChats(of: s.id, classes: [s.nineG], staffRoom: false) }
                .live[.classChat(s.nineG)]).id
            try await p.deleteChat(s.admin, organization: s.id, id: nineGChat)
            let start = world.clock.now()
            try await world.database.write { store in
                let call = try #require(try await store.insertChatCall(
                    organization: s.id, chat: classChat, meeting: nil, media: .video, startedBy: principals["ivanova"]!.account.id,
                    server: "http://127.0.0.1:9/janus", room: 1, secret: "x", now: start))
                _ = try await store.insertStay(call: call, account: principals["ivanova"]!.account.id, role: "host", token: "a", participant: 1, now: start)
                _ = try await store.insertStay(call: call, account: principals["s1"]!.account.id, role: "member", token: "b", participant: 2, now: start)
                _ = try await store.endStay(call: call, account: principals["s1"]!.account.id, now: start.addingTimeInterval(30 * 60))
                try await store.endCall(call, now: start.addingTimeInterval(45 * 60))
            }
            _ = try await p.updateProfile(s.admin, organization: s.id, ProfilePatch(address: "г. Тверь, ул. Советская, 5", email: "s5@example.org"))

            let figures = try await p.organizationFigures(s.id, week: week, asOf: friday)
            #expect(figures.activeOrganizations == 1, "signed-in administrator, a full profile, three verified teachers")
            #expect((figures.students, figures.studentsLinked) == (3, 1), "s3 withdrawn on Wednesday is not counted on Friday")
            #expect((figures.parents, figures.parentsLinked) == (2, 1), "p2, parent of two, counts once")
            #expect(figures.chats == ["staff_room": 1, "class": 1, "parents": 2, "subject": 3] && figures.missingRosterChats == 1)
            #expect(figures.messages == 3 && figures.messagesByChatType == ["class": 2, "staff_room": 1])
            #expect(figures.messagesBySenderRole == ["student": 2, "teacher": 1])
            #expect(figures.activeAccountsByRole == ["student": 1, "teacher": 1, "parent": 1])
            #expect((figures.invitesCreated, figures.joinRequestsAccepted, figures.joinRequestsRejected) == (1, 0, 0))
            #expect((figures.calls, figures.distanceLessons, figures.callParticipants, figures.callMinutes) == (1, 0, 2, 75))

            // The week before holds none of this week's activity; the next week's starts empty.
            let before = try await p.organizationFigures(s.id, week: week.adding(weeks: -1), asOf: week.start)
            #expect(before.messages == 0 && before.invitesCreated == 0 && before.calls == 0 && before.activeAccountsByRole.isEmpty)
            let next = try await p.organizationFigures(s.id, week: week.adding(weeks: 1), asOf: SnapshotSchedule.standard.moment(in: week.adding(weeks: 1)))
            #expect(next.messages == 0 && next.calls == 0 && next.students == 3)
        }
    }

    static func moscow(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+03:00")! }

    @Test("the weekly snapshot: once at its moment, kept, taken late by a node that was down", arguments: TestEngine.all)
    func snapshots(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            _ = try await p.sendMessage(s.principals["s1"]!, chat: try #require(try await p.myChats(s.principals["s1"]!).first).entry.chat.id,
                                        clientID: "snap-1", text: "Привет")
            let w36 = try StatisticsWeek.parse("2026-W36")
            // Tuesday: last week's is due (nothing taken yet): a node starting mid-week catches up.
            #expect(try await p.takeDueSnapshot()?.description == "2026-W35")
            #expect(try await p.takeDueSnapshot() == nil, "once")
            world.clock.set(Self.moscow("2026-09-04T15:59:00"))
            #expect(try await p.takeDueSnapshot() == nil)
            world.clock.set(Self.moscow("2026-09-04T16:00:00"))
            #expect(try await p.takeDueSnapshot() == w36)
            #expect(try await p.takeDueSnapshot() == nil)
            let stored = try await world.database.read { try await $0.snapshotFigures(w36) }
            #expect(stored.map(\.organization.id) == [s.id])
            let live = try await p.organizationFigures(s.id, week: w36, asOf: Self.moscow("2026-09-04T16:00:00"))
            #expect(stored.first?.figures == live && live.messages == 1)
            #expect(try await world.database.read { try await $0.snapshots() }.map(\.week.description) == ["2026-W36", "2026-W35"])
            // A message after the moment belongs to no snapshot of W36 (it was taken).
            _ = try await p.sendMessage(s.principals["s1"]!, chat: try #require(try await p.myChats(s.principals["s1"]!).first).entry.chat.id,
                                        clientID: "snap-2", text: "Ещё")
            #expect(try await world.database.read { try await $0.snapshotFigures(w36) }.first?.figures.messages == 1)

            // Down over the next Friday: on Monday the node takes W37, not W38.
            world.clock.set(Self.moscow("2026-09-14T09:00:00"))
            #expect(try await p.takeDueSnapshot()?.description == "2026-W37")
        }
    }

    @Test("two nodes at the moment: exactly one takes the snapshot; a crashed node's claim runs out", arguments: TestEngine.all)
    func oneNode(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            world.clock.set(Self.moscow("2026-09-04T16:00:00"))
            let other = Parta(database: world.database, clock: world.clock, sms: world.sms, config: world.parta.config, logger: TestDatabase.logger)
            let w36 = try StatisticsWeek.parse("2026-W36")
            // W35 first, so both nodes meet at W36.
            #expect(try await world.parta.takeSnapshot(try StatisticsWeek.parse("2026-W35"), asOf: Self.moscow("2026-08-28T16:00:00")))
            async let first = world.parta.takeDueSnapshot()
            async let second = other.takeDueSnapshot()
            let taken = [try await first, try await second].compactMap { $0 }
            #expect(taken == [w36], "exactly one node took it")
            #expect(try await world.database.read { try await $0.snapshotFigures(w36) }.count == 1)

            // A node that claimed W37 and died: another takes it over once the claim ran out.
            let w37 = w36.adding(weeks: 1)
            world.clock.set(Self.moscow("2026-09-11T16:00:00"))
            #expect(try await world.database.write { try await $0.claimSnapshot(w37, token: "dead", asOf: world.clock.now(), now: world.clock.now(),
                                                                                  until: world.clock.now().addingTimeInterval(1800)) })
            #expect(try await other.takeDueSnapshot() == nil)
            world.clock.advance(by: 1801)
            #expect(try await other.takeDueSnapshot() == w37)
            #expect(try await world.database.write { try await $0.finishSnapshot(w37, token: "dead", now: world.clock.now()) } == false)
            #expect(try await world.database.read { try await $0.snapshotFigures(w37) }.map(\.organization.id) == [s.id])
        }
    }

    @Test("active since: the week a school became active, carried while it stays active; provisional pages carry it too", arguments: TestEngine.all)
    func activeSince(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let (w35, w36, w37) = (try StatisticsWeek.parse("2026-W35"), try StatisticsWeek.parse("2026-W36"), try StatisticsWeek.parse("2026-W37"))
            #expect(try await p.takeSnapshot(w35, asOf: Self.moscow("2026-08-28T16:00:00")))
            #expect(try await world.database.read { try await $0.snapshotFigures(w35) }.first?.figures.activeSince == nil, "not active yet")
            _ = try await p.updateProfile(s.admin, organization: s.id, ProfilePatch(address: "г. Тверь, ул. Советская, 5", email: "s5@example.org"))
            world.clock.set(Self.moscow("2026-09-04T16:00:00"))
            #expect(try await p.takeDueSnapshot() == w36)
            #expect(try await world.database.read { try await $0.snapshotFigures(w36) }.first?.figures.activeSince == w36)
            world.clock.set(Self.moscow("2026-09-11T16:00:00"))
            #expect(try await p.takeDueSnapshot() == w37)
            let stored = try #require(try await world.database.read { try await $0.snapshotFigures(w37) }.first?.figures)
            #expect(stored.activeOrganizations == 1 && stored.activeSince == w36, "carried from the week before")
            world.clock.set(Self.moscow("2026-09-15T10:00:00"))
            let now = try await p.statistics(s.admin, level: .organization, id: s.id.rawValue, week: "now")
            #expect(now.provisional && now.week.description == "2026-W38" && now.total.activeSince == w36)
            #expect(now.trend.map(\.week.description) == ["2026-W35", "2026-W36", "2026-W37", "2026-W38"])
            #expect(now.trend.map(\.figures.activeOrganizations) == [0, 1, 1, 1])
            // A roll-up has no "since".
            let city = try await p.statistics(world.system, level: .municipality, id: now.trail[2].id, week: "2026-W37")
            #expect(city.total.activeSince == nil && city.total.activeOrganizations == 1 && city.rows.first?.figures.activeSince == w36)
        }
    }

    @Test("the demo's territory: schools come on in their week, a growing share links, every level sums its schools", arguments: TestEngine.all)
    func demoTerritory(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let (p, system) = (world.parta, world.system)
            world.clock.set(Self.moscow("2026-10-15T12:00:00"))  // a Thursday: W41 is the last week with its moment passed
            let demo = try await DemoSchool.seed(p, caller: system).organization.summary.organization.id
            _ = try await DemoSchool.populate(p, caller: system, organization: demo, students: 20)
            _ = try await p.initializeChats(system, organization: demo, dryRun: false)
            let territory = try await DemoTerritory.build(p, caller: system, schools: 5, students: 20)
            let history = try await DemoTerritory.history(p, caller: system, demoSchool: demo, territory: territory, weeks: 4)
            #expect(history.weeks.map(\.description) == ["2026-W38", "2026-W39", "2026-W40", "2026-W41"])
            #expect(history.messages > 0 && history.linked > 0)

            var adopts: [OrganizationID: Int] = [demo: 0]
            for (id, school) in zip(territory, DemoTerritory.schools) { adopts[id] = school.adoptsInWeek }
            for (index, week) in history.weeks.enumerated() {
                let rows = try await world.database.read { try await $0.snapshotFigures(week) }
                #expect(rows.count == 6)
                for row in rows {
                    let f = row.figures
                    let adopted = adopts[row.organization.id].map { $0 <= index } ?? false
                    #expect(f.activeOrganizations == (adopted ? 1 : 0), "\(week) \(row.organization.id)")
                    #expect(f.activeSince == (adopted ? history.weeks[adopts[row.organization.id]!] : nil))
                    let share = adopted ? min(0.6, 0.12 * Double(index - adopts[row.organization.id]! + 1)) : 0
                    #expect(f.parentsLinked == Int(Double(f.parents) * share) && f.studentsLinked == Int(Double(f.students) * share),
                            "\(week) \(row.organization.id): \(f.parentsLinked)/\(f.parents), \(f.studentsLinked)/\(f.students)")
                    #expect(f.students > 0 && f.verifiedTeachers >= (adopted ? 3 : 0))
                }
                // Each level is the sum of the schools under it: platform → region → municipalities.
                let platform = try await p.statistics(system, level: .platform, id: nil, week: week.description)
                #expect(platform.total == Figures.total(rows.map(\.figures)) && platform.rows.count == 1)
                let region = try await p.statistics(system, level: .region, id: platform.rows[0].id, week: week.description)
                #expect(region.total == platform.total && region.rows.map(\.name) == [DemoSchool.municipality, DemoTerritory.secondMunicipality])
                #expect(Figures.total(region.rows.map(\.figures)) == region.total)
                #expect(region.rows.map(\.figures.organizations) == [3, 3])
                #expect(region.total.activeOrganizations == adopts.values.filter { $0 <= index }.count)
                #expect(region.trend.map(\.week) == Array(history.weeks.prefix(index + 1)))
            }
            // Again: the history is there, nothing is played twice.
            let again = try await DemoTerritory.history(p, caller: system, demoSchool: demo, territory: territory, weeks: 4)
            #expect(again.weeks.isEmpty && again.linked == 0)
        }
    }
}
