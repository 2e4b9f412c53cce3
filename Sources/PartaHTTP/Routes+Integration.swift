import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import PartaApp
import PartaDomain

/// The school information system's API: authenticated by an organization's API key
/// (`Authorization: Bearer pk_…`), every call scoped to that organization, every write an
/// idempotent upsert by the system's own external ids (201 when created, 200 otherwise).
struct IntegrationRoutes {
    let parta: Parta
    let links: LinkBuilder

    func register(on api: RouterGroup<PartaRequestContext>) {
        let integration = api.group("integration")
        integration.put("persons/{external_id}", use: putPerson)
        integration.put("subjects/{external_id}", use: putSubject)
        integration.put("classes/{external_id}", use: putClass)
        integration.put("assignments/{external_id}", use: putAssignment)
        integration.put("guardianships", use: putGuardianship)
        integration.delete("guardianships", use: deleteGuardianship)
        integration.put("orders/{external_id}", use: putOrder)
        integration.post("orders/{external_id}/cancel", use: cancelOrder)
        integration.post("persons/{external_id}/link-codes", use: createLinkCode)
        integration.put("lessons/{external_id}", use: putLesson)
        integration.post("lessons/{external_id}/cancel", use: cancelLesson)
    }

    /// The integration caller and its organization, or 401.
    func caller(_ request: Request, _ context: PartaRequestContext) async throws -> (Caller, OrganizationID) {
        guard let key = request.headers.bearer?.token,
            let caller = try await parta.authenticateAPIKey(key, clientAddress: context.clientAddress),
            case .integration(let organization, _, _) = caller.identity
        else {
            throw PartaError(.unauthorized, code: "unauthorized", message: "Send the organization's API key as 'Authorization: Bearer pk_…'.")
        }
        return (caller, organization)
    }

    func externalID(_ context: PartaRequestContext) throws -> String {
        guard let raw = context.parameters.get("external_id"), let id = raw.removingPercentEncoding, !id.isEmpty else {
            throw PartaError.invalid("invalid_external_id", "The external id is required.")
        }
        return id
    }

    func answer<T: ResponseEncodable>(_ value: T, created: Bool) -> EditedResponse<T> {
        EditedResponse(status: created ? .created : .ok, response: value)
    }

    struct PersonBody: Decodable {
        var role: RosterRole
        var surname: String
        var givenName: String
        var patronymic: String?
        var gender: Gender?
        var birthDate: LocalDate?
        /// Left out: the person's stays as it is.
        var position: String?
        var parentsCommittee: Bool?
        var studentCouncil: Bool?
    }

    /// PUT /api/v1/integration/persons/{external_id}
    @Sendable func putPerson(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<PersonDetailsDTO> {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(PersonBody.self, context: context)
        let result = try await parta.upsertPerson(
            caller, organization: organization, externalID: try externalID(context),
            PersonInput(role: body.role, surname: body.surname, givenName: body.givenName, patronymic: body.patronymic ?? "",
                        gender: body.gender ?? .unspecified, birthDate: body.birthDate, position: body.position,
                        parentsCommittee: body.parentsCommittee, studentCouncil: body.studentCouncil))
        return answer(PersonDetailsDTO(result.value), created: result.created)
    }

    struct SubjectBody: Decodable {
        var name: String
    }

    /// PUT /api/v1/integration/subjects/{external_id}
    @Sendable func putSubject(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<SubjectDTO> {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(SubjectBody.self, context: context)
        let result = try await parta.upsertSubject(caller, organization: organization, externalID: try externalID(context), name: body.name)
        return answer(SubjectDTO(result.value), created: result.created)
    }

    struct ClassBody: Decodable {
        var schoolYear: String
        var name: String
        var homeroomTeacher: String?
    }

    /// PUT /api/v1/integration/classes/{external_id} — `school_year` like 2025/2026 (created if new),
    /// `name` like 10А, `homeroom_teacher` an external id.
    @Sendable func putClass(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<ClassDTO> {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(ClassBody.self, context: context)
        let result = try await parta.upsertClass(
            caller, organization: organization, externalID: try externalID(context), schoolYear: body.schoolYear,
            label: try ClassLabel.parse(body.name), homeroomTeacherExternalID: body.homeroomTeacher)
        return answer(ClassDTO(result.value), created: result.created)
    }

    struct AssignmentBody: Decodable {
        var teacher: String
        var subject: String
        var `class`: String
        var group: String?
        var students: [String]?
    }

    /// PUT /api/v1/integration/assignments/{external_id} — parts named by external ids.
    @Sendable func putAssignment(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<AssignmentDTO> {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(AssignmentBody.self, context: context)
        let result = try await parta.upsertAssignment(
            caller, organization: organization, externalID: try externalID(context), teacher: body.teacher, subject: body.subject,
            classExternalID: body.class, group: body.group ?? "", students: body.students ?? [])
        return answer(AssignmentDTO(result.value), created: result.created)
    }

    struct GuardianshipBody: Decodable {
        var parent: String
        var student: String
    }

    /// PUT /api/v1/integration/guardianships — `{parent, student}` external ids.
    @Sendable func putGuardianship(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(GuardianshipBody.self, context: context)
        try await parta.putGuardianship(caller, organization: organization, parent: body.parent, student: body.student)
        return .noContent
    }

    /// DELETE /api/v1/integration/guardianships?parent=&student=
    @Sendable func deleteGuardianship(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let (caller, organization) = try await caller(request, context)
        guard let parent = request.queryString("parent"), let student = request.queryString("student") else {
            throw PartaError.invalid("invalid_query", "Give parent and student external ids.")
        }
        try await parta.deleteGuardianship(caller, organization: organization, parent: parent, student: student)
        return .noContent
    }

    struct OrderBody: Decodable {
        var kind: MovementOrder.Kind
        var student: String
        var `class`: String
        var effectiveDate: LocalDate
    }

    /// PUT /api/v1/integration/orders/{external_id} — the same order again is a no-op; other
    /// contents under an existing id are a conflict.
    @Sendable func putOrder(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<OrderDTO> {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(OrderBody.self, context: context)
        let result = try await parta.putOrder(
            caller, organization: organization, externalID: try externalID(context), student: body.student, kind: body.kind,
            classExternalID: body.class, date: body.effectiveDate)
        return answer(OrderDTO(result.value), created: result.created)
    }

    /// POST /api/v1/integration/orders/{external_id}/cancel — cancelling again changes nothing.
    @Sendable func cancelOrder(_ request: Request, context: PartaRequestContext) async throws -> OrderDTO {
        let (caller, organization) = try await caller(request, context)
        return OrderDTO(try await parta.cancelOrder(caller, organization: organization, externalID: try externalID(context)).value)
    }

    /// POST /api/v1/integration/persons/{external_id}/link-codes — for the school system to show the person.
    @Sendable func createLinkCode(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<LinkCodeDTO> {
        let (caller, organization) = try await caller(request, context)
        let base = try links.base(for: request)
        let issued = try await parta.createLinkCode(caller, organization: organization, personExternalID: try externalID(context))
        return EditedResponse(status: .created, response: try links.dto(issued, base: base))
    }

    struct LessonBody: Decodable {
        var date: LocalDate
        var start: String
        var end: String
        var `class`: String
        var group: String?
        var subject: String
        var teacher: String
        var topic: String?
        var room: String?

        // Not inlined: see `Request.pageRequest()` (typed throws in an async handler).
        @inline(never)
        func times() throws -> (LocalTime, LocalTime) {
            (try LocalTime.parse(start, field: "start"), try LocalTime.parse(end, field: "end"))
        }
    }

    /// PUT /api/v1/integration/lessons/{external_id} — class, subject and teacher by external ids;
    /// sending a cancelled lesson again restores it.
    @Sendable func putLesson(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<LessonDTO> {
        let (caller, organization) = try await caller(request, context)
        let body = try await request.decodeJSON(LessonBody.self, context: context)
        let (start, end) = try body.times()
        let result = try await parta.upsertLesson(
            caller, organization: organization, externalID: try externalID(context), classExternalID: body.class, subject: body.subject,
            teacher: body.teacher, group: body.group ?? "", date: body.date, start: start, end: end, topic: body.topic ?? "",
            room: body.room ?? "")
        return answer(LessonDTO(result.value, roster: true), created: result.created)
    }

    /// POST /api/v1/integration/lessons/{external_id}/cancel — cancelling again changes nothing.
    @Sendable func cancelLesson(_ request: Request, context: PartaRequestContext) async throws -> LessonDTO {
        let (caller, organization) = try await caller(request, context)
        return LessonDTO(try await parta.cancelLesson(caller, organization: organization, externalID: try externalID(context)).value, roster: true)
    }
}
