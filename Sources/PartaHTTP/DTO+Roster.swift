import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

// The roster's JSON shapes.

struct SchoolYearDTO: ResponseCodable {
    var id: SchoolYearID
    var name: String
    var startDate: LocalDate
    var endDate: LocalDate

    init(_ year: SchoolYear) {
        id = year.id
        name = year.name
        startDate = year.startDate
        endDate = year.endDate
    }
}

struct SubjectDTO: ResponseCodable {
    var id: SubjectID
    var name: String
    var externalId: String?

    init(_ subject: Subject) {
        id = subject.id
        name = subject.name
        externalId = subject.externalID
    }
}

/// A roster person as administrators see them (birth date included; never a phone number).
struct RosterPersonDTO: ResponseCodable {
    var id: RosterPersonID
    var role: RosterRole
    var surname: String
    var givenName: String
    var patronymic: String
    var fullName: String
    var gender: Gender
    var birthDate: LocalDate?
    var externalId: String?
    var linked: Bool
    var active: Bool
    /// Staff only: `Директор`, `Заместитель директора по УВР`.
    var position: String
    var parentsCommittee: Bool
    var studentCouncil: Bool

    init(_ person: RosterPerson) {
        id = person.id
        role = person.role
        surname = person.name.surname
        givenName = person.name.givenName
        patronymic = person.name.patronymic
        fullName = person.name.full
        gender = person.gender
        birthDate = person.birthDate
        externalId = person.externalID
        linked = person.accountID != nil
        active = person.active
        position = person.position
        parentsCommittee = person.parentsCommittee
        studentCouncil = person.studentCouncil
    }
}

struct ClassRefDTO: ResponseCodable {
    var id: ClassID
    var name: String
    var schoolYearId: SchoolYearID

    init(_ c: SchoolClass) {
        id = c.id
        name = c.name
        schoolYearId = c.schoolYearID
    }
}

struct ClassDTO: ResponseCodable {
    var id: ClassID
    var name: String
    var grade: Int
    var letter: String
    var schoolYear: SchoolYearDTO
    var homeroomTeacher: RosterPersonDTO?
    var studentCount: Int
    var externalId: String?

    init(_ summary: ClassSummary) {
        id = summary.schoolClass.id
        name = summary.schoolClass.name
        grade = summary.schoolClass.label.grade
        letter = summary.schoolClass.label.letter
        schoolYear = SchoolYearDTO(summary.schoolYear)
        homeroomTeacher = summary.homeroomTeacher.map(RosterPersonDTO.init)
        studentCount = summary.studentCount
        externalId = summary.schoolClass.externalID
    }
}

struct EnrollmentPeriodDTO: ResponseCodable {
    var classId: ClassID
    var start: LocalDate
    /// Exclusive; absent while the enrollment lasts.
    var end: LocalDate?

    init(_ period: EnrollmentPeriod) {
        classId = period.classID
        start = period.start
        end = period.end
    }
}

struct PersonDetailsDTO: ResponseCodable {
    var person: RosterPersonDTO
    var currentClass: ClassRefDTO?
    var children: [RosterPersonDTO]
    var parents: [RosterPersonDTO]
    var enrollment: [EnrollmentPeriodDTO]

    init(_ details: PersonDetails) {
        person = RosterPersonDTO(details.person)
        currentClass = details.currentClass.map(ClassRefDTO.init)
        children = details.children.map(RosterPersonDTO.init)
        parents = details.parents.map(RosterPersonDTO.init)
        enrollment = details.enrollment.map(EnrollmentPeriodDTO.init)
    }
}

struct AssignmentDTO: ResponseCodable {
    var id: AssignmentID
    var teacher: RosterPersonDTO
    var subject: SubjectDTO
    var schoolClass: ClassRefDTO
    var group: String
    var studentIds: [RosterPersonID]
    var externalId: String?

    init(_ view: AssignmentView) {
        id = view.assignment.id
        teacher = RosterPersonDTO(view.teacher)
        subject = SubjectDTO(view.subject)
        schoolClass = ClassRefDTO(view.schoolClass)
        group = view.assignment.group
        studentIds = view.assignment.studentIDs
        externalId = view.assignment.externalID
    }
}

struct OrderDTO: ResponseCodable {
    var id: OrderID
    var kind: MovementOrder.Kind
    var student: RosterPersonDTO
    var schoolClass: ClassRefDTO
    var effectiveDate: LocalDate
    var cancelled: Bool
    var externalId: String?

    init(_ view: OrderView) {
        id = view.order.id
        kind = view.order.kind
        student = RosterPersonDTO(view.student)
        schoolClass = ClassRefDTO(view.schoolClass)
        effectiveDate = view.order.effectiveDate
        cancelled = view.order.cancelled
        externalId = view.order.externalID
    }
}

struct APIKeyDTO: ResponseCodable {
    var id: Int64
    var name: String
    var prefix: String
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?
    /// Only in the answer that creates the key.
    var key: String?

    init(_ key: APIKey, secret: String? = nil) {
        id = key.id
        name = key.name
        prefix = key.prefix
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
        self.key = secret
    }
}

/// A link code as issued: its URL, and the same URL as QR codes (SVG text, PNG as base64) so a
/// page can show it without another request carrying the code.
struct LinkCodeDTO: ResponseCodable {
    var code: String
    /// The code as printed for typing: `K7QM-4XPD-2R9A`.
    var displayCode: String
    var url: String
    var expiresAt: Date
    var person: RosterPersonDTO
    var qrSvg: String
    var qrPngBase64: String
}
