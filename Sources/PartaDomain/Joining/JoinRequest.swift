public import Foundation

public typealias JoinRequestID = Identifier<JoinRequest>

/// A person's request to join an organization in a role, waiting for an administrator.
public struct JoinRequest: Hashable, Sendable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case accepted
        case rejected
        case withdrawn
    }

    public var id: JoinRequestID
    public var organizationID: OrganizationID
    public var accountID: AccountID
    public var role: RosterRole
    /// The class a student joins or a parent's child attends; `nil` for staff.
    public var classID: ClassID?
    /// The applicant's name as they gave it.
    public var name: PersonName
    public var birthDate: LocalDate?
    /// The child a parent names.
    public var childName: PersonName?
    public var message: String
    public var inviteID: InviteID?
    public var status: Status
    public var createdAt: Date
    public var decidedAt: Date?
    public var decidedBy: AccountID?
    public var reason: String
    /// The roster person the applicant was linked to on acceptance.
    public var personID: RosterPersonID?

    public init(
        id: JoinRequestID, organizationID: OrganizationID, accountID: AccountID, role: RosterRole, classID: ClassID?,
        name: PersonName, birthDate: LocalDate?, childName: PersonName?, message: String, inviteID: InviteID?,
        status: Status, createdAt: Date, decidedAt: Date? = nil, decidedBy: AccountID? = nil, reason: String = "",
        personID: RosterPersonID? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.accountID = accountID
        self.role = role
        self.classID = classID
        self.name = name
        self.birthDate = birthDate
        self.childName = childName
        self.message = message
        self.inviteID = inviteID
        self.status = status
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.decidedBy = decidedBy
        self.reason = reason
        self.personID = personID
    }
}

/// What an applicant asks for, once checked: the role and class (from the invite, or chosen
/// in the organization search), their name, and for a parent the child's name.
public struct JoinApplication: Sendable, Equatable {
    public var role: RosterRole
    public var classID: ClassID?
    public var name: PersonName
    public var birthDate: LocalDate?
    public var childName: PersonName?
    public var message: String

    public init(
        role: RosterRole, classID: ClassID?, name: PersonName, birthDate: LocalDate? = nil, childName: PersonName? = nil,
        message: String = ""
    ) {
        self.role = role
        self.classID = classID
        self.name = name
        self.birthDate = birthDate
        self.childName = childName
        self.message = message
    }
}

/// The rules of join requests (SPEC §2).
public enum JoinRules {
    public static let maximumMessageLength = 500
    public static let maximumReasonLength = 500

    /// Checks the shape of an application: students and parents name a class, staff do not;
    /// a parent names their child; nobody else does; a birth date is not in the future.
    public static func check(_ application: JoinApplication, today: LocalDate) throws(PartaError) -> JoinApplication {
        var checked = application
        if application.role.isStaff, application.classID != nil {
            throw PartaError.invalid(
                "class_not_allowed", "Teachers and employees join without a class.", details: ["field": .string("class_id")])
        }
        if !application.role.isStaff, application.classID == nil {
            throw PartaError.invalid(
                "class_required", "Students and parents choose the class (for parents: the child's class).",
                details: ["field": .string("class_id")])
        }
        switch (application.role, application.childName) {
        case (.parent, nil):
            throw PartaError.invalid(
                "child_required", "A parent names their child so the school can find them.",
                details: ["field": .string("child_surname")])
        case (.parent, _):
            break
        case (_, .some):
            throw PartaError.invalid(
                "child_not_allowed", "Only parents name a child.", details: ["field": .string("child_surname")])
        case (_, nil):
            break
        }
        try RosterPerson.checkBirthDate(application.birthDate, today: today)
        checked.message = try TextRules.checkText(
            application.message.trimmingWhitespace(), field: "message", maxCharacters: maximumMessageLength, multiline: true,
            tooLong: "invalid_message")
        return checked
    }

    /// One pending request per person, organization and role; a member does not apply again for
    /// a role they hold — except parents, who apply once per child.
    public static func checkNewRequest(role: RosterRole, hasPendingRequest: Bool, holdsRole: Bool) throws(PartaError) {
        if hasPendingRequest {
            throw PartaError.conflict(
                "request_pending", "You already have a pending request in this role; wait for the decision or withdraw it.")
        }
        if holdsRole, role != .parent {
            throw PartaError.conflict("already_member", "You already belong to this organization in this role.")
        }
    }

    /// Accepting: one roster person per account and role (parents excepted — one per child is the
    /// same person anyway). An applicant who became `linked` meanwhile (through a link code) gets
    /// no second person, unless the acceptance chose that very person.
    public static func checkAcceptance(role: RosterRole, linked: RosterPersonID?, chosen: RosterPersonID?) throws(PartaError) {
        guard role != .parent, let linked, linked != chosen else { return }
        throw PartaError.conflict("already_member", "You already belong to this organization in this role.")
    }

    /// Only a pending request can be accepted, rejected or withdrawn.
    public static func checkPending(_ status: JoinRequest.Status) throws(PartaError) {
        guard status != .pending else { return }
        throw PartaError.conflict("request_decided", "This request is no longer pending: it was \(status.rawValue).")
    }

    /// A rejection's reason, trimmed, within its limit.
    public static func checkReason(_ reason: String?) throws(PartaError) -> String {
        try TextRules.checkText(
            (reason ?? "").trimmingWhitespace(), field: "reason", maxCharacters: maximumReasonLength, multiline: true, tooLong: "invalid_reason")
    }
}

extension JoinRules {
    /// Checks that an existing roster person can be the applicant: same role, active, and not
    /// linked to somebody else.
    public static func checkMatchedPerson(_ person: RosterPerson, for request: JoinRequest) throws(PartaError) {
        guard person.role == request.role else {
            throw PartaError.invalid(
                "role_mismatch", "\(person.name.full) is a \(person.role.rawValue) in the roster; the request is for a \(request.role.rawValue).",
                details: ["field": .string("person_id")])
        }
        guard person.active else {
            throw PartaError.conflict("person_inactive", "\(person.name.full) is marked inactive in the roster.")
        }
        if let account = person.accountID, account != request.accountID {
            throw PartaError.conflict(
                "already_linked", "\(person.name.full) is already linked to another account; choose another person or create one.")
        }
    }

    /// Where an accepted student goes: nowhere if already in the requested class, enrolled from
    /// today if in no class; a student the roster has in another class is not moved by a request.
    public enum StudentPlacement: Equatable, Sendable {
        case alreadyInClass
        case enroll
    }

    public static func placement(
        currentClass: ClassID?, currentClassName: String?, requestedClass: ClassID, requestedClassName: String
    ) throws(PartaError) -> StudentPlacement {
        switch currentClass {
        case nil: return .enroll
        case requestedClass: return .alreadyInClass
        default:
            throw PartaError.conflict(
                "class_mismatch",
                "The roster has this student in \(currentClassName ?? "another class"), not \(requestedClassName): choose another person, or move the student with a movement order first.")
        }
    }
}

/// Who may hold administrator rights.
public enum AdministratorRules {
    /// Administrator rights go only to people who have already joined the organization.
    public static func checkGrant(targetRoles: Set<OrganizationRole>) throws(PartaError) {
        guard targetRoles.isEmpty else { return }
        throw PartaError.conflict(
            "not_a_member", "Only people who have already joined the organization can become its administrators.")
    }
}
