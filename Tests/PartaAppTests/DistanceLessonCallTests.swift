import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// A distance lesson's call on the real Janus `scripts/test` starts: the room opens with the first
/// entry, each entry gets its own token, leaving withdraws it, the lesson's end destroys the room.
@Suite("Distance lessons on the media server")
struct DistanceLessonCallTests {
    static var app: AppConfig? {
        JanusRoomsTests.configuration.map {
            AppConfig(janus: $0, turn: TurnConfiguration(urls: ["turn:127.0.0.1:3478?transport=udp"], secret: "north-wind"))
        }
    }

    @Test("enter, leave, end: the room follows the lesson", .enabled(if: JanusRoomsTests.enabled), arguments: TestEngine.all)
    func call(engine: TestEngine) async throws {
        let config = try #require(Self.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let rooms = JanusRooms(try #require(config.janus))
            let lesson = try await p.createLesson(s.admin, organization: s.id, TimetableTests.kraeved(s)).lesson
            let distance = try await p.createDistanceLesson(s.callers["petrov"]!, organization: s.id, lesson: lesson.id).distanceLesson
            world.clock.set(TimetableTests.moscow("2026-09-01", "10:05"))

            let host = try await p.enterDistanceLesson(s.callers["petrov"]!, organization: s.id, id: distance.id)
            let grant = try #require(host.media)
            #expect(grant.url == config.janus!.publicURL && !grant.token.isEmpty && grant.display == "Петров О.")
            #expect(grant.turn?.urls == ["turn:127.0.0.1:3478?transport=udp"])
            #expect(grant.turn?.username == "\(Int64(world.clock.now().timeIntervalSince1970) + 4 * 3600):account-\(s.principals["petrov"]!.account.id)")
            let room = try #require(try await world.database.read { try await $0.openCall(distanceLesson: distance.id) })
            let mediaRoom = MediaRoom(server: room.server, room: room.room, secret: room.secret)
            #expect(room.room == grant.room && room.call.startedBy == s.principals["petrov"]!.account.id)
            #expect(try await rooms.exists(mediaRoom))

            // The student gets the same room and a token of their own; entering again keeps it.
            let student = try #require(try await p.enterDistanceLesson(s.callers["s1"]!, organization: s.id, id: distance.id).media)
            #expect(student.room == grant.room && student.token != grant.token)
            #expect(try await p.enterDistanceLesson(s.callers["s1"]!, organization: s.id, id: distance.id).media == student)
            #expect(try await JanusRoomsTests.join(mediaRoom, token: student.token).successValue != nil)
            #expect(try await JanusRoomsTests.join(mediaRoom, token: grant.token).successValue != nil)

            // Someone never admitted has no token; one who left has theirs withdrawn.
            #expect(try await JanusRoomsTests.join(mediaRoom, token: "tok-guess").failureCode == 433)
            // Leaving puts the participant out of the room too (the browser joined with the server's id).
            let session = try await JanusSession.open(mediaRoom.server)
            try await session.message(["request": "join", "ptype": "publisher", "room": .int(mediaRoom.room), "id": .int(student.participant), "token": .string(student.token)])
            #expect(try await session.poll()["id"]?.int == student.participant)
            #expect(try await JanusRoomsTests.participants(mediaRoom).contains(student.participant))
            try await p.leaveDistanceLesson(s.callers["s1"]!, organization: s.id, id: distance.id)
            #expect(try await !JanusRoomsTests.participants(mediaRoom).contains(student.participant))
            await session.close()
            try await p.leaveDistanceLesson(s.callers["s1"]!, organization: s.id, id: distance.id)
            #expect(try await JanusRoomsTests.join(mediaRoom, token: student.token).failureCode == 433)
            await #expect(throws: PartaError.notFound("The distance lesson")) {
                try await p.leaveDistanceLesson(s.callers["p2"]!, organization: s.id, id: distance.id)
            }

            // Before the end nothing is swept; at the end the room goes and every stay closes.
            #expect(try await p.endFinishedCalls().isEmpty)
            world.clock.set(TimetableTests.moscow("2026-09-01", "10:45"))
            #expect(try await p.endFinishedCalls() == [room.call.id])
            #expect(try await !rooms.exists(mediaRoom))
            let stays = try await world.database.read { try await $0.stays(call: room.call.id) }
            #expect(stays.map(\.role) == ["host", "student"] && stays.allSatisfy { $0.leftAt != nil })
            #expect(stays[1].leftAt == TimetableTests.moscow("2026-09-01", "10:05"))
            #expect(stays[0].leftAt == TimetableTests.moscow("2026-09-01", "10:45"))
            let ended = try #require(try await world.database.read { try await $0.call(room.call.id) })
            #expect(ended.endedAt == TimetableTests.moscow("2026-09-01", "10:45") && ended.lessonID == lesson.id)
            #expect(try await p.endFinishedCalls().isEmpty)
        }
    }

    @Test("a student withdrawn from the class mid-lesson is put out of the call", .enabled(if: JanusRoomsTests.enabled), arguments: TestEngine.all)
    func putOut(engine: TestEngine) async throws {
        let config = try #require(Self.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let lesson = try await p.createLesson(s.admin, organization: s.id, TimetableTests.kraeved(s)).lesson
            let distance = try await p.createDistanceLesson(s.callers["petrov"]!, organization: s.id, lesson: lesson.id).distanceLesson
            world.clock.set(TimetableTests.moscow("2026-09-01", "10:05"))
            let host = try #require(try await p.enterDistanceLesson(s.callers["petrov"]!, organization: s.id, id: distance.id).media)
            let student = try #require(try await p.enterDistanceLesson(s.callers["s1"]!, organization: s.id, id: distance.id).media)
            let room = try #require(try await world.database.read { try await $0.openCall(distanceLesson: distance.id) })
            let mediaRoom = MediaRoom(server: room.server, room: room.room, secret: room.secret)
            let session = try await JanusSession.open(mediaRoom.server)
            try await session.message(["request": "join", "ptype": "publisher", "room": .int(mediaRoom.room), "id": .int(student.participant), "token": .string(student.token)])
            _ = try await session.poll()
            #expect(try await p.putOutThoseWhoLeft() == 0)

            // The withdrawal's commit changes the class chat's members: the sweeper's listener puts
            // the student out at once, without waiting for its next pass.
            _ = CallSweeper(parta: p, interval: .seconds(3600))
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .withdrawal, classID: s.tenA, date: LocalDate("2026-09-01"))
            var present = true
            for _ in 0..<100 where present {
                present = try await world.database.read { try await $0.presentStay(call: room.call.id, account: s.principals["s1"]!.account.id) } != nil
                if present { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(!present, "put out without waiting for the sweeper's pass")
            #expect(try await !JanusRoomsTests.participants(mediaRoom).contains(student.participant))
            #expect(try await JanusRoomsTests.join(mediaRoom, token: student.token).failureCode == 433)
            let stays = try await world.database.read { try await $0.stays(call: room.call.id) }
            #expect(stays.map { $0.leftAt == nil } == [true, false])
            #expect(try await JanusRoomsTests.join(mediaRoom, token: host.token).successValue != nil, "the teacher stays")
            #expect(try await p.putOutThoseWhoLeft() == 0)
            await session.close()
            world.clock.set(TimetableTests.moscow("2026-09-01", "10:45"))
            #expect(try await p.endFinishedCalls().count == 1)
        }
    }

    @Test("a lesson moved to later or cancelled ends its call at the next pass", .enabled(if: JanusRoomsTests.enabled),
          arguments: ["moved", "cancelled"])
    func notRunning(change: String) async throws {
        let config = try #require(Self.app)
        try await TestWorld.with(.sqlite, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let lesson = try await p.createLesson(s.admin, organization: s.id, TimetableTests.kraeved(s)).lesson
            let distance = try await p.createDistanceLesson(s.callers["petrov"]!, organization: s.id, lesson: lesson.id).distanceLesson
            world.clock.set(TimetableTests.moscow("2026-09-01", "10:05"))
            let grant = try #require(try await p.enterDistanceLesson(s.callers["petrov"]!, organization: s.id, id: distance.id).media)
            #expect(try await p.endFinishedCalls().isEmpty)
            if change == "moved" {
                _ = try await p.updateLesson(s.admin, organization: s.id, id: lesson.id, TimetableTests.kraeved(s, "12:00", "12:45"))
            } else {
                _ = try await p.setLessonCancelled(s.admin, organization: s.id, id: lesson.id, cancelled: true)
            }
            #expect(try await p.endFinishedCalls().count == 1)
            #expect(try await !JanusRooms(try #require(config.janus)).exists(MediaRoom(server: config.janus!.url, room: grant.room, secret: "")))
        }
    }
}
