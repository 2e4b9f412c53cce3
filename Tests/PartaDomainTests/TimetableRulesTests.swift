import Foundation
import PartaDomain
import Testing

@Suite("Timetable: times, dates, windows")
struct TimetableTypesTests {
    @Test("times parse as journals and spreadsheets write them", arguments: [
        ("08:30", 510), ("8:30", 510), ("8.30", 510), (" 08:30 ", 510), ("00:00", 0), ("23:59", 1439), ("15:50:00", 950),
    ])
    func parses(text: String, minutes: Int) {
        #expect(LocalTime(parsing: text)?.minutes == minutes)
    }

    @Test("what is not a time is refused", arguments: ["24:00", "8:60", "830", "8:3", "08-30", "", "ab:cd", "١:٣٠", "8:30:15", "-1:30"])
    func refuses(text: String) {
        #expect(LocalTime(parsing: text) == nil)
        #expect(throws: PartaError.invalid(
            "invalid_time", "The start «\(text)» is not a time; write it like 08:30.", details: ["field": .string("start")])) {
            try LocalTime.parse(text, field: "start")
        }
    }

    @Test("a time prints with two digits each and round-trips through JSON")
    func prints() throws {
        let time = try #require(LocalTime(hour: 8, minute: 5))
        #expect(time.text == "08:05")
        let data = try JSONEncoder().encode([time])
        #expect(String(decoding: data, as: UTF8.self) == #"["08:05"]"#)
        #expect(try JSONDecoder().decode([LocalTime].self, from: data) == [time])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LocalTime].self, from: Data(#"["25:00"]"#.utf8)) }
    }

    @Test("weekdays and the Monday of the week", arguments: [
        ("2026-08-31", 1, "2026-08-31"), ("2026-09-01", 2, "2026-08-31"), ("2026-09-06", 7, "2026-08-31"),
        ("2026-09-07", 1, "2026-09-07"), ("2027-01-01", 5, "2026-12-28"), ("2024-02-29", 4, "2024-02-26"),
        ("1970-01-01", 4, "1969-12-29"),
    ])
    func weekdays(date: String, weekday: Int, monday: String) throws {
        let day = try #require(LocalDate(parsing: date))
        #expect(day.weekday == weekday)
        #expect(day.weekStart.iso == monday)
    }

    @Test("a lesson's instants follow the school's time zone", arguments: [
        ("Europe/Moscow", "2026-09-01T05:30:00Z"), ("Asia/Vladivostok", "2026-08-31T22:30:00Z"),
        ("Europe/Kaliningrad", "2026-09-01T06:30:00Z"), ("Asia/Kamchatka", "2026-08-31T20:30:00Z"),
    ])
    func instants(zone: String, utc: String) throws {
        let date = try #require(LocalDate(parsing: "2026-09-01"))
        let start = try #require(LocalTime(parsing: "08:30"))
        #expect(date.instant(at: start, timeZone: zone) == ISO8601DateFormatter().date(from: utc))
    }

    static let start = Date(timeIntervalSince1970: 1_788_240_600)  // 2026-09-01 08:30 in Moscow
    static let window = LessonWindow(start: start, end: start.addingTimeInterval(45 * 60))

    @Test("the lesson window at its boundaries", arguments: [
        (-60.0, LessonWindow.State.upcoming), (-0.001, .upcoming), (0, .running), (60, .running), (2699.999, .running),
        (2700, .ended), (2760, .ended),
    ] as [(TimeInterval, LessonWindow.State)])
    func window(offset: TimeInterval, state: LessonWindow.State) {
        #expect(Self.window.state(at: Self.start.addingTimeInterval(offset)) == state)
    }

    @Test("lesson times: the end after the start, at most four hours", arguments: [
        ("08:30", "09:15", nil), ("08:30", "08:30", "The lesson ends (08:30) before it starts (08:30)."),
        ("09:15", "08:30", "The lesson ends (08:30) before it starts (09:15)."), ("08:00", "12:00", nil),
        ("08:00", "12:01", "A lesson lasts at most 4 hours; 08:00–12:01 is longer."),
    ] as [(String, String, String?)])
    func times(start: String, end: String, message: String?) throws {
        let (s, e) = (try #require(LocalTime(parsing: start)), try #require(LocalTime(parsing: end)))
        if let message {
            #expect(throws: PartaError.invalid("invalid_time", message, details: ["field": .string("end")])) {
                try Lesson.checkTimes(start: s, end: e)
            }
        } else {
            try Lesson.checkTimes(start: s, end: e)
        }
    }

    @Test("spans: a week by default, at most 42 days, never backwards")
    func spans() throws {
        let wednesday = try #require(LocalDate(parsing: "2026-09-02"))
        let week = try DateSpan.check(from: wednesday, to: nil)
        #expect(week == DateSpan(from: wednesday, to: try #require(LocalDate(parsing: "2026-09-06"))))
        #expect(DateSpan.week(of: wednesday) == DateSpan(from: try #require(LocalDate(parsing: "2026-08-31")), to: week.to))
        #expect(try DateSpan.check(from: wednesday, to: wednesday.adding(days: 41)).to == wednesday.adding(days: 41))
        #expect(throws: PartaError.self) { try DateSpan.check(from: wednesday, to: wednesday.adding(days: 42)) }
        #expect(throws: PartaError.self) { try DateSpan.check(from: wednesday, to: wednesday.adding(days: -1)) }
    }

    @Test("a group lesson is for the group's students; a class lesson for the class on that date")
    func whoSits() throws {
        let lesson = DistanceLessonRulesTests.lesson(group: "Англ.яз/1")
        let student = RosterPersonID(5)
        #expect(lesson.isFor(student: student, classOnDate: lesson.classID, groupStudents: [student]))
        #expect(!lesson.isFor(student: student, classOnDate: lesson.classID, groupStudents: [RosterPersonID(6)]))
        #expect(!lesson.isFor(student: student, classOnDate: ClassID(99), groupStudents: [student]))
        var whole = lesson
        whole.group = ""
        #expect(whole.isFor(student: student, classOnDate: lesson.classID, groupStudents: []))
        #expect(!whole.isFor(student: student, classOnDate: nil, groupStudents: []))
        #expect(throws: PartaError.self) { try Lesson.checkGroup("Англ.яз/3", classGroups: ["Англ.яз/1", "Англ.яз/2"]) }
        try Lesson.checkGroup("Англ.яз/2", classGroups: ["Англ.яз/1", "Англ.яз/2"])
        try Lesson.checkGroup("", classGroups: [])
    }
}

@Suite("Distance lesson rules")
struct DistanceLessonRulesTests {
    static func lesson(group: String = "", cancelled: Bool = false) -> Lesson {
        Lesson(
            id: LessonID(1), organizationID: OrganizationID(1), date: LocalDate(parsing: "2026-09-01")!, start: LocalTime(parsing: "08:30")!,
            end: LocalTime(parsing: "09:15")!, classID: ClassID(7), group: group, subjectID: SubjectID(3), teacherID: RosterPersonID(2),
            topic: "", room: "", externalID: nil, cancelled: cancelled)
    }

    static let window = TimetableTypesTests.window
    static let before = window.start.addingTimeInterval(-60)
    static let during = window.start
    static let after = window.end

    static let teacher = LessonStanding(isTeacher: true)
    static let admin = LessonStanding(isAdministrator: true)
    static let student = LessonStanding(isStudent: true)
    static let nobody = LessonStanding()

    @Test("who makes a distance lesson, and until when", arguments: [
        (teacher, before, false, false, nil), (teacher, during, false, false, nil), (teacher, after, false, false, "lesson_ended"),
        (teacher, during, true, false, "distance_lesson_exists"), (teacher, before, false, true, "lesson_cancelled"),
        (admin, before, false, false, "forbidden"), (student, during, false, false, "forbidden"), (nobody, during, false, false, "forbidden"),
        (LessonStanding(isTeacher: true, isAdministrator: true), during, false, false, nil),
    ] as [(LessonStanding, Date, Bool, Bool, String?)])
    func create(standing: LessonStanding, now: Date, exists: Bool, cancelled: Bool, code: String?) throws {
        let lesson = Self.lesson(cancelled: cancelled)
        if let code {
            #expect { try DistanceLessonRules.checkCreate(standing, lesson: lesson, window: Self.window, now: now, exists: exists) }
                throws: { ($0 as? PartaError)?.code == code }
        } else {
            try DistanceLessonRules.checkCreate(standing, lesson: lesson, window: Self.window, now: now, exists: exists)
        }
    }

    @Test("who renames and who deletes", arguments: [
        (teacher, false, true), (teacher, true, true), (admin, false, false), (admin, true, true), (student, false, false),
        (student, true, false), (nobody, true, false),
    ])
    func manage(standing: LessonStanding, deleting: Bool, allowed: Bool) {
        let passed = (try? DistanceLessonRules.checkManage(standing, deleting: deleting)) != nil
        #expect(passed == allowed)
    }

    @Test("who enters, as what, and when", arguments: [
        (teacher, during, "", DistanceLessonRules.Entry.host, nil), (student, during, "", .student, nil), (admin, during, "", .observer, nil),
        (LessonStanding(isTeacher: true, isAdministrator: true), during, "", .host, nil),
        (nobody, during, "", nil, "forbidden"), (student, before, "", nil, "lesson_not_started"), (teacher, before, "", nil, "lesson_not_started"),
        (student, after, "", nil, "lesson_ended"), (admin, after, "", nil, "lesson_ended"),
        (student, window.end.addingTimeInterval(-1), "", .student, nil),
        (student, during, "Англ.яз/1", .student, nil),
    ] as [(LessonStanding, Date, String, DistanceLessonRules.Entry?, String?)])
    func entry(standing: LessonStanding, now: Date, group: String, entry: DistanceLessonRules.Entry?, code: String?) throws {
        let lesson = Self.lesson(group: group)
        if let entry {
            #expect(try DistanceLessonRules.entry(standing, lesson: lesson, window: Self.window, now: now) == entry)
        } else {
            #expect { try DistanceLessonRules.entry(standing, lesson: lesson, window: Self.window, now: now) }
                throws: { ($0 as? PartaError)?.code == code }
        }
    }

    @Test("before the start the answer carries the start; after the end it is gone (410)")
    func answers() {
        #expect(throws: PartaError(
            .conflict, code: "lesson_not_started", message: "The distance lesson has not started yet; it starts at 08:30.",
            details: ["starts_at": .string("08:30"), "date": .string("2026-09-01")])) {
            try DistanceLessonRules.entry(Self.student, lesson: Self.lesson(), window: Self.window, now: Self.before)
        }
        #expect(throws: PartaError(.gone, code: "lesson_ended", message: "The lesson has ended.")) {
            try DistanceLessonRules.entry(Self.student, lesson: Self.lesson(), window: Self.window, now: Self.after)
        }
        #expect(throws: PartaError.conflict("lesson_cancelled", "The lesson is cancelled.")) {
            try DistanceLessonRules.entry(Self.student, lesson: Self.lesson(cancelled: true), window: Self.window, now: Self.during)
        }
    }

    @Test("a group lesson admits the group's students, not the rest of the class")
    func groupOnly() throws {
        let lesson = Self.lesson(group: "Англ.яз/1")
        let inGroup = RosterPersonID(5)
        let notInGroup = RosterPersonID(6)
        let standing = { (student: RosterPersonID) in
            LessonStanding(isStudent: lesson.isFor(student: student, classOnDate: lesson.classID, groupStudents: [inGroup]))
        }
        #expect(try DistanceLessonRules.entry(standing(inGroup), lesson: lesson, window: Self.window, now: Self.during) == .student)
        #expect { try DistanceLessonRules.entry(standing(notInGroup), lesson: lesson, window: Self.window, now: Self.during) }
            throws: { ($0 as? PartaError)?.code == "forbidden" }
    }

    @Test("a call goes on only while its lesson runs and is not cancelled", arguments: [
        (before, false, false), (during, false, true), (window.end.addingTimeInterval(-1), false, true), (after, false, false),
        (during, true, false),
    ] as [(Date, Bool, Bool)])
    func callGoesOn(now: Date, cancelled: Bool, goesOn: Bool) {
        #expect(DistanceLessonRules.callGoesOn(lesson: Self.lesson(cancelled: cancelled), window: Self.window, now: now) == goesOn)
    }

    @Test("who is involved in a lesson", arguments: [(teacher, true), (admin, true), (student, true), (nobody, false)])
    func involved(standing: LessonStanding, involved: Bool) {
        #expect(standing.isInvolved == involved)
    }

    @Test("the default name is the start on the school's clock", arguments: [
        ("Europe/Moscow", "Урок по предмету «Краеведение» от 16.12.2022 15:50"),
        ("Europe/Kaliningrad", "Урок по предмету «Краеведение» от 16.12.2022 14:50"),
        ("Asia/Yekaterinburg", "Урок по предмету «Краеведение» от 16.12.2022 17:50"),
        ("Asia/Vladivostok", "Урок по предмету «Краеведение» от 16.12.2022 22:50"),
        ("Asia/Kamchatka", "Урок по предмету «Краеведение» от 17.12.2022 00:50"),
        ("Bogus/Zone", "Урок по предмету «Краеведение» от 16.12.2022 15:50"),
    ])
    func defaultName(zone: String, name: String) throws {
        let start = try #require(ISO8601DateFormatter().date(from: "2022-12-16T12:50:00Z"))
        #expect(DistanceLessonRules.defaultName(subject: "Краеведение", start: start, timeZone: zone) == name)
    }

    @Test("names: trimmed, not empty, at most 200 characters, one line")
    func names() throws {
        #expect(try DistanceLessonRules.checkName("  Повторение  ") == "Повторение")
        #expect(try DistanceLessonRules.checkName(String(repeating: "я", count: 200)).count == 200)
        for bad in ["", "   ", String(repeating: "я", count: 201), "две\nстроки"] {
            #expect { try DistanceLessonRules.checkName(bad) } throws: { ($0 as? PartaError)?.code == "invalid_name" }
        }
    }
}
