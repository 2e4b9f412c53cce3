import Foundation
import Hummingbird
import Logging
import PartaApp
import PartaDomain
import PartaQR
import PartaStore

/// The roster of one organization, for its administrators: school years, subjects, classes,
/// people, guardianships, teaching assignments, movement orders, link codes and API keys.
struct RosterRoutes {
    let parta: Parta
    let links: LinkBuilder

    func register(on api: RouterGroup<PartaRequestContext>) {
        let org = api.group("organizations/{id}")
        org.get("school-years", use: schoolYears)
        org.post("school-years", use: createSchoolYear)
        org.patch("school-years/{year_id}", use: updateSchoolYear)
        org.get("subjects", use: subjects)
        org.post("subjects", use: createSubject)
        org.patch("subjects/{subject_id}", use: updateSubject)
        org.delete("subjects/{subject_id}", use: deleteSubject)
        org.get("classes", use: classes)
        org.post("classes", use: createClass)
        org.get("classes/{class_id}", use: schoolClass)
        org.patch("classes/{class_id}", use: updateClass)
        org.delete("classes/{class_id}", use: deleteClass)
        org.get("classes/{class_id}/students", use: students)
        org.get("persons", use: persons)
        org.post("persons", use: createPerson)
        org.get("persons/{person_id}", use: person)
        org.patch("persons/{person_id}", use: updatePerson)
        org.delete("persons/{person_id}", use: deletePerson)
        org.post("persons/{person_id}/children", use: addChild)
        org.delete("persons/{person_id}/children/{student_id}", use: removeChild)
        org.post("persons/{person_id}/link-codes", use: createLinkCode)
        org.post("classes/{class_id}/link-code-cards", use: createClassCards)
        org.get("assignments", use: assignments)
        org.post("assignments", use: createAssignment)
        org.patch("assignments/{assignment_id}", use: updateAssignment)
        org.delete("assignments/{assignment_id}", use: deleteAssignment)
        org.get("orders", use: orders)
        org.post("orders", use: createOrder)
        org.post("orders/{order_id}/cancel", use: cancelOrder)
        org.get("api-keys", use: apiKeys)
        org.post("api-keys", use: createAPIKey)
        org.delete("api-keys/{key_id}", use: revokeAPIKey)
    }

    func organization(_ context: PartaRequestContext) throws -> OrganizationID {
        try context.id("id", OrganizationID.self, what: "The organization")
    }

    // MARK: School years

    /// GET /api/v1/organizations/{id}/school-years
    @Sendable func schoolYears(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<SchoolYearDTO> {
        ListDTO(items: try await parta.schoolYears(try context.caller(), organization: try organization(context)).map(SchoolYearDTO.init))
    }

    struct NewSchoolYear: Decodable {
        var name: String
        var startDate: LocalDate?
        var endDate: LocalDate?
    }

    /// POST /api/v1/organizations/{id}/school-years
    @Sendable func createSchoolYear(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<SchoolYearDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(NewSchoolYear.self, context: context)
        let year = try await parta.createSchoolYear(
            caller, organization: try organization(context), name: body.name, start: body.startDate, end: body.endDate)
        return EditedResponse(status: .created, response: SchoolYearDTO(year))
    }

    struct SchoolYearDates: Decodable {
        var startDate: LocalDate
        var endDate: LocalDate
    }

    /// PATCH /api/v1/organizations/{id}/school-years/{year_id}
    @Sendable func updateSchoolYear(_ request: Request, context: PartaRequestContext) async throws -> SchoolYearDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(SchoolYearDates.self, context: context)
        let year = try await parta.updateSchoolYear(
            caller, organization: try organization(context), id: try context.id("year_id", SchoolYearID.self, what: "The school year"),
            start: body.startDate, end: body.endDate)
        return SchoolYearDTO(year)
    }

    // MARK: Subjects

    /// GET /api/v1/organizations/{id}/subjects
    @Sendable func subjects(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<SubjectDTO> {
        ListDTO(items: try await parta.subjects(try context.caller(), organization: try organization(context)).map(SubjectDTO.init))
    }

    struct SubjectBody: Decodable {
        var name: String?
        var externalId: String?
    }

    /// POST /api/v1/organizations/{id}/subjects
    @Sendable func createSubject(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<SubjectDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(SubjectBody.self, context: context)
        let subject = try await parta.createSubject(
            caller, organization: try organization(context), name: body.name ?? "", externalID: body.externalId)
        return EditedResponse(status: .created, response: SubjectDTO(subject))
    }

    /// PATCH /api/v1/organizations/{id}/subjects/{subject_id}
    @Sendable func updateSubject(_ request: Request, context: PartaRequestContext) async throws -> SubjectDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(SubjectBody.self, context: context)
        return SubjectDTO(try await parta.updateSubject(
            caller, organization: try organization(context), id: try context.id("subject_id", SubjectID.self, what: "The subject"),
            name: body.name, externalID: body.externalId.map { .some($0) }))
    }

    /// DELETE /api/v1/organizations/{id}/subjects/{subject_id}
    @Sendable func deleteSubject(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deleteSubject(
            try context.caller(), organization: try organization(context), id: try context.id("subject_id", SubjectID.self, what: "The subject"))
        return .noContent
    }

    // MARK: Classes

    /// GET /api/v1/organizations/{id}/classes — filter by `school_year_id`, `grade`; sizes on `date`.
    @Sendable func classes(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<ClassDTO> {
        let found = try await parta.classes(
            try context.caller(), organization: try organization(context),
            schoolYear: try request.queryID("school_year_id", SchoolYearID.self), grade: try request.queryInt("grade"),
            on: try request.queryDate("date"))
        return ListDTO(items: found.map(ClassDTO.init))
    }

    struct NewClass: Decodable {
        var schoolYearId: SchoolYearID
        /// `10А`, or `grade` and `letter`.
        var name: String?
        var grade: Int?
        var letter: String?
        var homeroomTeacherId: RosterPersonID?
        var externalId: String?

        func label() throws -> ClassLabel {
            if let name { return try ClassLabel.parse(name) }
            guard let grade else { throw PartaError.invalid("invalid_class", "Give the class as name (10А) or grade and letter.") }
            return try ClassLabel.make(grade: grade, letter: letter ?? "")
        }
    }

    /// POST /api/v1/organizations/{id}/classes
    @Sendable func createClass(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<ClassDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(NewClass.self, context: context)
        let created = try await parta.createClass(
            caller, organization: try organization(context), schoolYear: body.schoolYearId, label: try body.label(),
            homeroomTeacher: body.homeroomTeacherId, externalID: body.externalId)
        return EditedResponse(status: .created, response: ClassDTO(created))
    }

    /// GET /api/v1/organizations/{id}/classes/{class_id}
    @Sendable func schoolClass(_ request: Request, context: PartaRequestContext) async throws -> ClassDTO {
        ClassDTO(try await parta.schoolClass(
            try context.caller(), organization: try organization(context), id: try context.id("class_id", ClassID.self, what: "The class"),
            on: try request.queryDate("date")))
    }

    struct ClassPatch: Decodable {
        var name: String?
        var homeroomTeacherId: Nullable<RosterPersonID>?
        var externalId: Nullable<String>?

        enum CodingKeys: String, CodingKey { case name, homeroomTeacherId, externalId }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            homeroomTeacherId = try c.nullable(.homeroomTeacherId)
            externalId = try c.nullable(.externalId)
        }
    }

    /// PATCH /api/v1/organizations/{id}/classes/{class_id} — `homeroom_teacher_id: null` removes the homeroom teacher.
    @Sendable func updateClass(_ request: Request, context: PartaRequestContext) async throws -> ClassDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(ClassPatch.self, context: context)
        return ClassDTO(try await parta.updateClass(
            caller, organization: try organization(context), id: try context.id("class_id", ClassID.self, what: "The class"),
            label: try body.name.map { name throws(PartaError) in try ClassLabel.parse(name) },
            homeroomTeacher: body.homeroomTeacherId.map(\.value), externalID: body.externalId.map(\.value)))
    }

    /// DELETE /api/v1/organizations/{id}/classes/{class_id}
    @Sendable func deleteClass(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deleteClass(
            try context.caller(), organization: try organization(context), id: try context.id("class_id", ClassID.self, what: "The class"))
        return .noContent
    }

    /// GET /api/v1/organizations/{id}/classes/{class_id}/students — enrolled on `date` (today by default).
    @Sendable func students(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<RosterPersonDTO> {
        let found = try await parta.students(
            try context.caller(), organization: try organization(context), classID: try context.id("class_id", ClassID.self, what: "The class"),
            on: try request.queryDate("date"))
        return ListDTO(items: found.map(RosterPersonDTO.init))
    }

    // MARK: People

    /// GET /api/v1/organizations/{id}/persons — filter by `role`, `class_id` (on `date`), `q`, `active`, `linked`.
    @Sendable func persons(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<RosterPersonDTO> {
        var filter = PersonFilter(
            classID: try request.queryID("class_id", ClassID.self), date: try request.queryDate("date"),
            words: SearchText.words(request.queryString("q") ?? ""), active: try request.queryBool("active"),
            linked: try request.queryBool("linked"))
        if let role = request.queryString("role") {
            guard let parsed = RosterRole(rawValue: role) else {
                throw PartaError.invalid("invalid_query", "role is one of student, parent, teacher, employee.")
            }
            filter.role = parsed
        }
        let page = try await parta.persons(try context.caller(), organization: try organization(context), filter: filter, page: try request.pageRequest())
        return PageDTO(page, RosterPersonDTO.init)
    }

    struct PersonBody: Decodable {
        var role: RosterRole?
        var surname: String?
        var givenName: String?
        var patronymic: String?
        var gender: Gender?
        var birthDate: Nullable<LocalDate>?
        var externalId: Nullable<String>?
        var active: Bool?
        var position: String?
        var parentsCommittee: Bool?
        var studentCouncil: Bool?

        enum CodingKeys: String, CodingKey {
            case role, surname, givenName, patronymic, gender, birthDate, externalId, active, position, parentsCommittee, studentCouncil
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            role = try c.decodeIfPresent(RosterRole.self, forKey: .role)
            surname = try c.decodeIfPresent(String.self, forKey: .surname)
            givenName = try c.decodeIfPresent(String.self, forKey: .givenName)
            patronymic = try c.decodeIfPresent(String.self, forKey: .patronymic)
            gender = try c.decodeIfPresent(Gender.self, forKey: .gender)
            birthDate = try c.nullable(.birthDate)
            externalId = try c.nullable(.externalId)
            active = try c.decodeIfPresent(Bool.self, forKey: .active)
            position = try c.decodeIfPresent(String.self, forKey: .position)
            parentsCommittee = try c.decodeIfPresent(Bool.self, forKey: .parentsCommittee)
            studentCouncil = try c.decodeIfPresent(Bool.self, forKey: .studentCouncil)
        }
    }

    /// POST /api/v1/organizations/{id}/persons
    @Sendable func createPerson(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<PersonDetailsDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(PersonBody.self, context: context)
        guard let role = body.role else { throw PartaError.invalid("invalid_body", "The field 'role' is required.") }
        let input = PersonInput(
            role: role, surname: body.surname ?? "", givenName: body.givenName ?? "", patronymic: body.patronymic ?? "",
            gender: body.gender ?? .unspecified, birthDate: body.birthDate?.value, externalID: body.externalId?.value,
            position: body.position, parentsCommittee: body.parentsCommittee, studentCouncil: body.studentCouncil)
        let created = try await parta.createPerson(caller, organization: try organization(context), input)
        return EditedResponse(status: .created, response: PersonDetailsDTO(created))
    }

    /// GET /api/v1/organizations/{id}/persons/{person_id}
    @Sendable func person(_ request: Request, context: PartaRequestContext) async throws -> PersonDetailsDTO {
        PersonDetailsDTO(try await parta.person(
            try context.caller(), organization: try organization(context), id: try context.id("person_id", RosterPersonID.self, what: "The person")))
    }

    /// PATCH /api/v1/organizations/{id}/persons/{person_id}
    @Sendable func updatePerson(_ request: Request, context: PartaRequestContext) async throws -> PersonDetailsDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(PersonBody.self, context: context)
        let patch = PersonPatch(
            role: body.role, surname: body.surname, givenName: body.givenName, patronymic: body.patronymic, gender: body.gender,
            birthDate: body.birthDate.map(\.value), externalID: body.externalId.map(\.value), active: body.active, position: body.position,
            parentsCommittee: body.parentsCommittee, studentCouncil: body.studentCouncil)
        return PersonDetailsDTO(try await parta.updatePerson(
            caller, organization: try organization(context), id: try context.id("person_id", RosterPersonID.self, what: "The person"), patch))
    }

    /// DELETE /api/v1/organizations/{id}/persons/{person_id} — only without history (else mark inactive).
    @Sendable func deletePerson(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deletePerson(
            try context.caller(), organization: try organization(context), id: try context.id("person_id", RosterPersonID.self, what: "The person"))
        return .noContent
    }

    struct Child: Decodable {
        var studentId: RosterPersonID
    }

    /// POST /api/v1/organizations/{id}/persons/{person_id}/children — link a parent to a child.
    @Sendable func addChild(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.caller()
        let body = try await request.decodeJSON(Child.self, context: context)
        try await parta.addGuardianship(
            caller, organization: try organization(context), parent: try context.id("person_id", RosterPersonID.self, what: "The parent"),
            student: body.studentId)
        return .noContent
    }

    /// DELETE /api/v1/organizations/{id}/persons/{person_id}/children/{student_id}
    @Sendable func removeChild(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.removeGuardianship(
            try context.caller(), organization: try organization(context),
            parent: try context.id("person_id", RosterPersonID.self, what: "The parent"),
            student: try context.id("student_id", RosterPersonID.self, what: "The student"))
        return .noContent
    }

    struct ClassCards: ResponseCodable {
        struct Card: Codable, Sendable {
            struct Person: Codable, Sendable {
                var id: RosterPersonID
                var fullName: String
                var role: RosterRole
            }
            var person: Person
            /// A parent's children in the class.
            var children: [String]
            var code: String
            /// The code as printed for typing: `K7QM-4XPD-2R9A`.
            var displayCode: String
            var url: String
            var qrPngBase64: String
        }
        var className: String
        var expiresAt: Date?
        /// Where a code is typed by someone who cannot scan it (`/link`).
        var enterUrl: String
        var cards: [Card]
    }

    /// POST /api/v1/organizations/{id}/classes/{class_id}/link-code-cards — link codes for every
    /// unlinked student and parent of the class, with QR codes, to print as cards.
    @Sendable func createClassCards(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<ClassCards> {
        let caller = try context.caller()
        let base = try links.base(for: request)
        let issued = try await parta.createClassLinkCards(
            caller, organization: try organization(context), class: try context.id("class_id", ClassID.self, what: "The class"))
        let cards = try issued.cards.map { card in
            let url = card.code.url(base: base)
            return ClassCards.Card(
                person: .init(id: card.code.person.id, fullName: card.code.person.name.full, role: card.code.person.role),
                children: card.children.map(\.full), code: card.code.code, displayCode: card.code.display, url: url,
                qrPngBase64: try LinkBuilder.qr(url).pngBase64)
        }
        return EditedResponse(status: .created, response: ClassCards(
            className: issued.schoolClass.name, expiresAt: issued.cards.first?.code.expiresAt,
            enterUrl: Secrets.link(base: base, path: "/link"), cards: cards))
    }

    /// POST /api/v1/organizations/{id}/persons/{person_id}/link-codes — a one-time code (24 hours) with its QR code.
    @Sendable func createLinkCode(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<LinkCodeDTO> {
        let base = try links.base(for: request)
        let issued = try await parta.createLinkCode(
            try context.caller(), organization: try organization(context),
            person: try context.id("person_id", RosterPersonID.self, what: "The person"))
        return EditedResponse(status: .created, response: try links.dto(issued, base: base))
    }

    // MARK: Teaching assignments

    /// GET /api/v1/organizations/{id}/assignments — filter by `class_id`, `teacher_id`, `subject_id`.
    @Sendable func assignments(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<AssignmentDTO> {
        let found = try await parta.assignments(
            try context.caller(), organization: try organization(context), classID: try request.queryID("class_id", ClassID.self),
            teacher: try request.queryID("teacher_id", RosterPersonID.self), subject: try request.queryID("subject_id", SubjectID.self))
        return ListDTO(items: found.map(AssignmentDTO.init))
    }

    struct AssignmentBody: Decodable {
        var teacherId: RosterPersonID
        var subjectId: SubjectID
        var classId: ClassID
        var group: String?
        var studentIds: [RosterPersonID]?
        var externalId: String?

        var input: AssignmentInput {
            AssignmentInput(
                teacher: teacherId, subject: subjectId, classID: classId, group: group ?? "", students: studentIds ?? [],
                externalID: externalId)
        }
    }

    /// POST /api/v1/organizations/{id}/assignments
    @Sendable func createAssignment(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<AssignmentDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(AssignmentBody.self, context: context)
        let created = try await parta.createAssignment(caller, organization: try organization(context), body.input)
        return EditedResponse(status: .created, response: AssignmentDTO(created))
    }

    /// PATCH /api/v1/organizations/{id}/assignments/{assignment_id} — the whole assignment, replaced.
    @Sendable func updateAssignment(_ request: Request, context: PartaRequestContext) async throws -> AssignmentDTO {
        let caller = try context.caller()
        let body = try await request.decodeJSON(AssignmentBody.self, context: context)
        return AssignmentDTO(try await parta.updateAssignment(
            caller, organization: try organization(context),
            id: try context.id("assignment_id", AssignmentID.self, what: "The assignment"), body.input))
    }

    /// DELETE /api/v1/organizations/{id}/assignments/{assignment_id}
    @Sendable func deleteAssignment(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.deleteAssignment(
            try context.caller(), organization: try organization(context),
            id: try context.id("assignment_id", AssignmentID.self, what: "The assignment"))
        return .noContent
    }

    // MARK: Movement orders

    /// GET /api/v1/organizations/{id}/orders — by `student_id` or `class_id`, newest first.
    @Sendable func orders(_ request: Request, context: PartaRequestContext) async throws -> PageDTO<OrderDTO> {
        let page = try await parta.orders(
            try context.caller(), organization: try organization(context), student: try request.queryID("student_id", RosterPersonID.self),
            classID: try request.queryID("class_id", ClassID.self), page: try request.pageRequest())
        return PageDTO(page, OrderDTO.init)
    }

    struct NewOrder: Decodable {
        var kind: MovementOrder.Kind
        var studentId: RosterPersonID
        var classId: ClassID
        var effectiveDate: LocalDate
        var externalId: String?
    }

    /// POST /api/v1/organizations/{id}/orders — an enrollment or a withdrawal.
    @Sendable func createOrder(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<OrderDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(NewOrder.self, context: context)
        let created = try await parta.createOrder(
            caller, organization: try organization(context), student: body.studentId, kind: body.kind, classID: body.classId,
            date: body.effectiveDate, externalID: body.externalId)
        return EditedResponse(status: .created, response: OrderDTO(created))
    }

    /// POST /api/v1/organizations/{id}/orders/{order_id}/cancel — undoes exactly the order's effect.
    @Sendable func cancelOrder(_ request: Request, context: PartaRequestContext) async throws -> OrderDTO {
        OrderDTO(try await parta.cancelOrder(
            try context.caller(), organization: try organization(context), id: try context.id("order_id", OrderID.self, what: "The order")))
    }

    // MARK: API keys

    /// GET /api/v1/organizations/{id}/api-keys
    @Sendable func apiKeys(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<APIKeyDTO> {
        ListDTO(items: try await parta.apiKeys(try context.caller(), organization: try organization(context)).map { APIKeyDTO($0) })
    }

    struct NewKey: Decodable {
        var name: String
    }

    /// POST /api/v1/organizations/{id}/api-keys — the key is in this answer only.
    @Sendable func createAPIKey(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<APIKeyDTO> {
        let caller = try context.caller()
        let body = try await request.decodeJSON(NewKey.self, context: context)
        let issued = try await parta.createAPIKey(caller, organization: try organization(context), name: body.name)
        return EditedResponse(status: .created, response: APIKeyDTO(issued.info, secret: issued.key))
    }

    /// DELETE /api/v1/organizations/{id}/api-keys/{key_id}
    @Sendable func revokeAPIKey(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        guard let raw = context.parameters.get("key_id"), let id = Int64(raw) else { throw PartaError.notFound("That API key") }
        try await parta.revokeAPIKey(try context.caller(), organization: try organization(context), id: id)
        return .noContent
    }
}

/// A JSON field that may be absent (keep: the `Nullable?` is nil), `null` (clear: `value` is
/// nil) or a value (set). Synthesized decoding cannot tell absent from null, so bodies with such
/// fields decode them through `KeyedDecodingContainer.nullable(_:)`.
struct Nullable<Wrapped: Decodable & Sendable>: Sendable {
    var value: Wrapped?
}

extension KeyedDecodingContainer {
    func nullable<T: Decodable & Sendable>(_ key: Key, as: T.Type = T.self) throws -> Nullable<T>? {
        guard contains(key) else { return nil }
        return Nullable(value: try decodeIfPresent(T.self, forKey: key))
    }
}

/// Builds absolute links (for QR codes) from `PARTA_PUBLIC_URL`, or from the request's Host.
/// The address links and QR codes point at: `PARTA_PUBLIC_URL`. Only in demo mode does it fall
/// back to the request's `Host`, which anyone can set — a link built from it could send a parent
/// to someone else's site — so otherwise a server without its public address makes no links
/// (503 `public_url_not_set`), checked before anything is created.
struct LinkBuilder: Sendable {
    let publicURL: String?
    /// Demo mode: trust the request's host.
    let trustHost: Bool

    func base(for request: Request) throws(PartaError) -> String {
        if let publicURL { return publicURL }
        guard trustHost else {
            throw PartaError(
                .unavailable(retryAfterSeconds: nil), code: "public_url_not_set",
                message: "The server does not know the address people reach it at, so it makes no links: set PARTA_PUBLIC_URL.")
        }
        return "http://" + (request.head.authority ?? "127.0.0.1")
    }

    func dto(_ issued: IssuedLinkCode, base: String) throws -> LinkCodeDTO {
        let url = issued.url(base: base)
        let qr = try Self.qr(url)
        return LinkCodeDTO(
            code: issued.code, displayCode: issued.display, url: url, expiresAt: issued.expiresAt, person: RosterPersonDTO(issued.person),
            qrSvg: qr.svg, qrPngBase64: qr.pngBase64)
    }

    /// A link as a QR code: SVG text and a base64 PNG, for pages to show without another request carrying the secret.
    static func qr(_ url: String) throws -> (svg: String, pngBase64: String) {
        let qr = try QRCode(url)
        return (qr.svg(), Data(qr.png()).base64EncodedString())
    }
}
