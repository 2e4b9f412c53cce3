import Foundation
import Hummingbird
import PartaApp
import PartaDomain

/// A subject or another roster thing by id and name only (what a diary may show).
struct NamedRefDTO: ResponseCodable {
    var id: Int64
    var name: String
}

/// A teacher as a lesson shows them: the roster's name, nothing else.
struct TeacherRefDTO: ResponseCodable {
    var id: RosterPersonID
    var fullName: String
    var shortName: String
}

struct DistanceLessonRefDTO: ResponseCodable {
    var id: DistanceLessonID
    var name: String

    init(_ distance: DistanceLesson) {
        id = distance.id
        name = distance.name
    }
}

/// A lesson of the timetable. `external_id` only for the roster's readers (administrators and
/// the school system): diaries and staff timetables do not show the school system's ids.
struct LessonDTO: ResponseCodable {
    var id: LessonID
    var date: LocalDate
    var start: LocalTime
    var end: LocalTime
    /// The start and the end as instants (the school's wall clock in its time zone).
    var startsAt: Date
    var endsAt: Date
    /// `upcoming`, `running` or `ended` at the time of the answer.
    var state: LessonWindow.State
    var schoolClass: ClassRefDTO
    var group: String
    var subject: NamedRefDTO
    var teacher: TeacherRefDTO
    var topic: String
    var room: String
    var cancelled: Bool
    var distanceLesson: DistanceLessonRefDTO?
    var externalId: String?

    init(_ view: LessonView, roster: Bool = false) {
        let lesson = view.lesson
        id = lesson.id
        date = lesson.date
        start = lesson.start
        end = lesson.end
        startsAt = view.window.start
        endsAt = view.window.end
        state = view.state
        schoolClass = ClassRefDTO(view.schoolClass)
        group = lesson.group
        subject = NamedRefDTO(id: view.subject.id.rawValue, name: view.subject.name)
        teacher = TeacherRefDTO(id: lesson.teacherID, fullName: view.teacherName.full, shortName: view.teacherName.short)
        topic = lesson.topic
        room = lesson.room
        cancelled = lesson.cancelled
        distanceLesson = view.distanceLesson.map(DistanceLessonRefDTO.init)
        externalId = roster ? lesson.externalID : nil
    }
}

struct DiaryDTO: ResponseCodable {
    var studentId: RosterPersonID
    var studentName: String
    /// The reader's own diary, whose distance lessons they enter; a child's otherwise.
    var own: Bool
    var lessons: [LessonDTO]

    init(_ diary: Diary) {
        studentId = diary.student
        studentName = diary.studentName.full
        own = diary.own
        lessons = diary.lessons.map { LessonDTO($0) }
    }
}

/// The caller's own week: the lessons they teach and the diaries they read.
struct PersonalTimetableDTO: ResponseCodable {
    var from: LocalDate
    var to: LocalDate
    var teaching: [LessonDTO]
    var diaries: [DiaryDTO]

    init(_ timetable: PersonalTimetable) {
        from = timetable.span.from
        to = timetable.span.to
        teaching = timetable.teaching.map { LessonDTO($0) }
        diaries = timetable.diaries.map(DiaryDTO.init)
    }
}

/// A list of lessons with the dates it covers.
struct LessonListDTO: ResponseCodable {
    var from: LocalDate
    var to: LocalDate
    var items: [LessonDTO]
}

struct DistanceLessonDTO: ResponseCodable {
    var id: DistanceLessonID
    var name: String
    var createdAt: Date
    var lesson: LessonDTO

    init(_ view: DistanceLessonView) {
        id = view.distanceLesson.id
        name = view.distanceLesson.name
        createdAt = view.distanceLesson.createdAt
        lesson = LessonDTO(view.lesson)
    }
}

/// How a browser joins the call's room on the media server: the Janus URL, the room, the token
/// granted to this entry, and TURN servers with their time-limited credentials.
struct MediaGrantDTO: ResponseCodable {
    struct IceServer: Codable, Sendable {
        var urls: [String]
        var username: String
        var credential: String
    }

    /// The call: its state is `GET /calls/{call_id}/state`.
    var callId: CallID
    var url: String
    var room: Int64
    var token: String
    /// The id to join the room with.
    var participant: Int64
    /// A host's id for sharing the screen (a second feed).
    var screenParticipant: Int64?
    var iceServers: [IceServer]
    /// `relay` when media must go through coturn only (`PARTA_TURN_RELAY_ONLY`), else `all`.
    var iceTransportPolicy: String
    /// The caller's name as the others see it in the call.
    var display: String

    init(_ grant: MediaGrant) {
        callId = grant.call
        url = grant.url
        room = grant.room
        token = grant.token
        participant = grant.participant
        screenParticipant = grant.screenParticipant
        display = grant.display
        iceServers = grant.turn.map { [IceServer(urls: $0.urls, username: $0.username, credential: $0.credential)] } ?? []
        iceTransportPolicy = grant.turn?.relayOnly == true ? "relay" : "all"
    }
}

/// Admitted to a running distance lesson: as `host`, `student` or `observer`, until `ends_at`;
/// `media` absent when the server has no media server configured.
struct DistanceLessonEntryDTO: ResponseCodable {
    var role: DistanceLessonRules.Entry
    var endsAt: Date
    var distanceLesson: DistanceLessonDTO
    var media: MediaGrantDTO?

    init(_ entry: DistanceLessonEntry) {
        role = entry.entry
        endsAt = entry.view.lesson.window.end
        distanceLesson = DistanceLessonDTO(entry.view)
        media = entry.media.map(MediaGrantDTO.init)
    }
}
