/// What changed in a roster, named precisely enough that the chats of exactly the affected
/// classes, subjects and people can be re-planned (the chats issue consumes these).
public enum RosterEvent: Hashable, Sendable, Codable {
    case schoolYearChanged(SchoolYearID)
    case classChanged(ClassID)
    case homeroomChanged(ClassID, from: RosterPersonID?, to: RosterPersonID?)
    case subjectChanged(SubjectID)
    case personChanged(RosterPersonID)
    case personRemoved(RosterPersonID)
    /// A teaching assignment was created, or its teacher, subject, class, group or students changed.
    case assignmentChanged(AssignmentID, classID: ClassID)
    case assignmentRemoved(AssignmentID, classID: ClassID)
    /// The student's class on some dates changed; `classes` are those whose membership differs.
    case enrollmentChanged(student: RosterPersonID, classes: [ClassID])
    case guardianshipChanged(parent: RosterPersonID, student: RosterPersonID)
    case linked(RosterPersonID, AccountID)
    case unlinked(RosterPersonID, AccountID)

    /// A short stable name for storage and logs.
    public var kind: String {
        switch self {
        case .schoolYearChanged: "school_year_changed"
        case .classChanged: "class_changed"
        case .homeroomChanged: "homeroom_changed"
        case .subjectChanged: "subject_changed"
        case .personChanged: "person_changed"
        case .personRemoved: "person_removed"
        case .assignmentChanged: "assignment_changed"
        case .assignmentRemoved: "assignment_removed"
        case .enrollmentChanged: "enrollment_changed"
        case .guardianshipChanged: "guardianship_changed"
        case .linked: "linked"
        case .unlinked: "unlinked"
        }
    }
}
