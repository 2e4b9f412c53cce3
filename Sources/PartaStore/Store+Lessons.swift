public import Foundation
public import PartaDomain
import SQLKit

/// What a lesson row is made of, before it has an id.
public struct LessonRecord: Sendable, Equatable {
    public var date: LocalDate
    public var start: LocalTime
    public var end: LocalTime
    public var classID: ClassID
    public var group: String
    public var subjectID: SubjectID
    public var teacherID: RosterPersonID
    public var topic: String
    public var room: String
    public var externalID: String?

    public init(
        date: LocalDate, start: LocalTime, end: LocalTime, classID: ClassID, group: String, subjectID: SubjectID,
        teacherID: RosterPersonID, topic: String, room: String, externalID: String?
    ) {
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
    }

    public init(_ lesson: Lesson) {
        self.init(
            date: lesson.date, start: lesson.start, end: lesson.end, classID: lesson.classID, group: lesson.group,
            subjectID: lesson.subjectID, teacherID: lesson.teacherID, topic: lesson.topic, room: lesson.room,
            externalID: lesson.externalID)
    }
}

/// The timetable: lessons, the groups they are for, distance lessons.
extension Store {
    static let lessonColumns = """
        id, organization_id, lesson_date, start_minute, end_minute, class_id, group_name, subject_id, teacher_id, topic, room,
        external_id, cancelled_at
        """

    static func lesson(from row: any SQLRow) throws -> Lesson {
        guard let start = LocalTime(minutes: try row.int("start_minute")), let end = LocalTime(minutes: try row.int("end_minute")) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad minutes in lessons"))
        }
        return Lesson(
            id: try row.id("id"), organizationID: try row.id("organization_id"), date: try row.localDate("lesson_date"),
            start: start, end: end, classID: try row.id("class_id"), group: try row.string("group_name"),
            subjectID: try row.id("subject_id"), teacherID: try row.id("teacher_id"), topic: try row.string("topic"),
            room: try row.string("room"), externalID: try row.optionalString("external_id"),
            cancelled: try row.optionalInt64("cancelled_at") != nil)
    }

    public func insertLesson(_ r: LessonRecord, organization: OrganizationID, now: Date) async throws -> LessonID {
        try await sql.raw("""
            INSERT INTO lessons (organization_id, lesson_date, start_minute, end_minute, class_id, group_name, subject_id, teacher_id,
                topic, room, external_id, created_at, updated_at)
            VALUES (\(bind: organization.rawValue), \(bind: r.date.iso), \(bind: r.start.minutes), \(bind: r.end.minutes),
                \(bind: r.classID.rawValue), \(bind: r.group), \(bind: r.subjectID.rawValue), \(bind: r.teacherID.rawValue),
                \(bind: r.topic), \(bind: r.room), \(bind: r.externalID), \(bind: now.millis), \(bind: now.millis))
            RETURNING id
            """).first()!.id("id")
    }

    public func updateLesson(_ id: LessonID, _ r: LessonRecord, now: Date) async throws {
        try await sql.raw("""
            UPDATE lessons SET lesson_date = \(bind: r.date.iso), start_minute = \(bind: r.start.minutes), end_minute = \(bind: r.end.minutes),
                class_id = \(bind: r.classID.rawValue), group_name = \(bind: r.group), subject_id = \(bind: r.subjectID.rawValue),
                teacher_id = \(bind: r.teacherID.rawValue), topic = \(bind: r.topic), room = \(bind: r.room),
                external_id = \(bind: r.externalID), updated_at = \(bind: now.millis)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    /// Cancels lessons (`true`) or takes their cancellation back (`false`).
    public func setLessonsCancelled(_ ids: [LessonID], _ cancelled: Bool, now: Date) async throws {
        for chunk in ids.chunked(400) {
            if cancelled {
                try await sql.raw("""
                    UPDATE lessons SET cancelled_at = \(bind: now.millis), updated_at = \(bind: now.millis)
                    WHERE id IN \(Self.ids(chunk)) AND cancelled_at IS NULL
                    """).run()
            } else {
                try await sql.raw("""
                    UPDATE lessons SET cancelled_at = NULL, updated_at = \(bind: now.millis) WHERE id IN \(Self.ids(chunk))
                    """).run()
            }
        }
    }

    public func deleteLesson(_ id: LessonID) async throws {
        try await sql.raw("DELETE FROM lessons WHERE id = \(bind: id.rawValue)").run()
    }

    public func lesson(_ id: LessonID, in organization: OrganizationID) async throws -> Lesson? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.lessonColumns) FROM lessons
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.lesson(from:))
    }

    public func lesson(externalID: String, in organization: OrganizationID) async throws -> Lesson? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.lessonColumns) FROM lessons
            WHERE external_id = \(bind: externalID) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.lesson(from:))
    }

    /// Lessons within `span`, by date and start, narrowed to classes or a teacher.
    public func lessons(
        of organization: OrganizationID, span: DateSpan, classes: Set<ClassID>? = nil, teacher: RosterPersonID? = nil,
        limit: Int? = nil
    ) async throws -> [Lesson] {
        var conditions: [any SQLExpression] = [
            SQLQueryString("organization_id = \(bind: organization.rawValue)"),
            SQLQueryString("lesson_date >= \(bind: span.from.iso)"), SQLQueryString("lesson_date <= \(bind: span.to.iso)"),
        ]
        if let classes {
            guard !classes.isEmpty else { return [] }
            conditions.append(SQLQueryString("class_id IN \(Self.ids(classes.sorted()))"))
        }
        if let teacher { conditions.append(SQLQueryString("teacher_id = \(bind: teacher.rawValue)")) }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let bound = limit.map { SQLQueryString(" LIMIT \(bind: $0)") } ?? SQLQueryString("")
        return try await sql.raw("""
            SELECT \(unsafeRaw: Self.lessonColumns) FROM lessons WHERE \(predicate)
            ORDER BY lesson_date, start_minute, class_id, group_name, id\(bound)
            """).all().map(Self.lesson(from:))
    }

    /// The lessons that have an external id (the school system's and imports'), for an import to compare.
    public func importedLessons(of organization: OrganizationID) async throws -> [Lesson] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.lessonColumns) FROM lessons
            WHERE organization_id = \(bind: organization.rawValue) AND external_id IS NOT NULL
            """).all().map(Self.lesson(from:))
    }

    /// Lessons by their external ids (an import's), for comparison.
    public func lessons(externalIDs: [String], in organization: OrganizationID) async throws -> [String: Lesson] {
        var found: [String: Lesson] = [:]
        for chunk in Array(Set(externalIDs)).sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.lessonColumns) FROM lessons
                WHERE organization_id = \(bind: organization.rawValue) AND external_id IN \(SQLGroupExpression(chunk.map { SQLBind($0) }))
                """).all()
            for row in rows {
                let lesson = try Self.lesson(from: row)
                if let ext = lesson.externalID { found[ext] = lesson }
            }
        }
        return found
    }

    public func lessonCount(subject: SubjectID) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM lessons WHERE subject_id = \(bind: subject.rawValue)").first()!.int("n")
    }

    // MARK: Groups

    /// The groups each class has: the group names of its teaching assignments.
    public func groups(of classes: Set<ClassID>) async throws -> [ClassID: Set<String>] {
        guard !classes.isEmpty else { return [:] }
        var groups: [ClassID: Set<String>] = [:]
        for chunk in classes.sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT DISTINCT class_id, group_name FROM teaching_assignments
                WHERE class_id IN \(Self.ids(chunk)) AND group_name <> ''
                """).all()
            for row in rows { groups[try row.id("class_id"), default: []].insert(try row.string("group_name")) }
        }
        return groups
    }

    /// The students of a group of a class: everyone any assignment of that group lists.
    public func groupStudents(classID: ClassID, group: String) async throws -> Set<RosterPersonID> {
        Set(try await sql.raw("""
            SELECT DISTINCT s.student_id FROM assignment_students s
            JOIN teaching_assignments a ON a.id = s.assignment_id
            WHERE a.class_id = \(bind: classID.rawValue) AND a.group_name = \(bind: group)
            """).all().map { try $0.id("student_id") })
    }

    /// The groups students are in, as `(class, group)` pairs.
    public func groupsOf(students: [RosterPersonID]) async throws -> [RosterPersonID: Set<ClassGroup>] {
        var found: [RosterPersonID: Set<ClassGroup>] = [:]
        for chunk in Array(Set(students)).sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT DISTINCT s.student_id, a.class_id, a.group_name FROM assignment_students s
                JOIN teaching_assignments a ON a.id = s.assignment_id
                WHERE s.student_id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                found[try row.id("student_id"), default: []].insert(ClassGroup(classID: try row.id("class_id"), group: try row.string("group_name")))
            }
        }
        return found
    }

    // MARK: Distance lessons

    static let distanceLessonColumns = "id, organization_id, lesson_id, name, created_by, created_at"

    static func distanceLesson(from row: any SQLRow) throws -> DistanceLesson {
        DistanceLesson(
            id: try row.id("id"), organizationID: try row.id("organization_id"), lessonID: try row.id("lesson_id"),
            name: try row.string("name"), createdBy: try row.id("created_by"), createdAt: try row.date("created_at"))
    }

    public func insertDistanceLesson(
        organization: OrganizationID, lesson: LessonID, name: String, createdBy: AccountID, now: Date
    ) async throws -> DistanceLesson {
        let id: DistanceLessonID = try await sql.raw("""
            INSERT INTO distance_lessons (organization_id, lesson_id, name, created_by, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: lesson.rawValue), \(bind: name), \(bind: createdBy.rawValue), \(bind: now.millis))
            RETURNING id
            """).first()!.id("id")
        return DistanceLesson(id: id, organizationID: organization, lessonID: lesson, name: name, createdBy: createdBy, createdAt: now)
    }

    public func distanceLesson(_ id: DistanceLessonID, in organization: OrganizationID) async throws -> DistanceLesson? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.distanceLessonColumns) FROM distance_lessons
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.distanceLesson(from:))
    }

    /// The distance lessons of lessons, by lesson.
    public func distanceLessons(of lessons: [LessonID]) async throws -> [LessonID: DistanceLesson] {
        var found: [LessonID: DistanceLesson] = [:]
        for chunk in Array(Set(lessons)).sorted().chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.distanceLessonColumns) FROM distance_lessons WHERE lesson_id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let distance = try Self.distanceLesson(from: row)
                found[distance.lessonID] = distance
            }
        }
        return found
    }

    public func renameDistanceLesson(_ id: DistanceLessonID, name: String) async throws {
        try await sql.raw("UPDATE distance_lessons SET name = \(bind: name) WHERE id = \(bind: id.rawValue)").run()
    }

    public func deleteDistanceLesson(_ id: DistanceLessonID) async throws {
        try await sql.raw("DELETE FROM distance_lessons WHERE id = \(bind: id.rawValue)").run()
    }
}

/// A group of a class (`Англ.яз/1` of 10А); an empty group is the whole class.
public struct ClassGroup: Hashable, Sendable {
    public var classID: ClassID
    public var group: String

    public init(classID: ClassID, group: String) {
        self.classID = classID
        self.group = group
    }
}
