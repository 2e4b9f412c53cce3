public import Foundation

public typealias DistanceLessonID = Identifier<DistanceLesson>

/// A lesson of the timetable held by video: the class enters from the diary while it runs.
/// Its times are always the lesson's (a rescheduled lesson moves its distance lesson along).
public struct DistanceLesson: Hashable, Sendable, Codable {
    public var id: DistanceLessonID
    public var organizationID: OrganizationID
    public var lessonID: LessonID
    public var name: String
    public var createdBy: AccountID
    public var createdAt: Date

    public init(id: DistanceLessonID, organizationID: OrganizationID, lessonID: LessonID, name: String, createdBy: AccountID, createdAt: Date) {
        self.id = id
        self.organizationID = organizationID
        self.lessonID = lessonID
        self.name = name
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// How someone stands towards one lesson, as the rules need it (the app finds it out).
public struct LessonStanding: Hashable, Sendable {
    /// Their roster person is the lesson's teacher.
    public var isTeacher: Bool
    /// Administrators of the school observe its lessons.
    public var isAdministrator: Bool
    /// A student of the lesson's class on its date (and of its group, for a group lesson).
    public var isStudent: Bool

    public init(isTeacher: Bool = false, isAdministrator: Bool = false, isStudent: Bool = false) {
        self.isTeacher = isTeacher
        self.isAdministrator = isAdministrator
        self.isStudent = isStudent
    }

    /// The lesson is something to them: they see its distance lesson and may be in its call
    /// (to anyone else it does not exist, and whoever stops being this is put out of the call).
    public var isInvolved: Bool { isTeacher || isStudent || isAdministrator }
}

/// The rules of distance lessons (SPEC §7), time passed in.
public enum DistanceLessonRules {
    /// How one takes part once admitted.
    public enum Entry: String, Sendable, Codable {
        /// The teacher: publishes, shares the screen, mutes and removes others, ends it.
        case host
        /// A student of the lesson: publishes, raises a hand.
        case student
        /// An administrator: watches and listens, unseen by default.
        case observer
    }

    public static let maxNameCharacters = 200

    /// Only the lesson's teacher creates its distance lesson, and only until the lesson ends.
    public static func checkCreate(_ standing: LessonStanding, lesson: Lesson, window: LessonWindow, now: Date, exists: Bool) throws(PartaError) {
        guard standing.isTeacher else {
            throw PartaError.forbidden("Only the lesson's teacher makes a distance lesson of it.")
        }
        guard !lesson.cancelled else { throw PartaError.conflict("lesson_cancelled", "The lesson is cancelled.") }
        guard window.state(at: now) != .ended else {
            throw PartaError.conflict("lesson_ended", "The lesson has ended; a distance lesson is made before the lesson ends.")
        }
        guard !exists else { throw PartaError.conflict("distance_lesson_exists", "This lesson already has a distance lesson.") }
    }

    /// Renaming and deleting: the lesson's teacher; deleting also the school's administrators.
    public static func checkManage(_ standing: LessonStanding, deleting: Bool) throws(PartaError) {
        guard standing.isTeacher || (deleting && standing.isAdministrator) else {
            throw PartaError.forbidden(
                deleting ? "Only the lesson's teacher and the school's administrators delete a distance lesson."
                    : "Only the lesson's teacher renames a distance lesson.")
        }
    }

    /// Who enters, and how: the teacher, the lesson's students, the school's administrators — only
    /// while the lesson runs. Before it: `lesson_not_started` with the start; after: `lesson_ended`.
    public static func entry(_ standing: LessonStanding, lesson: Lesson, window: LessonWindow, now: Date) throws(PartaError) -> Entry {
        let entry: Entry
        if standing.isTeacher {
            entry = .host
        } else if standing.isStudent {
            entry = .student
        } else if standing.isAdministrator {
            entry = .observer
        } else {
            throw PartaError.forbidden("Only the lesson's students, its teacher and the school's administrators enter this distance lesson.")
        }
        guard !lesson.cancelled else { throw PartaError.conflict("lesson_cancelled", "The lesson is cancelled.") }
        switch window.state(at: now) {
        case .upcoming:
            throw PartaError(
                .conflict, code: "lesson_not_started", message: "The distance lesson has not started yet; it starts at \(lesson.start).",
                details: ["starts_at": .string(lesson.start.text), "date": .string(lesson.date.iso)])
        case .ended:
            throw PartaError(.gone, code: "lesson_ended", message: "The lesson has ended.")
        case .running:
            return entry
        }
    }

    /// A distance lesson's call goes on only while its lesson runs: ended, moved away or
    /// cancelled, the call ends (and its room goes).
    public static func callGoesOn(lesson: Lesson, window: LessonWindow, now: Date) -> Bool {
        !lesson.cancelled && window.state(at: now) == .running
    }

    /// `Урок по предмету «Краеведение» от 16.12.2022 15:50`: the start on the school's clock.
    public static func defaultName(subject: String, start: Date, timeZone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: OrganizationProfile.defaultTimeZone)!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        let date = LocalDate(year: p.year!, month: p.month!, day: p.day!)!
        let time = LocalTime(hour: p.hour!, minute: p.minute!)!
        return "Урок по предмету «\(subject)» от \(date.russian) \(time)"
    }

    /// A name a teacher gives: one line with a letter, at most 200 characters.
    public static func checkName(_ raw: String) throws(PartaError) -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty else {
            throw PartaError.invalid("invalid_name", "A distance lesson needs a name.", details: ["field": .string("name")])
        }
        return try TextRules.checkName(name, field: "name", maxCharacters: maxNameCharacters, code: "invalid_name")
    }
}
