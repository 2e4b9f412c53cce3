import Foundation
import Logging
public import PartaDomain
import PartaStore

/// What a lesson is made of when an administrator, the school system or an import writes it.
public struct LessonInput: Sendable, Equatable {
    public var date: LocalDate
    public var start: LocalTime
    public var end: LocalTime
    public var classID: ClassID
    /// Empty for the whole class; a group of the class (`Англ.яз/1`) otherwise.
    public var group: String
    public var subject: SubjectID
    public var teacher: RosterPersonID
    public var topic: String
    public var room: String
    public var externalID: String?

    public init(
        date: LocalDate, start: LocalTime, end: LocalTime, classID: ClassID, group: String = "", subject: SubjectID,
        teacher: RosterPersonID, topic: String = "", room: String = "", externalID: String? = nil
    ) {
        self.date = date
        self.start = start
        self.end = end
        self.classID = classID
        self.group = group
        self.subject = subject
        self.teacher = teacher
        self.topic = topic
        self.room = room
        self.externalID = externalID
    }
}

/// A lesson with what it refers to, as timetables and diaries show it.
public struct LessonView: Sendable, Equatable {
    public var lesson: Lesson
    public var subject: Subject
    public var schoolClass: SchoolClass
    /// The teacher's name as the roster has it.
    public var teacherName: PersonName
    public var window: LessonWindow
    /// Whether it runs now, is still to come or is over (at the time of the answer).
    public var state: LessonWindow.State
    public var distanceLesson: DistanceLesson?
}

/// One student's lessons: their own diary, or a child's for a parent.
public struct Diary: Sendable, Equatable {
    public var student: RosterPersonID
    public var studentName: PersonName
    /// The reader's own diary (they enter its distance lessons), not a child's.
    public var own: Bool
    public var lessons: [LessonView]
}

/// Lessons of a span of dates.
public struct LessonList: Sendable, Equatable {
    public var span: DateSpan
    public var lessons: [LessonView]
}

/// A person's own timetable for a span: what they teach, and the diaries they read.
public struct PersonalTimetable: Sendable, Equatable {
    public var span: DateSpan
    public var teaching: [LessonView]
    public var diaries: [Diary]
}

/// The timetable (SPEC §3): lessons as roster records — written by administrators, the school
/// system and imports, read by staff a class or a teacher at a time, and by students and parents
/// as a diary.
extension Parta {
    // MARK: Writing

    /// Checks a lesson's parts against the roster: teacher, subject, class, the class's group,
    /// the date within the class's school year, times and texts.
    func checkLesson(_ raw: LessonInput, organization: OrganizationID, in store: Store) async throws -> LessonRecord {
        try Lesson.checkTimes(start: raw.start, end: raw.end)
        let group = try TeachingAssignment.checkGroup(raw.group)
        let topic = try Lesson.checkTopic(raw.topic)
        let room = try Lesson.checkRoom(raw.room)
        let externalID = try RosterPerson.checkExternalID(raw.externalID)
        try await requireRole(.teacher, raw.teacher, organization: organization, in: store)
        guard try await store.subject(raw.subject, in: organization) != nil else { throw PartaError.notFound("The subject") }
        guard let schoolClass = try await store.schoolClass(raw.classID, in: organization) else { throw PartaError.notFound("The class") }
        guard let year = try await store.schoolYear(schoolClass.schoolYearID, in: organization) else { throw PartaError.notFound("The school year") }
        try Lesson.checkDate(raw.date, schoolYear: year)
        try Lesson.checkGroup(group, classGroups: try await store.groups(of: [raw.classID])[raw.classID] ?? [])
        return LessonRecord(
            date: raw.date, start: raw.start, end: raw.end, classID: raw.classID, group: group, subjectID: raw.subject,
            teacherID: raw.teacher, topic: topic, room: room, externalID: externalID)
    }

    static func lessonDetails(_ r: LessonRecord) -> [String: String] {
        ["date": r.date.iso, "start": r.start.text, "end": r.end.text, "class": "\(r.classID)", "subject": "\(r.subjectID)",
         "teacher": "\(r.teacherID)"]
            .merging(r.group.isEmpty ? [:] : ["group": r.group]) { a, _ in a }
    }

    public func createLesson(_ caller: Caller, organization: OrganizationID, _ raw: LessonInput) async throws -> LessonView {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            let record = try await checkLesson(raw, organization: organization, in: store)
            if let externalID = record.externalID, try await store.lesson(externalID: externalID, in: organization) != nil {
                throw Self.externalIDTaken(externalID)
            }
            let id = try await store.insertLesson(record, organization: organization, now: clock.now())
            try await audit(store, caller, .lessonCreated, organization: organization, target: ("lesson", "\(id)"),
                            details: Self.lessonDetails(record))
            return try await lessonViews([try await store.lesson(id, in: organization)!], organization: org, in: store)[0]
        }
    }

    public func updateLesson(_ caller: Caller, organization: OrganizationID, id: LessonID, _ raw: LessonInput) async throws -> LessonView {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard let before = try await store.lesson(id, in: organization) else { throw PartaError.notFound("The lesson") }
            let record = try await checkLesson(raw, organization: organization, in: store)
            if let externalID = record.externalID, let other = try await store.lesson(externalID: externalID, in: organization), other.id != id {
                throw Self.externalIDTaken(externalID)
            }
            guard LessonRecord(before) != record else { return try await lessonViews([before], organization: org, in: store)[0] }
            try await store.updateLesson(id, record, now: clock.now())
            try await audit(store, caller, .lessonUpdated, organization: organization, target: ("lesson", "\(id)"),
                            details: Self.lessonDetails(record))
            return try await lessonViews([try await store.lesson(id, in: organization)!], organization: org, in: store)[0]
        }
    }

    /// Cancels a lesson (`true`) or takes the cancellation back; the same state again changes nothing.
    public func setLessonCancelled(_ caller: Caller, organization: OrganizationID, id: LessonID, cancelled: Bool) async throws -> LessonView {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard let lesson = try await store.lesson(id, in: organization) else { throw PartaError.notFound("The lesson") }
            return try await setCancelled(caller, lesson, cancelled, organization: org, in: store).value
        }
    }

    func setCancelled(
        _ caller: Caller, _ lesson: Lesson, _ cancelled: Bool, organization: Organization, in store: Store
    ) async throws -> Upserted<LessonView> {
        guard lesson.cancelled != cancelled else {
            return Upserted(value: try await lessonViews([lesson], organization: organization, in: store)[0], created: false, changed: false)
        }
        try await store.setLessonsCancelled([lesson.id], cancelled, now: clock.now())
        try await audit(store, caller, cancelled ? .lessonCancelled : .lessonRestored, organization: organization.id,
                        target: ("lesson", "\(lesson.id)"), details: ["date": lesson.date.iso, "start": lesson.start.text])
        let changed = try await store.lesson(lesson.id, in: organization.id)!
        return Upserted(value: try await lessonViews([changed], organization: organization, in: store)[0], created: false, changed: true)
    }

    /// Deletes a lesson entered by mistake, with its distance lesson.
    public func deleteLesson(_ caller: Caller, organization: OrganizationID, id: LessonID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let lesson = try await store.lesson(id, in: organization) else { throw PartaError.notFound("The lesson") }
            try await store.deleteLesson(id)
            try await audit(store, caller, .lessonDeleted, organization: organization, target: ("lesson", "\(id)"),
                            details: Self.lessonDetails(LessonRecord(lesson)))
        }
    }

    /// The school system's upsert: parts named by external ids; the same lesson again changes
    /// nothing; a cancelled lesson sent again is restored.
    public func upsertLesson(
        _ caller: Caller, organization: OrganizationID, externalID rawExternal: String, classExternalID: String, subject: String,
        teacher: String, group: String, date: LocalDate, start: LocalTime, end: LocalTime, topic: String, room: String
    ) async throws -> Upserted<LessonView> {
        let externalID = try Self.requiredExternalID(rawExternal)
        return try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            let (teacherID, subjectID, classID) = try await resolveTeaching(
                teacher: teacher, subject: subject, classExternalID: classExternalID, organization: organization, in: store)
            let record = try await checkLesson(
                LessonInput(date: date, start: start, end: end, classID: classID, group: group, subject: subjectID, teacher: teacherID,
                            topic: topic, room: room, externalID: externalID),
                organization: organization, in: store)
            guard let existing = try await store.lesson(externalID: externalID, in: organization) else {
                let id = try await store.insertLesson(record, organization: organization, now: clock.now())
                try await audit(store, caller, .lessonCreated, organization: organization, target: ("lesson", "\(id)"),
                                details: Self.lessonDetails(record))
                return Upserted(
                    value: try await lessonViews([try await store.lesson(id, in: organization)!], organization: org, in: store)[0],
                    created: true, changed: true)
            }
            let changed = LessonRecord(existing) != record || existing.cancelled
            if changed {
                try await store.updateLesson(existing.id, record, now: clock.now())
                if existing.cancelled { try await store.setLessonsCancelled([existing.id], false, now: clock.now()) }
                try await audit(store, caller, .lessonUpdated, organization: organization, target: ("lesson", "\(existing.id)"),
                                details: Self.lessonDetails(record))
            }
            let now = try await store.lesson(existing.id, in: organization)!
            return Upserted(value: try await lessonViews([now], organization: org, in: store)[0], created: false, changed: changed)
        }
    }

    /// The school system cancels a lesson by its external id; cancelling again changes nothing.
    public func cancelLesson(_ caller: Caller, organization: OrganizationID, externalID: String) async throws -> Upserted<LessonView> {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard let lesson = try await store.lesson(externalID: externalID, in: organization) else {
                throw PartaError.notFound("The lesson with external id «\(externalID)»")
            }
            return try await setCancelled(caller, lesson, true, organization: org, in: store)
        }
    }

    // MARK: Reading

    /// Lessons of a span for the roster's readers (administrators, the school system), narrowed to
    /// a class or a teacher.
    public func lessons(
        _ caller: Caller, organization: OrganizationID, from: LocalDate? = nil, to: LocalDate? = nil, classID: ClassID? = nil,
        teacher: RosterPersonID? = nil
    ) async throws -> LessonList {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            let span = try span(from, to, organization: org)
            let found = try await store.lessons(of: organization, span: span, classes: classID.map { [$0] }, teacher: teacher)
            return LessonList(span: span, lessons: try await lessonViews(found, organization: org, in: store))
        }
    }

    public func lesson(_ caller: Caller, organization: OrganizationID, id: LessonID) async throws -> LessonView {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            guard let lesson = try await store.lesson(id, in: organization) else { throw PartaError.notFound("The lesson") }
            return try await lessonViews([lesson], organization: org, in: store)[0]
        }
    }

    /// A class's week (or span) for the school's staff: teachers plan with it, administrators run it.
    public func classTimetable(
        _ caller: Caller, organization: OrganizationID, classID: ClassID, from: LocalDate? = nil, to: LocalDate? = nil
    ) async throws -> LessonList {
        try await database.read { store in
            let org = try await rosterOrganization(organization, in: store)
            try await authorize(caller, .readClassTimetable(organization), in: store)
            let span = try span(from, to, organization: org)
            guard try await store.schoolClass(classID, in: organization) != nil else { throw PartaError.notFound("The class") }
            let found = try await store.lessons(of: organization, span: span, classes: [classID])
            return LessonList(span: span, lessons: try await lessonViews(found, organization: org, in: store))
        }
    }

    /// The caller's own timetable: the lessons they teach, their diary as a student, their
    /// children's as a parent (only children who stand in the school).
    public func personalTimetable(
        _ caller: Caller, organization: OrganizationID, from: LocalDate? = nil, to: LocalDate? = nil
    ) async throws -> PersonalTimetable {
        guard let account = caller.accountID else { throw PartaError.forbidden("Only people have a timetable of their own.") }
        return try await database.read { store in
            let org = try await rosterOrganization(organization, in: store)
            let roles = try await actorRoles(caller, in: store).roles(in: organization)
            guard !roles.isEmpty else { throw PartaError.forbidden("Only the organization's members see its timetable.") }
            let span = try span(from, to, organization: org)
            let mine = try await store.persons(linkedTo: account).filter { $0.organizationID == organization && $0.active }
            var teaching: [Lesson] = []
            for teacher in mine where teacher.role == .teacher {
                teaching += try await store.lessons(of: organization, span: span, teacher: teacher.id)
            }
            let own = Set(mine.filter { $0.role == .student }.map(\.id))
            var students = own
            for parent in mine where parent.role == .parent { students.formUnion(try await store.children(of: parent.id)) }
            var diaries = try await self.diaries(Array(students), organization: org, span: span, in: store)
            for index in diaries.indices { diaries[index].own = own.contains(diaries[index].student) }
            return PersonalTimetable(
                span: span, teaching: try await lessonViews(teaching, organization: org, in: store), diaries: diaries)
        }
    }

    /// The dates asked for: `from…to`, the week of `from`, or this week on the school's calendar.
    func span(_ from: LocalDate?, _ to: LocalDate?, organization: Organization) throws(PartaError) -> DateSpan {
        guard let from else {
            if to != nil { throw PartaError.invalid("invalid_query", "Give 'from' with 'to'.") }
            return DateSpan.week(of: today(of: organization))
        }
        return try DateSpan.check(from: from, to: to)
    }

    /// Students' lessons in a span: their class's on each date, a group's only for its students.
    func diaries(_ students: [RosterPersonID], organization: Organization, span: DateSpan, in store: Store) async throws -> [Diary] {
        guard !students.isEmpty else { return [] }
        let persons = try await store.persons(students, in: organization.id).values.filter { $0.active && $0.role == .student }
        let periods = try await store.enrollmentPeriods(of: persons.map(\.id))
        let groups = try await store.groupsOf(students: persons.map(\.id))
        let classes = Set(periods.values.flatMap { $0.map(\.classID) })
        let lessons = try await store.lessons(of: organization.id, span: span, classes: classes)
        let views = try await lessonViews(lessons, organization: organization, in: store)
        return persons.sorted { $0.name.full < $1.name.full }.map { student in
            let own = periods[student.id] ?? []
            let mine = groups[student.id] ?? []
            let sits = views.filter { view in
                let lesson = view.lesson
                let classOnDate = EnrollmentTimeline.classOn(lesson.date, periods: own)
                let groupStudents: Set<RosterPersonID> = mine.contains(ClassGroup(classID: lesson.classID, group: lesson.group)) ? [student.id] : []
                return lesson.isFor(student: student.id, classOnDate: classOnDate, groupStudents: groupStudents)
            }
            return Diary(student: student.id, studentName: student.name, own: false, lessons: sits)
        }
    }

    func lessonViews(_ lessons: [Lesson], organization: Organization, in store: Store) async throws -> [LessonView] {
        guard !lessons.isEmpty else { return [] }
        let teachers = try await store.persons(Array(Set(lessons.map(\.teacherID))), in: organization.id)
        let subjects = Dictionary(uniqueKeysWithValues: try await store.subjects(of: organization.id).map { ($0.id, $0) })
        let classes = Dictionary(uniqueKeysWithValues: try await store.classes(of: organization.id).map { ($0.id, $0) })
        let distance = try await store.distanceLessons(of: lessons.map(\.id))
        let now = clock.now()
        let zone = organization.profile.timeZone
        return lessons.compactMap { lesson in
            guard let subject = subjects[lesson.subjectID], let c = classes[lesson.classID], let teacher = teachers[lesson.teacherID] else { return nil }
            let window = lesson.window(timeZone: zone)
            return LessonView(
                lesson: lesson, subject: subject, schoolClass: c, teacherName: teacher.name, window: window,
                state: window.state(at: now), distanceLesson: distance[lesson.id])
        }
    }
}
