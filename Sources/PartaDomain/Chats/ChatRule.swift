import Foundation

/// A chat whose members follow a rule over the roster (SPEC §4, beyond the four roster types):
/// kept current like the roster chats — people who stop matching leave, people added by hand stay.
public enum ChatRule: Hashable, Sendable, CustomStringConvertible {
    /// Teachers and employees.
    case allStaff
    /// Staff, students enrolled today and their parents.
    case wholeSchool
    /// Staff whose position is director or deputy director (`ChatRule.isAdministration`).
    case administration
    /// Parents of the students enrolled today in classes of this grade (of the current school year).
    case parentsOfGrade(Int)
    /// Parents of the students enrolled today in these classes.
    case parentsOfClasses([ClassID])
    /// Parents of the class's students who sit on its parents' committee.
    case parentsCommittee(ClassID)
    /// Students enrolled today who sit on the student council.
    case studentCouncil

    public static let maximumClasses = 40

    /// As stored with the chat and written in the API: `all_staff`, `parents_of_grade:10`,
    /// `parents_of_classes:3,4`, `parents_committee:3`.
    public var storageKey: String {
        switch self {
        case .allStaff: "all_staff"
        case .wholeSchool: "whole_school"
        case .administration: "administration"
        case .parentsOfGrade(let grade): "parents_of_grade:\(grade)"
        case .parentsOfClasses(let classes): "parents_of_classes:" + classes.map(\.description).joined(separator: ",")
        case .parentsCommittee(let c): "parents_committee:\(c)"
        case .studentCouncil: "student_council"
        }
    }

    public var description: String { storageKey }

    /// The classes the rule names (checked to be the organization's).
    public var classIDs: [ClassID] {
        switch self {
        case .parentsOfClasses(let classes): classes
        case .parentsCommittee(let c): [c]
        default: []
        }
    }

    /// Reads a rule as stored or as sent: one of the names above, the grade 1 to 11, 1 to 40 classes.
    public static func parse(_ raw: String) throws(PartaError) -> ChatRule {
        let parts = raw.trimmingWhitespace().split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first ?? "", argument = parts.count > 1 ? parts[1] : nil
        func ids() throws(PartaError) -> [ClassID] {
            var result: [ClassID] = []
            for piece in (argument ?? "").split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = Int64(String(piece).trimmingWhitespace()), value > 0 else { throw invalid }
                result.append(ClassID(value))
            }
            return result
        }
        switch (name, argument) {
        case ("all_staff", nil): return .allStaff
        case ("whole_school", nil): return .wholeSchool
        case ("administration", nil): return .administration
        case ("student_council", nil): return .studentCouncil
        case ("parents_of_grade", let grade?):
            guard let grade = Int(grade), (1...11).contains(grade) else { throw invalid }
            return .parentsOfGrade(grade)
        case ("parents_of_classes", _?):
            let classes = Array(Set(try ids())).sorted()
            guard (1...maximumClasses).contains(classes.count) else { throw invalid }
            return .parentsOfClasses(classes)
        case ("parents_committee", _?):
            let classes = try ids()
            guard classes.count == 1 else { throw invalid }
            return .parentsCommittee(classes[0])
        default:
            throw invalid
        }
    }

    static let invalid = PartaError.invalid(
        "invalid_rule",
        "A chat's rule is all_staff, whole_school, administration, student_council, parents_of_grade:<1–11>, parents_of_classes:<1 to 40 class ids> or parents_committee:<class id>.",
        details: ["field": .string("rule")])

    /// The name a school gives such a chat, with the classes' names.
    public func name(classNames: [ClassID: String]) -> String {
        let names = classIDs.map { classNames[$0] ?? "?" }
        switch self {
        case .allStaff: return "Все сотрудники"
        case .wholeSchool: return "Вся школа"
        case .administration: return "Администрация"
        case .parentsOfGrade(let grade): return "Родители \(grade)-х классов"
        case .parentsOfClasses: return "Родители " + names.joined(separator: ", ")
        case .parentsCommittee: return "\(names[0]) - Родительский комитет"
        case .studentCouncil: return "Совет учащихся"
        }
    }

    /// Whether a position names the school's administration: director, deputy director (завуч).
    ///
    /// The director (`Директор`, `директор школы`, `и.о. директора`, `врио директора`), a deputy
    /// (`заместитель директора по УВР`, `зам. директора`, `замдиректора`) or a `завуч`; not whoever
    /// only works for the director (`секретарь директора`, `помощник директора`).
    public static func isAdministration(position: String) -> Bool {
        let words = position.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split { !$0.isLetter }.map(String.init)
        if words.contains(where: { $0 == "директор" || $0.hasPrefix("завуч") || $0.hasPrefix("замдиректор") }) { return true }
        // "директора": of the director — the administration when acting for them or deputising.
        guard words.contains("директора") else { return false }
        let acting = words.contains { $0.hasPrefix("зам") || $0.hasPrefix("исполняющ") || $0 == "врио" }
            || zip(words, words.dropFirst()).contains { $0 == "и" && $1 == "о" }
        return acting
    }
}

/// The roster as rule chats read it: everyone of the organization, with the facts rules ask.
public struct RuleRoster: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var role: RosterRole
        public var active: Bool
        public var position: String
        public var parentsCommittee: Bool
        public var studentCouncil: Bool

        public init(role: RosterRole, active: Bool = true, position: String = "", parentsCommittee: Bool = false, studentCouncil: Bool = false) {
            self.role = role
            self.active = active
            self.position = position
            self.parentsCommittee = parentsCommittee
            self.studentCouncil = studentCouncil
        }
    }

    public var date: LocalDate
    public var persons: [RosterPersonID: Person]
    /// Classes of the school year running on `date` (a grade means one of these).
    public var classes: [SchoolClass]
    public var periods: [RosterPersonID: [EnrollmentPeriod]]
    public var guardianships: [Guardianship]

    public init(
        date: LocalDate, persons: [RosterPersonID: Person] = [:], classes: [SchoolClass] = [],
        periods: [RosterPersonID: [EnrollmentPeriod]] = [:], guardianships: [Guardianship] = []
    ) {
        self.date = date
        self.persons = persons
        self.classes = classes
        self.periods = periods
        self.guardianships = guardianships
    }
}

extension ChatRule {
    /// Who matches the rule on the roster's date: active persons only.
    public func members(_ roster: RuleRoster) -> Set<RosterPersonID> {
        func active(_ id: RosterPersonID) -> RuleRoster.Person? { roster.persons[id].flatMap { $0.active ? $0 : nil } }
        let staff = Set(roster.persons.compactMap { id, p in p.active && p.role.isStaff ? id : nil })
        /// Students enrolled today in one of `classes` (any class when `nil`).
        func students(in classes: Set<ClassID>?) -> Set<RosterPersonID> {
            EnrollmentPeriod.enrolled(roster.periods, in: classes, on: roster.date).filter { active($0)?.role == .student }
        }
        func parents(of students: Set<RosterPersonID>) -> Set<RosterPersonID> {
            Set(roster.guardianships.compactMap { g in
                students.contains(g.student) && active(g.parent)?.role == .parent ? g.parent : nil
            })
        }
        switch self {
        case .allStaff:
            return staff
        case .wholeSchool:
            let enrolled = students(in: nil)
            return staff.union(enrolled).union(parents(of: enrolled))
        case .administration:
            return staff.filter { ChatRule.isAdministration(position: roster.persons[$0]!.position) }
        case .parentsOfGrade(let grade):
            return parents(of: students(in: Set(roster.classes.filter { $0.label.grade == grade }.map(\.id))))
        case .parentsOfClasses(let classes):
            return parents(of: students(in: Set(classes)))
        case .parentsCommittee(let c):
            return parents(of: students(in: [c])).filter { roster.persons[$0]!.parentsCommittee }
        case .studentCouncil:
            return students(in: nil).filter { roster.persons[$0]!.studentCouncil }
        }
    }
}
