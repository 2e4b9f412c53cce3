public import Foundation

public typealias LessonID = Identifier<Lesson>

/// A time of day on the school's wall clock, in minutes from midnight: `08:30`.
public struct LocalTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let minutes: Int

    /// `nil` outside 00:00…23:59.
    public init?(minutes: Int) {
        guard (0..<24 * 60).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    public init?(hour: Int, minute: Int) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        self.init(minutes: hour * 60 + minute)
    }

    /// Parses `08:30`, `8:30`, `8.30` (as timetables in spreadsheets write it).
    public init?(parsing raw: String) {
        let text = raw.trimmingWhitespace()
        let parts = text.split(separator: text.contains(":") ? ":" : ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "00"), (1...2).contains(parts[0].count), parts[1].count == 2,
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }

    /// `08:30`.
    public var text: String { "\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)" }
    public var description: String { text }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = LocalTime(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a time such as 08:30"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// Parses a time a person typed, or throws `invalid_time` naming the field.
    public static func parse(_ text: String, field: String) throws(PartaError) -> LocalTime {
        guard let time = LocalTime(parsing: text) else {
            throw PartaError.invalid(
                "invalid_time", "The \(field.replacingUnderscores()) «\(text)» is not a time; write it like 08:30.",
                details: ["field": .string(field)])
        }
        return time
    }
}

extension LocalDate {
    /// 1 for Monday … 7 for Sunday.
    public var weekday: Int { ((dayNumber + 3) % 7 + 7) % 7 + 1 }

    /// The Monday of the date's week: timetables and diaries go a week at a time.
    public var weekStart: LocalDate { adding(days: 1 - weekday) }

    /// The instant this date's `time` is on the wall clocks of a time zone (the school's).
    public func instant(at time: LocalTime, timeZone identifier: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: OrganizationProfile.defaultTimeZone)!
        let components = DateComponents(year: year, month: month, day: day, hour: time.hour, minute: time.minute)
        return calendar.date(from: components)!
    }
}

/// A lesson of the timetable: the class journal's row a distance lesson is made from.
///
/// Times are the school's wall clock (what the journal says); the instants follow from the
/// organization's time zone. A group lesson (`Англ.яз/1`) is for the students of that group of
/// the class; any other for the whole class as enrolled on the lesson's date.
public struct Lesson: Hashable, Sendable, Codable {
    public var id: LessonID
    public var organizationID: OrganizationID
    public var date: LocalDate
    public var start: LocalTime
    public var end: LocalTime
    public var classID: ClassID
    /// Empty for the whole class.
    public var group: String
    public var subjectID: SubjectID
    public var teacherID: RosterPersonID
    public var topic: String
    public var room: String
    public var externalID: String?
    public var cancelled: Bool

    public init(
        id: LessonID, organizationID: OrganizationID, date: LocalDate, start: LocalTime, end: LocalTime, classID: ClassID,
        group: String, subjectID: SubjectID, teacherID: RosterPersonID, topic: String, room: String, externalID: String?,
        cancelled: Bool
    ) {
        self.id = id
        self.organizationID = organizationID
        self.date = date
        self.start = start
        self.end = end
        self.classID = classID
        self.group = group
        self.subjectID = subjectID
        self.teacherID = teacherID
        self.topic = topic
        self.room = room
        self.externalID = externalID
        self.cancelled = cancelled
    }

    public var isGroup: Bool { !group.isEmpty }

    /// When the lesson runs, in the school's time zone.
    public func window(timeZone: String) -> LessonWindow {
        LessonWindow(start: date.instant(at: start, timeZone: timeZone), end: date.instant(at: end, timeZone: timeZone))
    }

    /// Whether a student sits this lesson: in its class on its date, and in its group if it has one.
    public func isFor(student: RosterPersonID, classOnDate: ClassID?, groupStudents: Set<RosterPersonID>) -> Bool {
        guard classOnDate == classID else { return false }
        return !isGroup || groupStudents.contains(student)
    }

    /// The longest a lesson may run (a double lesson with its break fits).
    public static let longest = 4 * 60

    public static func checkTimes(start: LocalTime, end: LocalTime) throws(PartaError) {
        guard start < end else {
            throw PartaError.invalid(
                "invalid_time", "The lesson ends (\(end)) before it starts (\(start)).", details: ["field": .string("end")])
        }
        guard end.minutes - start.minutes <= longest else {
            throw PartaError.invalid(
                "invalid_time", "A lesson lasts at most \(longest / 60) hours; \(start)–\(end) is longer.",
                details: ["field": .string("end")])
        }
    }

    /// A lesson's date lies within its class's school year.
    public static func checkDate(_ date: LocalDate, schoolYear: SchoolYear) throws(PartaError) {
        guard schoolYear.contains(date) else {
            throw PartaError.invalid(
                "invalid_date",
                "\(date.russian) is outside the school year \(schoolYear.name) (\(schoolYear.startDate.russian)–\(schoolYear.endDate.russian)).",
                details: ["field": .string("date")])
        }
    }

    public static func checkTopic(_ raw: String?) throws(PartaError) -> String {
        try TextRules.checkName((raw ?? "").trimmingWhitespace(), field: "topic", maxCharacters: 300, code: "invalid_topic")
    }

    public static func checkRoom(_ raw: String?) throws(PartaError) -> String {
        try TextRules.checkName((raw ?? "").trimmingWhitespace(), field: "room", maxCharacters: 40, code: "invalid_room")
    }

    /// A group lesson names a group the class has (one of its teaching assignments' groups).
    public static func checkGroup(_ group: String, classGroups: Set<String>) throws(PartaError) {
        guard !group.isEmpty, !classGroups.contains(group) else { return }
        throw PartaError.invalid(
            "invalid_group", "The class has no group «\(group)»; groups come from its teaching assignments.",
            details: ["field": .string("group")])
    }
}

/// When a lesson (or a meeting) runs: from its start, until its end.
public struct LessonWindow: Hashable, Sendable {
    public enum State: String, Sendable, Codable {
        case upcoming
        case running
        case ended
    }

    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// Upcoming before the start; running from the start (inclusive) to the end (exclusive);
    /// ended from the end on.
    public func state(at now: Date) -> State {
        if now < start { return .upcoming }
        return now < end ? .running : .ended
    }
}

/// A span of dates a timetable is read for: at most a few weeks, so an answer stays small.
public struct DateSpan: Hashable, Sendable {
    public var from: LocalDate
    public var to: LocalDate

    public static let longest = 42

    public init(from: LocalDate, to: LocalDate) {
        self.from = from
        self.to = to
    }

    /// `from…to` inclusive; a missing `to` is the week of `from`.
    public static func check(from: LocalDate, to: LocalDate?) throws(PartaError) -> DateSpan {
        let to = to ?? from.weekStart.adding(days: 6)
        guard from <= to else {
            throw PartaError.invalid("invalid_date", "The span ends (\(to.russian)) before it begins (\(from.russian)).")
        }
        guard to.dayNumber - from.dayNumber < longest else {
            throw PartaError.invalid("invalid_date", "Read at most \(longest) days at a time.")
        }
        return DateSpan(from: from, to: to)
    }

    /// The Monday-to-Sunday week holding `date`.
    public static func week(of date: LocalDate) -> DateSpan {
        DateSpan(from: date.weekStart, to: date.weekStart.adding(days: 6))
    }
}
