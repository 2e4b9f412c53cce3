import Foundation
import PartaDomain
import Testing

@Suite("Calls in chats and meetings: the rules")
struct ChatCallRulesTests {
    /// Who acts: staff or not, the chat's admin or not, the call's (or meeting's) organizer or not.
    static let actors: [String: CallActor] = [
        "teacher": CallActor(isStaff: true),
        "teacher-admin": CallActor(isChatAdmin: true, isStaff: true),
        "student": CallActor(),
        "student-admin": CallActor(isChatAdmin: true),
        "parent": CallActor(),
        "organizer": CallActor(isStaff: true, isOrganizer: true),
        "student-organizer": CallActor(isOrganizer: true),
        "outsider": CallActor(isMember: false, isStaff: true),
    ]

    static let chats: [String: CallChat] = [
        "staff": CallChat(kind: .staffRoom),
        "class": CallChat(kind: .classChat),
        "parents-announce": CallChat(kind: .parents, announcementsOnly: true),
        "custom": CallChat(kind: .custom),
        "direct": CallChat(kind: .direct),
        "direct-closed": CallChat(kind: .direct, closed: true),
    ]

    struct Row: Sendable, CustomStringConvertible {
        var actor: String
        var action: CallAction
        var chat: String
        var allowed: Bool
        var description: String { "\(actor) \(action.rawValue) in \(chat): \(allowed)" }
    }

    static let table: [Row] = [
        // Staff call in any chat they are in.
        Row(actor: "teacher", action: .start, chat: "staff", allowed: true),
        Row(actor: "teacher", action: .start, chat: "class", allowed: true),
        Row(actor: "teacher", action: .start, chat: "custom", allowed: true),
        Row(actor: "teacher", action: .start, chat: "direct", allowed: true),
        // Students and parents only in direct chats (which exist only where the rules allow them).
        Row(actor: "student", action: .start, chat: "class", allowed: false),
        Row(actor: "student", action: .start, chat: "custom", allowed: false),
        Row(actor: "student", action: .start, chat: "direct", allowed: true),
        Row(actor: "parent", action: .start, chat: "direct", allowed: true),
        Row(actor: "student-admin", action: .start, chat: "class", allowed: false),
        // Announcements: only the chat's admins start calls and meetings.
        Row(actor: "teacher", action: .start, chat: "parents-announce", allowed: false),
        Row(actor: "teacher-admin", action: .start, chat: "parents-announce", allowed: true),
        Row(actor: "teacher", action: .scheduleMeeting, chat: "parents-announce", allowed: false),
        Row(actor: "teacher-admin", action: .scheduleMeeting, chat: "parents-announce", allowed: true),
        Row(actor: "parent", action: .join, chat: "parents-announce", allowed: true),
        // A closed chat is read, not called in; leaving and ending still work.
        Row(actor: "student", action: .start, chat: "direct-closed", allowed: false),
        Row(actor: "teacher", action: .join, chat: "direct-closed", allowed: false),
        Row(actor: "student-organizer", action: .end, chat: "direct-closed", allowed: true),
        // Any member joins; nobody else (a non-member does not learn the chat exists).
        Row(actor: "student", action: .join, chat: "class", allowed: true),
        Row(actor: "outsider", action: .join, chat: "staff", allowed: false),
        Row(actor: "outsider", action: .start, chat: "staff", allowed: false),
        // Ending for everyone: the chat's admins and whoever started it.
        Row(actor: "teacher", action: .end, chat: "staff", allowed: false),
        Row(actor: "teacher-admin", action: .end, chat: "staff", allowed: true),
        Row(actor: "organizer", action: .end, chat: "staff", allowed: true),
        Row(actor: "student-organizer", action: .end, chat: "direct", allowed: true),
        Row(actor: "student", action: .end, chat: "direct", allowed: false),
        Row(actor: "student-admin", action: .end, chat: "class", allowed: true),
        // Meetings are the school's: staff schedule them; the organizer and admins cancel.
        Row(actor: "teacher", action: .scheduleMeeting, chat: "staff", allowed: true),
        Row(actor: "student", action: .scheduleMeeting, chat: "direct", allowed: false),
        Row(actor: "student-admin", action: .scheduleMeeting, chat: "class", allowed: false),
        Row(actor: "teacher", action: .cancelMeeting, chat: "staff", allowed: false),
        Row(actor: "organizer", action: .cancelMeeting, chat: "staff", allowed: true),
        Row(actor: "teacher-admin", action: .cancelMeeting, chat: "class", allowed: true),
    ]

    @Test("who starts, joins, ends and schedules", arguments: table)
    func decide(row: Row) {
        let decision = ChatCallRules.decide(row.action, actor: Self.actors[row.actor]!, chat: Self.chats[row.chat]!)
        #expect(decision.isAllowed == row.allowed)
    }

    @Test("every action of every actor in every chat has a decision with a reason when refused")
    func reasons() {
        for actor in Self.actors.values {
            for chat in Self.chats.values {
                for action in CallAction.allCases {
                    if case .denied(let reason) = ChatCallRules.decide(action, actor: actor, chat: chat) { #expect(!reason.isEmpty) }
                }
            }
        }
    }

    static let now = Date(timeIntervalSince1970: 1_788_246_000)  // 2026-09-01 07:00 UTC
    static func at(_ minutes: Double) -> Date { now.addingTimeInterval(minutes * 60) }

    static func meeting(from start: Double, to end: Double, cancelled: Bool = false) -> Meeting {
        Meeting(
            id: MeetingID(1), organizationID: OrganizationID(1), chatID: ChatID(1), title: "Педсовет", media: .video, startsAt: at(start),
            endsAt: at(end), createdBy: AccountID(1), cancelledAt: cancelled ? at(-60) : nil)
    }

    @Test("a meeting's window at its boundaries: members come ten minutes early, and not after its end", arguments: [
        (-11.0, ChatCallRules.MeetingState.upcoming), (-10.0, .open), (-1.0, .open), (0.0, .open), (59.0, .open), (60.0, .over), (61.0, .over),
    ])
    func window(minute: Double, state: ChatCallRules.MeetingState) {
        let meeting = Self.meeting(from: 0, to: 60)
        #expect(ChatCallRules.state(of: meeting, at: Self.at(minute)) == state)
        #expect(ChatCallRules.callGoesOn(meeting, now: Self.at(minute)) == (state == .open))
        switch state {
        case .open: #expect(throws: Never.self) { try ChatCallRules.checkJoin(meeting, now: Self.at(minute)) }
        case .upcoming:
            #expect(throws: PartaError(
                .conflict, code: "meeting_not_started", message: "The meeting has not started yet; members join 10 minutes before its start.",
                details: ["starts_at": .string("2026-09-01T07:00:00Z")])) { try ChatCallRules.checkJoin(meeting, now: Self.at(minute)) }
        default:
            #expect(throws: PartaError(.gone, code: "meeting_over", message: "The meeting is over.")) {
                try ChatCallRules.checkJoin(meeting, now: Self.at(minute))
            }
        }
    }

    @Test("a cancelled meeting is joined by nobody, even in its window")
    func cancelled() {
        let meeting = Self.meeting(from: 0, to: 60, cancelled: true)
        #expect(ChatCallRules.state(of: meeting, at: Self.at(5)) == .cancelled)
        #expect(!ChatCallRules.callGoesOn(meeting, now: Self.at(5)))
        #expect(throws: PartaError(.gone, code: "meeting_cancelled", message: "The meeting was cancelled.")) {
            try ChatCallRules.checkJoin(meeting, now: Self.at(5))
        }
    }

    @Test("meeting windows: after the start, at most 8 hours, not in the past, within a year", arguments: [
        (0.0, 60.0, nil), (-5.0, 60.0, nil), (0.0, 480.0, nil), (525_600.0, 525_660.0, nil),
        (0.0, 0.0, "A meeting ends after it starts."), (10.0, 5.0, "A meeting ends after it starts."),
        (0.0, 481.0, "A meeting lasts at most 8 hours."), (-6.0, 60.0, "A meeting cannot start in the past."),
        (527_100.0, 527_160.0, "A meeting is planned at most a year ahead."),
    ] as [(Double, Double, String?)])
    func windows(start: Double, end: Double, refusal: String?) {
        do {
            try ChatCallRules.checkWindow(startsAt: Self.at(start), endsAt: Self.at(end), now: Self.now)
            #expect(refusal == nil)
        } catch {
            #expect(error.code == "invalid_window" && error.message == refusal)
        }
    }

    @Test("titles: one line with a letter, at most 200 characters")
    func titles() throws {
        #expect(try ChatCallRules.checkTitle("  Педсовет  ") == "Педсовет")
        #expect(try ChatCallRules.checkTitle(String(repeating: "я", count: 200)).count == 200)
        for bad in ["", "   ", String(repeating: "я", count: 201), "Собрание\nродителей"] {
            #expect(throws: PartaError.self) { try ChatCallRules.checkTitle(bad) }
            #expect((try? ChatCallRules.checkTitle(bad)) == nil)
        }
        do { _ = try ChatCallRules.checkTitle("") } catch { #expect(error.code == "invalid_title") }
    }

    @Test("moments: ISO 8601 with a zone, fractions allowed; anything else names its field", arguments: [
        ("2026-09-01T10:00:00+03:00", 1_788_246_000.0), ("2026-09-01T07:00:00Z", 1_788_246_000.0), ("2026-09-01T07:00:00.500Z", 1_788_246_000.5),
    ])
    func instants(text: String, seconds: Double) throws {
        #expect(try ChatCallRules.parseInstant(text, field: "starts_at").timeIntervalSince1970 == seconds)
    }

    @Test("what is not a moment is refused", arguments: [nil, "", "2026-09-01", "2026-09-01T10:00:00", "завтра", "2026-13-01T10:00:00Z"] as [String?])
    func badInstants(text: String?) {
        #expect(throws: PartaError.invalid(
            "invalid_time", "ends_at must be a moment with its time zone, such as 2026-12-03T15:00:00+03:00.", details: ["field": .string("ends_at")])) {
            try ChatCallRules.parseInstant(text, field: "ends_at")
        }
    }

    @Test("media: audio or video (video when not said)")
    func media() throws {
        #expect(try CallMedia.parse(nil) == .video)
        #expect(try CallMedia.parse("audio") == .audio)
        #expect(throws: PartaError.invalid("invalid_media", "media is audio or video.", details: ["field": .string("media")])) {
            try CallMedia.parse("radio")
        }
    }

    @Test("a call's length in whole seconds, never negative")
    func duration() {
        #expect(ChatCallRules.durationSeconds(from: Self.now, to: Self.at(12.5)) == 750)
        #expect(ChatCallRules.durationSeconds(from: Self.now, to: Self.now.addingTimeInterval(0.4)) == 0)
        #expect(ChatCallRules.durationSeconds(from: Self.now, to: Self.at(-1)) == 0)
    }

    @Test("call events carry their payload, read back whole")
    func events() {
        let started = ChatEvent.callStarted(CallID(7), media: .audio, startedBy: AccountID(3), meeting: nil)
        #expect(started.kind == "call_started")
        #expect(started.payload == #"{"call_id":7,"media":"audio","started_by":3}"#)
        #expect(ChatEvent.CallPayload.decode(started.payload) == .init(callID: 7, media: "audio", startedBy: 3))
        let ended = ChatEvent.callEnded(CallID(7), durationSeconds: 750, participants: 2)
        #expect(ended.kind == "call_ended")
        #expect(ChatEvent.CallPayload.decode(ended.payload) == .init(callID: 7, durationSeconds: 750, participants: 2))
        #expect(ChatEvent.meetingScheduled(MeetingID(4)).payload == #"{"meeting_id":4}"#)
        #expect(!ChatEvent.changesMembership(kind: started.kind) && !ChatEvent.changesMembership(kind: ended.kind))
    }
}

@Suite("Inside a call: the host's controls")
struct CallModerationTests {
    @Test("who sees, raises a hand, mutes everyone, removes whom, shares the screen", arguments: [
        (CallControl.seeState, CallRole.observer, nil, true), (.seeState, .member, nil, true),
        (.raiseHand, .student, nil, true), (.raiseHand, .member, nil, true), (.raiseHand, .host, nil, true), (.raiseHand, .observer, nil, false),
        (.muteAll, .host, nil, true), (.muteAll, .student, nil, false), (.muteAll, .member, nil, false), (.muteAll, .observer, nil, false),
        (.remove, .host, .student, true), (.remove, .host, .member, true), (.remove, .host, .observer, false), (.remove, .host, .host, false),
        (.remove, .student, .student, false), (.remove, .member, .host, false), (.remove, .observer, .student, false),
        (.shareScreen, .host, nil, true), (.shareScreen, .student, nil, false), (.shareScreen, .member, nil, false),
    ] as [(CallControl, CallRole, CallRole?, Bool)])
    func decide(control: CallControl, role: CallRole, target: CallRole?, allowed: Bool) {
        let decision = CallModeration.decide(control, role: role, target: target)
        #expect(decision.isAllowed == allowed)
        if case .denied(let reason) = decision { #expect(!reason.isEmpty) }
    }

    @Test("in a chat's call the chat's admins and whoever started it (or planned its meeting) host it")
    func chatRoles() {
        #expect(CallModeration.chatRole(isChatAdmin: true, isOrganizer: false) == .host)
        #expect(CallModeration.chatRole(isChatAdmin: false, isOrganizer: true) == .host)
        #expect(CallModeration.chatRole(isChatAdmin: false, isOrganizer: false) == .member)
        #expect(CallRole.allCases.filter(\.publishes) == [.host, .student, .member])
    }

    @Test("observers are listed to hosts and to themselves only; who organizes a meeting's call")
    func listingAndOrganizers() {
        #expect(CallModeration.lists(.observer, to: .host, isSelf: false))
        #expect(!CallModeration.lists(.observer, to: .student, isSelf: false) && !CallModeration.lists(.observer, to: .member, isSelf: false))
        #expect(CallModeration.lists(.observer, to: .observer, isSelf: true) && CallModeration.lists(.student, to: .member, isSelf: false))
        let now = Date(timeIntervalSince1970: 0)
        let chatCall = Call(id: CallID(1), organizationID: OrganizationID(1), kind: .chat, distanceLessonID: nil, lessonID: nil, startedBy: AccountID(7),
                            startedAt: now, endedAt: nil)
        var meetingCall = chatCall
        meetingCall.kind = .meeting
        meetingCall.meetingID = MeetingID(3)
        let meeting = Meeting(id: MeetingID(3), organizationID: OrganizationID(1), chatID: ChatID(1), title: "Собрание", media: .video,
                              startsAt: now, endsAt: now.addingTimeInterval(3600), createdBy: AccountID(9))
        #expect(ChatCallRules.organizes(AccountID(7), call: chatCall, meeting: nil))
        #expect(!ChatCallRules.organizes(AccountID(7), call: meetingCall, meeting: meeting), "opening a meeting's call organizes nothing")
        #expect(ChatCallRules.organizes(AccountID(9), call: meetingCall, meeting: meeting))
    }

    @Test("a host's screen feed has an id no entry has, exact in a browser's numbers")
    func screenFeeds() {
        let ids = CallModeration.participantIDs
        #expect(CallModeration.screenFeed(of: ids.upperBound) <= (1 << 53) - 1, "JavaScript's largest exact integer")
        #expect(CallModeration.screenFeed(of: ids.lowerBound) > ids.upperBound)
        #expect(CallModeration.screenFeed(of: 42) == 42 + (1 << 52))
    }
}
