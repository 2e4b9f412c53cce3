import Foundation
import Hummingbird
import PartaApp
import PartaDomain

/// The timetable and distance lessons: lessons kept by administrators (and the school system,
/// see `IntegrationRoutes`), a class's week for the staff, everyone's own week (what they teach,
/// their diary, their children's), and distance lessons made of lessons.
struct TimetableRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        let org = api.group("organizations/{id}")
        org.get("lessons", use: lessons)
        org.post("lessons", use: createLesson)
        org.get("lessons/{lesson_id}", use: lesson)
        org.put("lessons/{lesson_id}", use: updateLesson)
        org.delete("lessons/{lesson_id}", use: deleteLesson)
        org.post("lessons/{lesson_id}/cancel", use: cancelLesson)
        org.post("lessons/{lesson_id}/restore", use: restoreLesson)
        org.post("lessons/{lesson_id}/distance-lesson", use: createDistanceLesson)
        org.get("classes/{class_id}/timetable", use: classTimetable)
        org.get("timetable", use: personalTimetable)
        org.get("distance-lessons/{distance_lesson_id}", use: distanceLesson)
        org.patch("distance-lessons/{distance_lesson_id}", use: renameDistanceLesson)
        org.delete("distance-lessons/{distance_lesson_id}", use: deleteDistanceLesson)
        org.post("distance-lessons/{distance_lesson_id}/enter", use: enterDistanceLesson)
        org.post("distance-lessons/{distance_lesson_id}/leave", use: leaveDistanceLesson)
    }

    func organization(_ context: PartaRequestContext) throws -> OrganizationID {
        try context.id("id", OrganizationID.self, what: "The organization")
    }

    func lessonID(_ context: PartaRequestContext) throws -> LessonID {
        try context.id("lesson_id", LessonID.self, what: "The lesson")
    }

    func distanceLessonID(_ context: PartaRequestContext) throws -> DistanceLessonID {
        try context.id("distance_lesson_id", DistanceLessonID.self, what: "The distance lesson")
    }

    // MARK: Lessons

    /// GET /api/v1/organizations/{id}/lessons?from=&to=&class_id=&teacher_id=
    @Sendable func lessons(_ request: Request, context: PartaRequestContext) async throws -> LessonListDTO {
        let list = try await parta.lessons(
            try context.caller(), organization: try organization(context), from: try request.queryDate("from"),
            to: try request.queryDate("to"), classID: try request.queryID("class_id", ClassID.self),
            teacher: try request.queryID("teacher_id", RosterPersonID.self))
        return LessonListDTO(from: list.span.from, to: list.span.to, items: list.lessons.map { LessonDTO($0, roster: true) })
    }

    struct LessonBody: Decodable {
        var date: LocalDate
        var start: String
        var end: String
        var classId: ClassID
        var group: String?
        var subjectId: SubjectID
        var teacherId: RosterPersonID
        var topic: String?
        var room: String?
        var externalId: String?

        // Not inlined: see `Request.pageRequest()` (typed throws in an async handler).
        @inline(never)
        func input() throws -> LessonInput {
            LessonInput(
                date: date, start: try LocalTime.parse(start, field: "start"), end: try LocalTime.parse(end, field: "end"),
                classID: classId, group: group ?? "", subject: subjectId, teacher: teacherId, topic: topic ?? "", room: room ?? "",
                externalID: externalId)
        }
    }

    /// POST /api/v1/organizations/{id}/lessons
    @Sendable func createLesson(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<LessonDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(LessonBody.self, context: context)
        let view = try await parta.createLesson(caller, organization: try organization(context), try body.input())
        return EditedResponse(status: .created, response: LessonDTO(view, roster: true))
    }

    /// GET /api/v1/organizations/{id}/lessons/{lesson_id}
    @Sendable func lesson(_ request: Request, context: PartaRequestContext) async throws -> LessonDTO {
        LessonDTO(try await parta.lesson(try context.caller(), organization: try organization(context), id: try lessonID(context)), roster: true)
    }

    /// PUT /api/v1/organizations/{id}/lessons/{lesson_id} — the whole lesson, as in POST.
    @Sendable func updateLesson(_ request: Request, context: PartaRequestContext) async throws -> LessonDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(LessonBody.self, context: context)
        let view = try await parta.updateLesson(caller, organization: try organization(context), id: try lessonID(context), try body.input())
        return LessonDTO(view, roster: true)
    }

    /// DELETE /api/v1/organizations/{id}/lessons/{lesson_id}
    @Sendable func deleteLesson(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deleteLesson(try context.caller(), organization: try organization(context), id: try lessonID(context))
        return .noContent
    }

    /// POST /api/v1/organizations/{id}/lessons/{lesson_id}/cancel
    @Sendable func cancelLesson(_ request: Request, context: PartaRequestContext) async throws -> LessonDTO {
        LessonDTO(try await parta.setLessonCancelled(
            try context.caller(), organization: try organization(context), id: try lessonID(context), cancelled: true), roster: true)
    }

    /// POST /api/v1/organizations/{id}/lessons/{lesson_id}/restore
    @Sendable func restoreLesson(_ request: Request, context: PartaRequestContext) async throws -> LessonDTO {
        LessonDTO(try await parta.setLessonCancelled(
            try context.caller(), organization: try organization(context), id: try lessonID(context), cancelled: false), roster: true)
    }

    // MARK: Weeks

    /// GET /api/v1/organizations/{id}/classes/{class_id}/timetable?from=&to= — for the school's staff.
    @Sendable func classTimetable(_ request: Request, context: PartaRequestContext) async throws -> LessonListDTO {
        let list = try await parta.classTimetable(
            try context.caller(), organization: try organization(context), classID: try context.id("class_id", ClassID.self, what: "The class"),
            from: try request.queryDate("from"), to: try request.queryDate("to"))
        return LessonListDTO(from: list.span.from, to: list.span.to, items: list.lessons.map { LessonDTO($0) })
    }

    /// GET /api/v1/organizations/{id}/timetable?from=&to= — the caller's lessons and diaries.
    @Sendable func personalTimetable(_ request: Request, context: PartaRequestContext) async throws -> PersonalTimetableDTO {
        PersonalTimetableDTO(try await parta.personalTimetable(
            try context.caller(), organization: try organization(context), from: try request.queryDate("from"), to: try request.queryDate("to")))
    }

    // MARK: Distance lessons

    struct DistanceLessonBody: Decodable {
        var name: String?
    }

    /// POST /api/v1/organizations/{id}/lessons/{lesson_id}/distance-lesson — the lesson's teacher; `name` optional.
    @Sendable func createDistanceLesson(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<DistanceLessonDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(DistanceLessonBody.self, context: context, emptyAs: DistanceLessonBody(name: nil))
        let view = try await parta.createDistanceLesson(caller, organization: try organization(context), lesson: try lessonID(context), name: body.name)
        return EditedResponse(status: .created, response: DistanceLessonDTO(view))
    }

    /// GET /api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}
    @Sendable func distanceLesson(_ request: Request, context: PartaRequestContext) async throws -> DistanceLessonDTO {
        DistanceLessonDTO(try await parta.distanceLesson(
            try context.caller(), organization: try organization(context), id: try distanceLessonID(context)))
    }

    /// PATCH /api/v1/organizations/{id}/distance-lessons/{distance_lesson_id} — `{name}`.
    @Sendable func renameDistanceLesson(_ request: Request, context: PartaRequestContext) async throws -> DistanceLessonDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(DistanceLessonBody.self, context: context)
        return DistanceLessonDTO(try await parta.renameDistanceLesson(
            caller, organization: try organization(context), id: try distanceLessonID(context), name: body.name ?? ""))
    }

    /// DELETE /api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}
    @Sendable func deleteDistanceLesson(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deleteDistanceLesson(try context.caller(), organization: try organization(context), id: try distanceLessonID(context))
        return .noContent
    }

    /// POST /api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}/enter — while the
    /// lesson runs; 409 `lesson_not_started` (with `starts_at`) before, 410 `lesson_ended` after.
    @Sendable func enterDistanceLesson(_ request: Request, context: PartaRequestContext) async throws -> DistanceLessonEntryDTO {
        DistanceLessonEntryDTO(try await parta.enterDistanceLesson(
            try context.caller(), organization: try organization(context), id: try distanceLessonID(context)))
    }

    /// POST /api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}/leave — the caller's
    /// media token is withdrawn; leaving when not in the call changes nothing.
    @Sendable func leaveDistanceLesson(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.leaveDistanceLesson(try context.caller(), organization: try organization(context), id: try distanceLessonID(context))
        return .noContent
    }
}
