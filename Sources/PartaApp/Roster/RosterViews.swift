public import PartaDomain

/// A class as the roster lists it.
public struct ClassSummary: Sendable, Equatable {
    public var schoolClass: SchoolClass
    public var schoolYear: SchoolYear
    public var homeroomTeacher: RosterPerson?
    /// Students enrolled on the date asked for.
    public var studentCount: Int
}

/// A person's card in the roster.
public struct PersonDetails: Sendable, Equatable {
    public var person: RosterPerson
    /// The class a student is in today.
    public var currentClass: SchoolClass?
    public var children: [RosterPerson]
    public var parents: [RosterPerson]
    public var enrollment: [EnrollmentPeriod]
}

/// A teaching assignment with the names it refers to.
public struct AssignmentView: Sendable, Equatable {
    public var assignment: TeachingAssignment
    public var teacher: RosterPerson
    public var subject: Subject
    public var schoolClass: SchoolClass
}

/// A movement order with the names it refers to.
public struct OrderView: Sendable, Equatable {
    public var order: MovementOrder
    public var student: RosterPerson
    public var schoolClass: SchoolClass
}

/// What a person record is made of when created or upserted.
public struct PersonInput: Sendable, Equatable {
    public var role: RosterRole
    public var surname: String
    public var givenName: String
    public var patronymic: String
    public var gender: Gender
    public var birthDate: LocalDate?
    public var externalID: String?
    /// A member of staff's position; in an upsert, `nil` keeps the person's.
    public var position: String?
    public var parentsCommittee: Bool?
    public var studentCouncil: Bool?

    public init(
        role: RosterRole, surname: String, givenName: String, patronymic: String = "", gender: Gender = .unspecified,
        birthDate: LocalDate? = nil, externalID: String? = nil, position: String? = nil, parentsCommittee: Bool? = nil,
        studentCouncil: Bool? = nil
    ) {
        self.role = role
        self.surname = surname
        self.givenName = givenName
        self.patronymic = patronymic
        self.gender = gender
        self.birthDate = birthDate
        self.externalID = externalID
        self.position = position
        self.parentsCommittee = parentsCommittee
        self.studentCouncil = studentCouncil
    }

    /// The checked name and external id; a birth date in the future is refused, and a position or
    /// a mark the role does not have.
    func checked(today: LocalDate) throws(PartaError) -> (PersonName, String?) {
        let name = try PersonName(validatingSurname: surname, givenName: givenName, patronymic: patronymic)
        try RosterPerson.checkBirthDate(birthDate, today: today)
        _ = try RosterPerson.checkPosition(position ?? "", role: role)
        try RosterPerson.checkFlags(role: role, parentsCommittee: parentsCommittee ?? false, studentCouncil: studentCouncil ?? false)
        return (name, try RosterPerson.checkExternalID(externalID))
    }
}

/// A partial edit of a person: `nil` keeps the value.
public struct PersonPatch: Sendable, Equatable {
    public var role: RosterRole?
    public var surname: String?
    public var givenName: String?
    public var patronymic: String?
    public var gender: Gender?
    /// `.some(nil)` clears the birth date.
    public var birthDate: LocalDate??
    public var externalID: String??
    public var active: Bool?
    public var position: String?
    public var parentsCommittee: Bool?
    public var studentCouncil: Bool?

    public init(
        role: RosterRole? = nil, surname: String? = nil, givenName: String? = nil, patronymic: String? = nil,
        gender: Gender? = nil, birthDate: LocalDate?? = nil, externalID: String?? = nil, active: Bool? = nil,
        position: String? = nil, parentsCommittee: Bool? = nil, studentCouncil: Bool? = nil
    ) {
        self.position = position
        self.parentsCommittee = parentsCommittee
        self.studentCouncil = studentCouncil
        self.role = role
        self.surname = surname
        self.givenName = givenName
        self.patronymic = patronymic
        self.gender = gender
        self.birthDate = birthDate
        self.externalID = externalID
        self.active = active
    }
}
