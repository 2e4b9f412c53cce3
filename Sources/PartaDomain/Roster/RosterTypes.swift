public typealias SchoolYearID = Identifier<SchoolYear>
public typealias ClassID = Identifier<SchoolClass>
public typealias SubjectID = Identifier<Subject>
public typealias RosterPersonID = Identifier<RosterPerson>
public typealias AssignmentID = Identifier<TeachingAssignment>
public typealias OrderID = Identifier<MovementOrder>

/// A school year such as `2025/2026`, with the dates it covers.
public struct SchoolYear: Hashable, Sendable, Codable {
    public var id: SchoolYearID
    public var organizationID: OrganizationID
    public var name: String
    public var startDate: LocalDate
    public var endDate: LocalDate

    public init(id: SchoolYearID, organizationID: OrganizationID, name: String, startDate: LocalDate, endDate: LocalDate) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.startDate = startDate
        self.endDate = endDate
    }

    public func contains(_ date: LocalDate) -> Bool { startDate <= date && date <= endDate }

    /// `2025/2026` (also `2025-2026`, `2025/26`) → the canonical name and its first year.
    public static func parseName(_ raw: String) throws(PartaError) -> (name: String, firstYear: Int) {
        let text = raw.trimmingWhitespace()
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "–" }).map { String($0).trimmingWhitespace() }
        guard parts.count == 2, parts[0].count == 4, let first = Int(parts[0]), (1990...2200).contains(first),
            let second = Int(parts[1]), second == first + 1 || (parts[1].count == 2 && second == (first + 1) % 100)
        else {
            throw PartaError.invalid("invalid_school_year", "A school year is written like 2025/2026.")
        }
        return ("\(first)/\(first + 1)", first)
    }

    /// Dates for a school year by its first year: 1 September to 31 August.
    public static func defaultDates(firstYear: Int) -> (LocalDate, LocalDate) {
        (LocalDate(year: firstYear, month: 9, day: 1)!, LocalDate(year: firstYear + 1, month: 8, day: 31)!)
    }

    /// The school year name a date falls into (from 1 September).
    public static func name(containing date: LocalDate) -> String {
        let first = date.month >= 9 ? date.year : date.year - 1
        return "\(first)/\(first + 1)"
    }
}

/// A class's label: a grade and a letter, displayed `10А`.
public struct ClassLabel: Hashable, Sendable, Codable, CustomStringConvertible {
    public var grade: Int
    public var letter: String

    public init(grade: Int, letter: String) {
        self.grade = grade
        self.letter = letter
    }

    /// `10А`; a numeric suffix keeps a dash so `10-1` is not read as `101`.
    public var description: String {
        guard let first = letter.first else { return "\(grade)" }
        return first.isNumber ? "\(grade)-\(letter)" : "\(grade)\(letter)"
    }

    /// Latin letters that look like Cyrillic ones (text pasted from documents): `10A` is `10А`.
    static let latinToCyrillic: [Character: Character] = [
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х",
    ]

    /// Parses `10А`, `10 а`, `10-А`, `10A` (Latin), `10`, `5-1`.
    public static func parse(_ raw: String) throws(PartaError) -> ClassLabel {
        let text = raw.trimmingWhitespace()
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        guard let grade = Int(digits), (0...12).contains(grade) else {
            throw PartaError.invalid("invalid_class", "A class is written as a grade and a letter, like 10А.")
        }
        var rest = text.dropFirst(digits.count).drop(while: { $0 == " " || $0 == "-" || $0 == "«" })
        while rest.last == "»" || rest.last == " " { rest = rest.dropLast() }
        return try make(grade: grade, letter: String(rest))
    }

    /// Checks a grade and a letter given separately.
    public static func make(grade: Int, letter: String) throws(PartaError) -> ClassLabel {
        guard (0...12).contains(grade) else {
            throw PartaError.invalid("invalid_class", "The grade is a number from 0 to 12.")
        }
        let mapped = String(letter.trimmingWhitespace().uppercased().map { latinToCyrillic[$0] ?? $0 })
        guard mapped.count <= 4, mapped.allSatisfy({ $0.isLetter || ($0.isASCII && $0.isNumber) }) else {
            throw PartaError.invalid("invalid_class", "The class letter is up to four letters or digits, like А or 1.")
        }
        return ClassLabel(grade: grade, letter: mapped)
    }
}

/// A class of one school year.
public struct SchoolClass: Hashable, Sendable, Codable {
    public var id: ClassID
    public var organizationID: OrganizationID
    public var schoolYearID: SchoolYearID
    public var label: ClassLabel
    public var homeroomTeacherID: RosterPersonID?
    public var externalID: String?

    public init(
        id: ClassID, organizationID: OrganizationID, schoolYearID: SchoolYearID, label: ClassLabel,
        homeroomTeacherID: RosterPersonID?, externalID: String?
    ) {
        self.id = id
        self.organizationID = organizationID
        self.schoolYearID = schoolYearID
        self.label = label
        self.homeroomTeacherID = homeroomTeacherID
        self.externalID = externalID
    }

    public var name: String { label.description }
}

/// A subject taught: `Химия`, `Краеведение`.
public struct Subject: Hashable, Sendable, Codable {
    public var id: SubjectID
    public var organizationID: OrganizationID
    public var name: String
    public var externalID: String?

    public init(id: SubjectID, organizationID: OrganizationID, name: String, externalID: String?) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.externalID = externalID
    }

    public static func checkName(_ raw: String) throws(PartaError) -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty else { throw PartaError.invalid("invalid_subject", "A subject name is one line of at most 100 characters.") }
        return try TextRules.checkName(name, field: "subject", maxCharacters: 100, code: "invalid_subject")
    }
}

/// What a roster person is in the organization.
public enum RosterRole: String, Sendable, Codable, CaseIterable {
    case student
    case parent
    case teacher
    case employee

    public var isStaff: Bool { self == .teacher || self == .employee }

    /// The organization role an account linked to this person holds.
    public var organizationRole: OrganizationRole {
        switch self {
        case .student: .student
        case .parent: .parent
        case .teacher: .teacher
        case .employee: .employee
        }
    }

    /// Accepts the English names and the Russian words school exports use.
    public static func parse(_ raw: String) throws(PartaError) -> RosterRole {
        switch raw.trimmingWhitespace().lowercased() {
        case "student", "ученик", "учащийся", "обучающийся", "ученица": return .student
        case "parent", "guardian", "родитель", "законный представитель", "представитель": return .parent
        case "teacher", "учитель", "педагог", "преподаватель": return .teacher
        case "employee", "staff", "сотрудник", "работник": return .employee
        default:
            throw PartaError.invalid("invalid_role", "Unknown role «\(raw)»; use student, parent, teacher or employee.")
        }
    }
}

public enum Gender: String, Sendable, Codable, CaseIterable {
    case male
    case female
    case unspecified

    public static func parse(_ raw: String) throws(PartaError) -> Gender {
        switch raw.trimmingWhitespace().lowercased() {
        case "", "unspecified", "other", "-": return .unspecified
        case "m", "male", "м", "муж", "мужской", "мужчина": return .male
        case "f", "female", "ж", "жен", "женский", "женщина": return .female
        default: throw PartaError.invalid("invalid_gender", "Unknown gender «\(raw)»; use м or ж (male or female), or leave it empty.")
        }
    }
}

/// A person as the school information system knows them, linked at most to one account.
public struct RosterPerson: Hashable, Sendable, Codable {
    public var id: RosterPersonID
    public var organizationID: OrganizationID
    public var role: RosterRole
    public var name: PersonName
    public var gender: Gender
    public var birthDate: LocalDate?
    public var externalID: String?
    public var accountID: AccountID?
    /// `false` once a bulk import no longer lists the person (they left); history stays.
    public var active: Bool
    /// A member of staff's position (`Директор`, `Заместитель директора по УВР`); empty for others.
    public var position: String
    /// A parent on the parents' committee of their children's class.
    public var parentsCommittee: Bool
    /// A student on the student council.
    public var studentCouncil: Bool

    public init(
        id: RosterPersonID, organizationID: OrganizationID, role: RosterRole, name: PersonName, gender: Gender,
        birthDate: LocalDate?, externalID: String?, accountID: AccountID?, active: Bool, position: String = "",
        parentsCommittee: Bool = false, studentCouncil: Bool = false
    ) {
        self.id = id
        self.organizationID = organizationID
        self.role = role
        self.name = name
        self.gender = gender
        self.birthDate = birthDate
        self.externalID = externalID
        self.accountID = accountID
        self.active = active
        self.position = position
        self.parentsCommittee = parentsCommittee
        self.studentCouncil = studentCouncil
    }

    /// A position as it may be stored: one line of at most 100 characters, for staff only.
    public static func checkPosition(_ raw: String, role: RosterRole) throws(PartaError) -> String {
        let position = raw.trimmingWhitespace()
        guard !position.isEmpty else { return "" }
        guard role.isStaff else {
            throw PartaError.invalid("position_not_allowed", "Only teachers and employees have a position.", details: ["field": .string("position")])
        }
        return try TextRules.checkText(position, field: "position", maxCharacters: 100, multiline: false, tooLong: "invalid_position", invalid: "invalid_position")
    }

    /// The roster's membership flags as they may be set: the parents' committee for parents, the
    /// student council for students.
    public static func checkFlags(role: RosterRole, parentsCommittee: Bool, studentCouncil: Bool) throws(PartaError) {
        if parentsCommittee, role != .parent {
            throw PartaError.invalid("flag_not_allowed", "Only parents sit on a parents' committee.", details: ["field": .string("parents_committee")])
        }
        if studentCouncil, role != .student {
            throw PartaError.invalid("flag_not_allowed", "Only students sit on the student council.", details: ["field": .string("student_council")])
        }
    }

    /// A person's role may change only while nothing refers to it (orders, assignments, homerooms,
    /// guardianships, a linked account): a student with a history stays a student.
    public func checkRoleChange(to role: RosterRole, hasHistory: Bool) throws(PartaError) {
        guard role != self.role, hasHistory else { return }
        throw PartaError.conflict(
            "role_in_use", "\(name.full) has a history as a \(self.role.rawValue); create a new person as a \(role.rawValue) instead.")
    }

    /// A birth date as it may be stored: unknown, or not after `today`.
    public static func checkBirthDate(_ birthDate: LocalDate?, today: LocalDate) throws(PartaError) {
        guard let birthDate, birthDate > today else { return }
        throw PartaError.invalid(
            "invalid_date", "The birth date \(birthDate.russian) is in the future.", details: ["field": .string("birth_date")])
    }

    /// An external id as it may be stored: one line, at most 100 characters, or nothing.
    public static func checkExternalID(_ raw: String?) throws(PartaError) -> String? {
        guard let raw else { return nil }
        let id = raw.trimmingWhitespace()
        guard !id.isEmpty else { return nil }
        return try TextRules.checkText(
            id, field: "external_id", maxCharacters: 100, multiline: false, tooLong: "invalid_external_id", invalid: "invalid_external_id")
    }
}

/// A teacher teaching a subject to a class, or to a named group of it (`Англ.яз/1`).
public struct TeachingAssignment: Hashable, Sendable, Codable {
    public var id: AssignmentID
    public var organizationID: OrganizationID
    public var teacherID: RosterPersonID
    public var subjectID: SubjectID
    public var classID: ClassID
    /// Empty for the whole class.
    public var group: String
    /// The group's students; empty when the assignment is for the whole class.
    public var studentIDs: [RosterPersonID]
    public var externalID: String?

    public init(
        id: AssignmentID, organizationID: OrganizationID, teacherID: RosterPersonID, subjectID: SubjectID,
        classID: ClassID, group: String, studentIDs: [RosterPersonID], externalID: String?
    ) {
        self.id = id
        self.organizationID = organizationID
        self.teacherID = teacherID
        self.subjectID = subjectID
        self.classID = classID
        self.group = group
        self.studentIDs = studentIDs
        self.externalID = externalID
    }

    public var isGroup: Bool { !group.isEmpty }

    /// Only a group lists its own students; a whole-class assignment takes the class's.
    public static func checkStudents(group: String, studentCount: Int) throws(PartaError) {
        guard group.isEmpty, studentCount > 0 else { return }
        throw PartaError.invalid("invalid_group", "Only a group has its own students; name the group (like Англ.яз/1).")
    }

    public static func checkGroup(_ raw: String?) throws(PartaError) -> String {
        let group = (raw ?? "").trimmingWhitespace()
        return try TextRules.checkName(group, field: "group", maxCharacters: 60, code: "invalid_group")
    }
}

/// An order moving a student: enrollment into a class, or withdrawal from it, from a date.
public struct MovementOrder: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case enrollment
        case withdrawal
    }

    public var id: OrderID
    public var organizationID: OrganizationID
    public var studentID: RosterPersonID
    public var kind: Kind
    public var classID: ClassID
    /// The first day the order holds: enrolled from it, no longer enrolled from it.
    public var effectiveDate: LocalDate
    public var externalID: String?
    public var cancelled: Bool

    public init(
        id: OrderID, organizationID: OrganizationID, studentID: RosterPersonID, kind: Kind, classID: ClassID,
        effectiveDate: LocalDate, externalID: String?, cancelled: Bool
    ) {
        self.id = id
        self.organizationID = organizationID
        self.studentID = studentID
        self.kind = kind
        self.classID = classID
        self.effectiveDate = effectiveDate
        self.externalID = externalID
        self.cancelled = cancelled
    }
}

/// A parent–child link in the roster.
public struct Guardianship: Hashable, Sendable {
    public var parent: RosterPersonID
    public var student: RosterPersonID

    public init(parent: RosterPersonID, student: RosterPersonID) {
        self.parent = parent
        self.student = student
    }
}
