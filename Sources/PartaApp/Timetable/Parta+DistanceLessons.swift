import Foundation
public import PartaDomain
import PartaStore

/// A distance lesson with its lesson, as the diary and the lesson's page show it.
public struct DistanceLessonView: Sendable, Equatable {
    public var distanceLesson: DistanceLesson
    public var lesson: LessonView
}

/// Being let into a running distance lesson: how one takes part, until when.
public struct DistanceLessonEntry: Sendable, Equatable {
    public var view: DistanceLessonView
    public var entry: DistanceLessonRules.Entry
    /// The caller's way into the call's room; `nil` when the server has no media server.
    public var media: MediaGrant?
}

/// Distance lessons (SPEC §7): the lesson's teacher makes one of a timetable lesson; its
/// students, the teacher and the school's administrators enter while the lesson runs.
extension Parta {
    /// How the caller stands towards a lesson: its teacher, an administrator of the school, a
    /// student who sits it (their class on the lesson's date, their group for a group lesson).
    func standing(_ caller: Caller, towards lesson: Lesson, in store: Store) async throws -> LessonStanding {
        guard let account = caller.accountID else { return LessonStanding() }
        let roles = try await actorRoles(caller, in: store)
        let mine = try await store.persons(linkedTo: account).filter { $0.organizationID == lesson.organizationID && $0.active }
        var standing = LessonStanding(isAdministrator: roles.isAdministrator(of: lesson.organizationID))
        standing.isTeacher = mine.contains { $0.role == .teacher && $0.id == lesson.teacherID }
        let students = mine.filter { $0.role == .student }.map(\.id)
        if !students.isEmpty {
            let periods = try await store.enrollmentPeriods(of: students)
            let groupStudents = lesson.isGroup ? try await store.groupStudents(classID: lesson.classID, group: lesson.group) : []
            standing.isStudent = students.contains { student in
                let classOnDate = EnrollmentTimeline.classOn(lesson.date, periods: periods[student] ?? [])
                return lesson.isFor(student: student, classOnDate: classOnDate, groupStudents: groupStudents)
            }
        }
        return standing
    }

    /// The lesson of a distance lesson, checked to be in the organization; 404 for a stranger to
    /// it (someone who could never enter does not learn that it exists).
    func distanceLessonParts(
        _ caller: Caller, organization: OrganizationID, id: DistanceLessonID, in store: Store
    ) async throws -> (Organization, DistanceLesson, Lesson, LessonStanding) {
        let org = try await rosterOrganization(organization, in: store)
        guard let distance = try await store.distanceLesson(id, in: organization),
            let lesson = try await store.lesson(distance.lessonID, in: organization)
        else { throw PartaError.notFound("The distance lesson") }
        let standing = try await standing(caller, towards: lesson, in: store)
        guard standing.isInvolved else { throw PartaError.notFound("The distance lesson") }
        return (org, distance, lesson, standing)
    }

    func distanceLessonView(_ distance: DistanceLesson, _ lesson: Lesson, organization: Organization, in store: Store) async throws
        -> DistanceLessonView
    {
        guard let view = try await lessonViews([lesson], organization: organization, in: store).first else {
            throw PartaError.notFound("The lesson")
        }
        return DistanceLessonView(distanceLesson: distance, lesson: view)
    }

    /// The lesson's teacher makes a distance lesson of it, named by default after the subject
    /// and the start on the school's clock.
    public func createDistanceLesson(
        _ caller: Caller, organization: OrganizationID, lesson lessonID: LessonID, name: String? = nil
    ) async throws -> DistanceLessonView {
        guard let account = caller.accountID else { throw PartaError.forbidden("Only the lesson's teacher makes a distance lesson of it.") }
        return try await database.write { store in
            let org = try await rosterOrganization(organization, in: store)
            guard let lesson = try await store.lesson(lessonID, in: organization) else { throw PartaError.notFound("The lesson") }
            let standing = try await standing(caller, towards: lesson, in: store)
            guard standing.isInvolved else { throw PartaError.notFound("The lesson") }
            let window = lesson.window(timeZone: org.profile.timeZone)
            let exists = try await store.distanceLessons(of: [lesson.id])[lesson.id] != nil
            try DistanceLessonRules.checkCreate(standing, lesson: lesson, window: window, now: clock.now(), exists: exists)
            let finalName: String
            if let name {
                finalName = try DistanceLessonRules.checkName(name)
            } else {
                guard let subject = try await store.subject(lesson.subjectID, in: organization) else { throw PartaError.notFound("The subject") }
                finalName = DistanceLessonRules.defaultName(subject: subject.name, start: window.start, timeZone: org.profile.timeZone)
            }
            let created = try await store.insertDistanceLesson(
                organization: organization, lesson: lesson.id, name: finalName, createdBy: account, now: clock.now())
            try await audit(store, caller, .distanceLessonCreated, organization: organization, target: ("distance_lesson", "\(created.id)"),
                            details: ["lesson": "\(lesson.id)"])
            return try await distanceLessonView(created, lesson, organization: org, in: store)
        }
    }

    public func distanceLesson(_ caller: Caller, organization: OrganizationID, id: DistanceLessonID) async throws -> DistanceLessonView {
        try await database.read { store in
            let (org, distance, lesson, _) = try await distanceLessonParts(caller, organization: organization, id: id, in: store)
            return try await distanceLessonView(distance, lesson, organization: org, in: store)
        }
    }

    public func renameDistanceLesson(
        _ caller: Caller, organization: OrganizationID, id: DistanceLessonID, name: String
    ) async throws -> DistanceLessonView {
        try await database.write { store in
            let (org, distance, lesson, standing) = try await distanceLessonParts(caller, organization: organization, id: id, in: store)
            try DistanceLessonRules.checkManage(standing, deleting: false)
            let name = try DistanceLessonRules.checkName(name)
            var renamed = distance
            if name != distance.name {
                try await store.renameDistanceLesson(id, name: name)
                try await audit(store, caller, .distanceLessonRenamed, organization: organization, target: ("distance_lesson", "\(id)"),
                                details: ["lesson": "\(lesson.id)"])
                renamed.name = name
            }
            return try await distanceLessonView(renamed, lesson, organization: org, in: store)
        }
    }

    /// The teacher or an administrator takes a distance lesson back; the lesson stays.
    public func deleteDistanceLesson(_ caller: Caller, organization: OrganizationID, id: DistanceLessonID) async throws {
        try await database.write { store in
            let (_, _, lesson, standing) = try await distanceLessonParts(caller, organization: organization, id: id, in: store)
            try DistanceLessonRules.checkManage(standing, deleting: true)
            try await store.deleteDistanceLesson(id)
            try await audit(store, caller, .distanceLessonDeleted, organization: organization, target: ("distance_lesson", "\(id)"),
                            details: ["lesson": "\(lesson.id)"])
        }
    }

    /// Opening a distance lesson: admitted while the lesson runs — as its host, a student or an
    /// observer — or told it has not started (with the start) or has ended.
    public func enterDistanceLesson(_ caller: Caller, organization: OrganizationID, id: DistanceLessonID) async throws -> DistanceLessonEntry {
        if let account = caller.accountID { try checkRate(.calls, account.rawValue) }
        var admitted: DistanceLessonEntry = try await database.read { store in
            let (org, distance, lesson, standing) = try await distanceLessonParts(caller, organization: organization, id: id, in: store)
            let window = lesson.window(timeZone: org.profile.timeZone)
            let entry = try DistanceLessonRules.entry(standing, lesson: lesson, window: window, now: clock.now())
            return DistanceLessonEntry(view: try await distanceLessonView(distance, lesson, organization: org, in: store), entry: entry)
        }
        if let account = caller.accountID {
            try admit(.calls, account.rawValue)
            admitted.media = try await joinDistanceLessonCall(
                account, distance: admitted.view.distanceLesson, lesson: admitted.view.lesson.lesson, entry: admitted.entry,
                name: admitted.view.distanceLesson.name)
        }
        return admitted
    }
}
