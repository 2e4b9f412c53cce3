/// One side of a direct chat as the safeguarding rule sees it: what the account is in the
/// organization, on the day, according to the roster.
public struct DirectParty: Sendable, Equatable {
    public var account: AccountID
    /// A teacher, an employee or an administrator of the organization.
    public var isStaff: Bool
    /// The roster students this account is (a student's own person).
    public var studentPersons: Set<RosterPersonID>
    /// The classes those students are enrolled in today.
    public var classes: Set<ClassID>
    /// The students this account's parent persons are guardians of.
    public var children: Set<RosterPersonID>
    /// The students a staff member teaches today: those who take their subjects, and the
    /// students of the classes they lead as homeroom teacher.
    public var taught: Set<RosterPersonID>

    public init(
        account: AccountID, isStaff: Bool = false, studentPersons: Set<RosterPersonID> = [], classes: Set<ClassID> = [],
        children: Set<RosterPersonID> = [], taught: Set<RosterPersonID> = []
    ) {
        self.account = account
        self.isStaff = isStaff
        self.studentPersons = studentPersons
        self.classes = classes
        self.children = children
        self.taught = taught
    }

    public var isStudent: Bool { !studentPersons.isEmpty }
    public var isParent: Bool { !children.isEmpty }
    /// An adult of the school: staff or a parent.
    public var isAdult: Bool { isStaff || isParent }
}

/// Who may open a direct chat with whom (SPEC §6, safeguarding): staff with staff; a teacher
/// with the students they teach and with those students' parents; a parent with their
/// children's teachers; students with their classmates. Nobody else; and a student does not
/// start a chat with an adult — the adult starts it, and the student answers there.
public enum DirectChatRules {
    public enum Relation: String, Sendable, Equatable {
        case colleagues
        case teacherAndStudent
        case teacherAndParent
        case classmates
    }

    /// Whether `initiator` may open a direct chat with `target`. An existing chat between the two
    /// is reopened by either of them without asking again.
    public static func decide(initiator: DirectParty, target: DirectParty) -> Decision {
        if initiator.account == target.account { return .denied("A direct chat is with someone else.") }
        if relation(initiator, target) != nil { return .allowed }
        // A student may answer an adult who wrote first (the chat exists then), not start.
        if initiator.isStudent && !initiator.isAdult && target.isAdult && relation(target, initiator) != nil {
            return .denied("A student cannot start a direct chat with an adult; the adult starts it.")
        }
        return .denied("Direct chats are between colleagues, a teacher and their students or the students' parents, and classmates.")
    }

    /// Whether an existing direct chat between the two stays open: while one of them could start
    /// it today. When the roster no longer relates them — one left the organization, a teacher no
    /// longer teaches the student — it is closed (kept to be read, no new messages).
    public static func staysOpen(_ a: DirectParty, _ b: DirectParty) -> Bool {
        a.account != b.account && (relation(a, b) != nil || relation(b, a) != nil)
    }

    /// Why `initiator` may start a chat with `target`, if they may.
    public static func relation(_ initiator: DirectParty, _ target: DirectParty) -> Relation? {
        if initiator.isStaff && target.isStaff { return .colleagues }
        if initiator.isStaff && !initiator.taught.isDisjoint(with: target.studentPersons) { return .teacherAndStudent }
        if initiator.isStaff && !initiator.taught.isDisjoint(with: target.children) { return .teacherAndParent }
        if target.isStaff && !target.taught.isDisjoint(with: initiator.children) { return .teacherAndParent }
        if initiator.isStudent && target.isStudent && !initiator.classes.isDisjoint(with: target.classes) { return .classmates }
        return nil
    }
}
