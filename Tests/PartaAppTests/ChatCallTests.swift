import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// Calls in chats and meetings on the real Janus `scripts/test` starts: who may start one, the
/// call's events in the chat's sequence, the last one out (or a chat admin) ends it, a member
/// removed from the chat is put out at once, meetings open in their window.
@Suite("Calls in chats and meetings")
struct ChatCallTests {
    static func chat(_ p: Parta, _ principal: Principal, _ kind: ChatKind) async throws -> ChatID {
        try #require(try await p.myChats(principal).first { $0.entry.chat.kind == kind }).entry.chat.id
    }

    static func events(_ world: TestWorld, _ chat: ChatID, after: Int64) async throws -> [ChatEventRecord] {
        try await world.database.read { try await $0.liveEvents([(chat, after, nil)], limit: 100) }.map(\.record)
    }

    /// The code of the error `body` throws; `nil` when it does not throw.
    static func refusal(_ body: () async throws -> some Any) async -> String? {
        do {
            _ = try await body()
            return nil
        } catch {
            return (error as? PartaError)?.code ?? "\(error)"
        }
    }

    /// A browser's entry into the room with its grant: what the web client does after the server granted it.
    static func enter(_ room: MediaRoom, _ grant: MediaGrant) async throws -> JanusSession {
        try await enter(room, token: grant.token, participant: grant.participant)
    }

    static func enter(_ room: MediaRoom, token: String, participant: Int64) async throws -> JanusSession {
        let session = try await JanusSession.open(room.server)
        try await session.message([
            "request": "join", "ptype": "publisher", "room": .int(room.room), "id": .int(participant), "token": .string(token),
        ])
        _ = try await session.poll()
        return session
    }

    static func room(_ world: TestWorld, _ call: CallID) async throws -> MediaRoom {
        let open = try #require(try await world.database.read { try await $0.openCalls() }.first { $0.call.id == call })
        return MediaRoom(server: open.server, room: open.room, secret: open.secret)
    }

    @Test("a staff-room call: its events in the chat, one room for all, the last one out ends it", .enabled(if: JanusRoomsTests.enabled),
          arguments: TestEngine.all)
    func staffRoom(engine: TestEngine) async throws {
        let config = try #require(DistanceLessonCallTests.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let petrov = s.principals["petrov"]!, smith = s.principals["smith"]!
            let staff = try await Self.chat(p, petrov, .staffRoom)
            let before = try #require(try await p.myChats(petrov).first { $0.entry.chat.id == staff }).entry.lastSeq
            let started = world.clock.now()

            let host = try await p.startChatCall(petrov, chat: staff, media: "video")
            #expect(host.call.kind == .chat && host.call.chatID == staff && host.call.media == .video && host.call.startedBy == petrov.account.id)
            #expect(host.grant.display == "Петров О." && host.grant.url == config.janus!.publicURL)
            let room = try await Self.room(world, host.call.id)
            #expect(try await JanusRooms(config.janus!).exists(room))
            // Петров's browser comes into the room (the sweeper counts only those there).
            let browser = try await Self.enter(room, host.grant)
            // The chat says "call in progress" to its members, and its sequence holds the start.
            #expect(try await p.myChats(smith).first { $0.entry.chat.id == staff }?.call == host.call)
            let start = try await Self.events(world, staff, after: before)
            #expect(start.map(\.kind) == ["call_started"])
            #expect(ChatEvent.CallPayload.decode(start[0].payload) == .init(callID: host.call.id.rawValue, media: "video", startedBy: petrov.account.id.rawValue))

            // Starting again joins the running call: the same room, a token of one's own.
            let guest = try await p.startChatCall(smith, chat: staff, media: "audio")
            #expect(guest.call.id == host.call.id && guest.grant.room == host.grant.room && guest.grant.token != host.grant.token)
            #expect(try await p.joinChatCall(smith, chat: staff, call: host.call.id).grant == guest.grant)
            #expect(try await JanusRoomsTests.join(room, token: guest.grant.token).successValue != nil)

            // Leaving withdraws one's token; the call goes on while someone is in it.
            world.clock.advance(by: 125)
            try await p.leaveChatCall(smith, chat: staff, call: host.call.id)
            #expect(try await JanusRoomsTests.join(room, token: guest.grant.token).failureCode == 433)
            #expect(try await p.myChats(petrov).first { $0.entry.chat.id == staff }?.call?.id == host.call.id)
            #expect(try await p.endFinishedCalls().isEmpty)

            // The last one out ends it: the room goes, the chat records its length and how many took part.
            world.clock.advance(by: 175)
            try await p.leaveChatCall(petrov, chat: staff, call: host.call.id)
            await browser.close()
            #expect(try await !JanusRooms(config.janus!).exists(room))
            let end = try await Self.events(world, staff, after: start[0].seq)
            #expect(end.map(\.kind) == ["call_ended"])
            #expect(ChatEvent.CallPayload.decode(end[0].payload) == .init(callID: host.call.id.rawValue, durationSeconds: 300, participants: 2))
            #expect(try await p.myChats(smith).first { $0.entry.chat.id == staff }?.call == nil)
            let history = try await p.chatCalls(smith, chat: staff, before: nil, limit: 20)
            #expect(history.count == 1)
            #expect(history.first?.startedSeq == start[0].seq && history.first?.endedSeq == end[0].seq && history.first?.participants == 2)
            #expect(history.first?.call.startedAt == started && history.first?.call.endedAt == started.addingTimeInterval(300))
            await #expect(throws: PartaError(.gone, code: "call_over", message: "The call is over.")) {
                try await p.joinChatCall(smith, chat: staff, call: host.call.id)
            }
            // Leaving an ended call again changes nothing.
            try await p.leaveChatCall(petrov, chat: staff, call: host.call.id)
            #expect(try await Self.events(world, staff, after: end[0].seq).isEmpty)
        }
    }

    @Test("students and parents call only in direct chats; ending is for the starter and the chat's admins", .enabled(if: JanusRoomsTests.enabled),
          arguments: TestEngine.all)
    func safeguarding(engine: TestEngine) async throws {
        let config = try #require(DistanceLessonCallTests.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let s1 = s.principals["s1"]!, p2 = s.principals["p2"]!, smith = s.principals["smith"]!, ivanova = s.principals["ivanova"]!
            let classChat = try await Self.chat(p, s1, .classChat)
            let parents = try await Self.chat(p, ivanova, .parents)
            let lastSeq = { (chat: ChatID) in try await world.database.read { try await $0.seat(chat: chat, account: ivanova.account.id)!.lastSeq } }
            let classSeq = try await lastSeq(classChat)
            await #expect(throws: PartaError.forbidden("Students and parents call in direct chats only.")) {
                try await p.startChatCall(s1, chat: classChat, media: nil)
            }
            await #expect(throws: PartaError.forbidden("Students and parents call in direct chats only.")) {
                try await p.startChatCall(p2, chat: parents, media: "audio")
            }
            // Not a member: the chat does not exist for them.
            await #expect(throws: PartaError.notFound("The chat")) { try await p.startChatCall(smith, chat: classChat, media: nil) }
            await #expect(throws: PartaError.invalid("invalid_media", "media is audio or video.", details: ["field": .string("media")])) {
                try await p.startChatCall(ivanova, chat: classChat, media: "radio")
            }
            #expect(try await lastSeq(classChat) == classSeq, "refusals write nothing")
            #expect(try await world.database.read { try await $0.openCalls() }.isEmpty)

            // A parent calls their child's teacher in the direct chat the rules allow.
            let direct = try await p.openDirectChat(p2, organization: s.id, with: smith.account.id).entry.chat.id
            let call = try await p.startChatCall(p2, chat: direct, media: "audio")
            #expect(call.call.media == .audio && call.grant.display == "Борисова Ж.")
            _ = try await p.joinChatCall(smith, chat: direct, call: call.call.id)
            await #expect(throws: PartaError.forbidden("Only the chat's admins and whoever started the call end it for everyone; leave it instead.")) {
                try await p.endChatCall(smith, chat: direct, call: call.call.id)
            }
            world.clock.advance(by: 61)
            try await p.endChatCall(p2, chat: direct, call: call.call.id)
            let ended = try #require(try await world.database.read { try await $0.call(call.call.id) })
            #expect(ended.endedAt == world.clock.now())
            let stays = try await world.database.read { try await $0.stays(call: call.call.id) }
            #expect(stays.count == 2 && stays.allSatisfy { $0.leftAt == world.clock.now() })

            // The homeroom teacher, an admin of the class chat, ends a call a student joined.
            let lesson = try await p.startChatCall(ivanova, chat: classChat, media: "video")
            _ = try await p.joinChatCall(s1, chat: classChat, call: lesson.call.id)
            await #expect(throws: PartaError.forbidden("Only the chat's admins and whoever started the call end it for everyone; leave it instead.")) {
                try await p.endChatCall(s1, chat: classChat, call: lesson.call.id)
            }
            try await p.endChatCall(ivanova, chat: classChat, call: lesson.call.id)
            #expect(try await Self.events(world, classChat, after: classSeq).map(\.kind) == ["call_started", "call_ended"])
            #expect(try await world.database.read { try await $0.openCalls() }.isEmpty)
        }
    }

    @Test("a member removed from the chat is put out of its call at once", .enabled(if: JanusRoomsTests.enabled), arguments: TestEngine.all)
    func removed(engine: TestEngine) async throws {
        let config = try #require(DistanceLessonCallTests.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            _ = CallSweeper(parta: p, interval: .seconds(3600))  // listens to membership changes
            let s1 = s.principals["s1"]!, ivanova = s.principals["ivanova"]!
            let classChat = try await Self.chat(p, s1, .classChat)
            let call = try await p.startChatCall(ivanova, chat: classChat, media: "video")
            let student = try await p.joinChatCall(s1, chat: classChat, call: call.call.id)
            let room = try await Self.room(world, call.call.id)
            let session = try await Self.enter(room, student.grant)
            #expect(try await JanusRoomsTests.participants(room).contains(student.grant.participant))

            #expect(try await p.removeChatMembers(s.admin, organization: s.id, id: classChat, [.person(s.s1)]) == 1)
            var present = true
            for _ in 0..<100 where present {
                present = try await world.database.read { try await $0.presentStay(call: call.call.id, account: s1.account.id) } != nil
                if present { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(!present, "the stay ends without waiting for the sweeper")
            #expect(try await !JanusRoomsTests.participants(room).contains(student.grant.participant))
            #expect(try await JanusRoomsTests.join(room, token: student.grant.token).failureCode == 433)
            await #expect(throws: PartaError.notFound("The chat")) { try await p.joinChatCall(s1, chat: classChat, call: call.call.id) }
            await session.close()
            try await p.leaveChatCall(ivanova, chat: classChat, call: call.call.id)
            #expect(try await world.database.read { try await $0.openCalls() }.isEmpty)
        }
    }

    @Test("a call whose browsers are gone ends at the sweeper's pass after a minute", .enabled(if: JanusRoomsTests.enabled))
    func abandoned() async throws {
        let config = try #require(DistanceLessonCallTests.app)
        try await TestWorld.with(.sqlite, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let petrov = s.principals["petrov"]!, smith = s.principals["smith"]!
            let staff = try await Self.chat(p, petrov, .staffRoom)
            let call = try await p.startChatCall(petrov, chat: staff, media: "video")
            let other = try await p.joinChatCall(smith, chat: staff, call: call.call.id)
            let room = try await Self.room(world, call.call.id)
            // Смит's browser is in the room; Петров's never came (closed the tab).
            let session = try await Self.enter(room, other.grant)
            world.clock.advance(by: 30)
            #expect(try await p.endFinishedCalls().isEmpty)
            #expect(try await world.database.read { try await $0.presentStays(call: call.call.id) }.count == 2, "a minute's grace to arrive")
            world.clock.advance(by: 31)
            #expect(try await p.endFinishedCalls().isEmpty)
            #expect(try await world.database.read { try await $0.presentStays(call: call.call.id) }.map(\.account) == [smith.account.id])
            // Смит's browser goes too: at the next pass nobody is left, and the call ends.
            await session.close()
            var inRoom = true
            for _ in 0..<100 where inRoom {
                inRoom = try await JanusRoomsTests.participants(room).contains(other.grant.participant)
                if inRoom { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(try await p.endFinishedCalls() == [call.call.id])
            let ended = try #require(try await Self.events(world, staff, after: 0).last)
            #expect(ended.kind == "call_ended")
            #expect(ChatEvent.CallPayload.decode(ended.payload) == .init(callID: call.call.id.rawValue, durationSeconds: 61, participants: 2))
        }
    }

    @Test("meetings: scheduled by staff, joined in their window, ended by their end or cancellation", .enabled(if: JanusRoomsTests.enabled),
          arguments: TestEngine.all)
    func meetings(engine: TestEngine) async throws {
        let config = try #require(DistanceLessonCallTests.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let p2 = s.principals["p2"]!, ivanova = s.principals["ivanova"]!
            let parents = try await Self.chat(p, ivanova, .parents)
            world.clock.set(TimetableTests.moscow("2026-09-01", "09:00"))
            let at = { (time: String) in TimetableTests.moscow("2026-09-01", time) }
            await #expect(throws: PartaError.forbidden("Meetings are scheduled by the school's staff.")) {
                try await p.scheduleMeeting(p2, chat: parents, title: "Сбор", media: nil, startsAt: at("10:00"), endsAt: at("11:00"))
            }
            await #expect(throws: PartaError.invalid("invalid_window", "A meeting ends after it starts.", details: ["field": .string("ends_at")])) {
                try await p.scheduleMeeting(ivanova, chat: parents, title: "Собрание", media: nil, startsAt: at("10:00"), endsAt: at("10:00"))
            }
            #expect(try await p.meetings(p2, chat: parents).isEmpty, "refusals store nothing")
            let meeting = try await p.scheduleMeeting(
                ivanova, chat: parents, title: " Родительское собрание ", media: "video", startsAt: at("10:00"), endsAt: at("11:00"))
            #expect(meeting.title == "Родительское собрание" && meeting.createdBy == ivanova.account.id)
            let listed = try await p.meetings(p2, chat: parents)
            #expect(listed == [MeetingEntry(meeting: meeting, state: .upcoming, openCall: nil)])
            let scheduled = try #require(try await Self.events(world, parents, after: 0).last)
            #expect(scheduled.kind == "meeting_scheduled" && scheduled.payload == #"{"meeting_id":\#(meeting.id)}"#)

            #expect(await Self.refusal { try await p.joinMeeting(p2, chat: parents, meeting: meeting.id) } == "meeting_not_started")
            #expect(try await world.database.read { try await $0.openCalls() }.isEmpty)

            // Ten minutes early the first parent opens the meeting's call; the teacher joins it.
            world.clock.set(at("09:50"))
            let parent = try await p.joinMeeting(p2, chat: parents, meeting: meeting.id)
            #expect(parent.call.kind == .meeting && parent.call.meetingID == meeting.id && parent.meeting == meeting)
            let teacher = try await p.joinMeeting(ivanova, chat: parents, meeting: meeting.id)
            #expect(teacher.call.id == parent.call.id && teacher.grant.room == parent.grant.room)
            // The parent who opened the meeting's call does not organize it: they neither end it nor
            // host it, however they come back into it.
            await #expect(throws: PartaError.forbidden("Only the chat's admins and whoever started the call end it for everyone; leave it instead.")) {
                try await p.endChatCall(p2, chat: parents, call: parent.call.id)
            }
            #expect(try await p.callState(p2, call: parent.call.id).me.role == .member)
            #expect(try await p.callState(ivanova, call: parent.call.id).me.role == .host)
            try await p.leaveChatCall(p2, chat: parents, call: parent.call.id)
            let again = try await p.joinChatCall(p2, chat: parents, call: parent.call.id)
            #expect(try await p.callState(p2, call: again.call.id).me.role == .member && again.grant.screenParticipant == nil)
            #expect(try await p.meetings(p2, chat: parents).first?.openCall == parent.call.id)
            #expect(try await p.meetings(p2, chat: parents).first?.state == .open)
            // A meeting's call is not the chat's "call in progress": a call may start beside it.
            #expect(try await p.myChats(p2).first { $0.entry.chat.id == parents }?.call == nil)
            let room = try await Self.room(world, parent.call.id)

            // The organizer hosts it and may share the screen; leaving takes the screen out too.
            let screen = try #require(teacher.grant.screenParticipant)
            #expect(parent.grant.screenParticipant == nil)
            let sharing = try await Self.enter(room, token: teacher.grant.token, participant: screen)
            #expect(try await JanusRoomsTests.participants(room).contains(screen))
            try await p.leaveChatCall(ivanova, chat: parents, call: teacher.call.id)
            #expect(try await !JanusRoomsTests.participants(room).contains(screen))
            await sharing.close()
            let back = try await p.joinMeeting(ivanova, chat: parents, meeting: meeting.id)
            #expect(back.call.id == parent.call.id && back.grant.token != teacher.grant.token)

            // At its end the sweeper ends the call (the browsers are still there).
            world.clock.set(at("10:30"))
            let session = try await Self.enter(room, again.grant)
            let session2 = try await Self.enter(room, back.grant)
            #expect(try await p.endFinishedCalls().isEmpty)
            world.clock.set(at("11:00"))
            #expect(try await p.endFinishedCalls() == [parent.call.id])
            await session.close()
            await session2.close()
            #expect(try await !JanusRooms(config.janus!).exists(room))
            #expect(await Self.refusal { try await p.joinMeeting(p2, chat: parents, meeting: meeting.id) } == "meeting_over")
            #expect(try await p.meetings(p2, chat: parents).isEmpty)

            // A meeting cancelled while its call runs: the call ends; only the organizer and admins cancel.
            let council = try await p.scheduleMeeting(ivanova, chat: parents, title: "Совет", media: "audio", startsAt: at("11:05"), endsAt: at("12:00"))
            let open = try await p.joinMeeting(p2, chat: parents, meeting: council.id)
            #expect(open.call.media == .audio)
            // Removed from the meeting: not back in when its call opens again.
            _ = try await p.joinMeeting(ivanova, chat: parents, meeting: council.id)
            try await p.removeFromCall(ivanova, call: open.call.id, account: p2.account.id)
            try await p.leaveChatCall(ivanova, chat: parents, call: open.call.id)
            #expect(try await world.database.read { try await $0.openCalls() }.isEmpty)
            #expect(await Self.refusal { try await p.joinMeeting(p2, chat: parents, meeting: council.id) } == "removed_from_call")
            let reopened = try await p.joinMeeting(ivanova, chat: parents, meeting: council.id)
            #expect(reopened.call.id != open.call.id)
            #expect(await Self.refusal { try await p.joinMeeting(p2, chat: parents, meeting: council.id) } == "removed_from_call")
            await #expect(throws: PartaError.forbidden("Only the chat's admins and whoever scheduled the meeting cancel it.")) {
                try await p.cancelMeeting(p2, chat: parents, meeting: council.id)
            }
            try await p.cancelMeeting(ivanova, chat: parents, meeting: council.id)
            #expect(try await world.database.read { try await $0.openCalls() }.isEmpty)
            #expect(try await Self.events(world, parents, after: 0).suffix(3).map(\.kind) == ["call_started", "meeting_cancelled", "call_ended"])
            #expect(await Self.refusal { try await p.joinMeeting(p2, chat: parents, meeting: council.id) } == "meeting_cancelled")
            #expect(try await p.meetings(p2, chat: parents).isEmpty)
        }
    }

    @Test("inside a call: the school's names, hands, muting everyone, a removal that holds", .enabled(if: JanusRoomsTests.enabled),
          arguments: TestEngine.all)
    func controls(engine: TestEngine) async throws {
        let config = try #require(DistanceLessonCallTests.app)
        try await TestWorld.with(engine, config: config) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let s1 = s.principals["s1"]!, ivanova = s.principals["ivanova"]!, smith = s.principals["smith"]!
            let classChat = try await Self.chat(p, s1, .classChat)
            let host = try await p.startChatCall(ivanova, chat: classChat, media: "video")
            let student = try await p.joinChatCall(s1, chat: classChat, call: host.call.id)
            let room = try await Self.room(world, host.call.id)
            let browser = try await Self.enter(room, student.grant)

            // Names come from the school, tiles are matched by participant id; roles as entered.
            let seen = try await p.callState(s1, call: host.call.id)
            #expect(seen.me == .init(participant: student.grant.participant, account: s1.account.id, name: "Алексеев А.", role: .member, handRaisedAt: nil))
            #expect(seen.people.map(\.name) == ["Иванова М.", "Алексеев А."] && seen.people.map(\.role) == [.host, .member])
            #expect(seen.people[0].participant == host.grant.participant && seen.mutedAllAt == nil)
            await #expect(throws: PartaError.notFound("The call")) { try await p.callState(smith, call: host.call.id) }

            // A raised hand shows to everyone; lowering it clears it.
            try await p.raiseHand(s1, call: host.call.id, raised: true)
            #expect(try await p.callState(ivanova, call: host.call.id).people[1].handRaisedAt == world.clock.now())
            world.clock.advance(by: 5)
            try await p.raiseHand(s1, call: host.call.id, raised: false)
            #expect(try await p.callState(ivanova, call: host.call.id).people[1].handRaisedAt == nil)

            // Only the host mutes everyone or removes anyone.
            await #expect(throws: PartaError.forbidden("Only the call's host does this.")) { try await p.muteEveryone(s1, call: host.call.id) }
            await #expect(throws: PartaError.forbidden("Only the call's host removes people from it.")) {
                try await p.removeFromCall(s1, call: host.call.id, account: ivanova.account.id)
            }
            try await p.muteEveryone(ivanova, call: host.call.id)
            #expect(try await p.callState(s1, call: host.call.id).mutedAllAt == world.clock.now())
            await #expect(throws: PartaError.notFound("The participant")) {
                try await p.removeFromCall(ivanova, call: host.call.id, account: smith.account.id)
            }

            // Removed: disconnected at once, the token dead, not let back into this call; audited.
            try await p.removeFromCall(ivanova, call: host.call.id, account: s1.account.id)
            #expect(try await !JanusRoomsTests.participants(room).contains(student.grant.participant))
            #expect(try await JanusRoomsTests.join(room, token: student.grant.token).failureCode == 433)
            let removed = PartaError(.forbidden, code: "removed_from_call", message: "The call's host removed you from this call.")
            await #expect(throws: removed) { try await p.callState(s1, call: host.call.id) }
            await #expect(throws: removed) { try await p.joinChatCall(s1, chat: classChat, call: host.call.id) }
            await #expect(throws: removed) { try await p.startChatCall(s1, chat: classChat, media: nil) }
            #expect(try await p.callState(ivanova, call: host.call.id).people.map(\.account) == [ivanova.account.id])
            let audit = try await p.auditLog(s.admin, organization: s.id, action: .callParticipantRemoved, page: PageRequest()).items
            #expect(audit.count == 1 && audit.first?.action == .callParticipantRemoved && audit.first?.targetID == "\(host.call.id)"
                    && audit.first?.details == ["account": "\(s1.account.id)"])
            await browser.close()

            // Only a host may share the screen: a second feed with the id the server gave, put out with its host.
            let screen = try #require(host.grant.screenParticipant)
            #expect(screen == CallModeration.screenFeed(of: host.grant.participant) && student.grant.screenParticipant == nil)
            let sharing = try await Self.enter(room, token: host.grant.token, participant: screen)
            #expect(try await JanusRoomsTests.participants(room).contains(screen))
            try await p.leaveChatCall(ivanova, chat: classChat, call: host.call.id)
            await sharing.close()
            await #expect(throws: PartaError(.gone, code: "call_over", message: "The call is over.")) { try await p.callState(ivanova, call: host.call.id) }
        }
    }
}
