/// Managing chats (SPEC §5).
public enum ChatAction: String, Sendable, CaseIterable {
    /// Create the missing roster chats and bring existing ones to the roster.
    case initialize
    case create
    case rename
    case delete
    case addMembers = "add_members"
    case removeMembers = "remove_members"
    /// Make or unmake chat admins.
    case changeAdmins = "change_admins"
}

/// Who acts, as far as chats care: the organization's administrator, the classes they lead as
/// homeroom teacher, and what they teach.
public struct ChatActor: Sendable, Equatable {
    public struct Teaching: Hashable, Sendable {
        public var classID: ClassID
        public var subjectID: SubjectID

        public init(classID: ClassID, subjectID: SubjectID) {
            self.classID = classID
            self.subjectID = subjectID
        }
    }

    /// The organization's administrator (or the server's own command line).
    public var isAdministrator: Bool
    /// A teacher or employee of the organization (students and parents are not).
    public var isStaff: Bool
    public var homeroomClasses: Set<ClassID>
    public var teaching: Set<Teaching>

    public init(isAdministrator: Bool = false, isStaff: Bool = false, homeroomClasses: Set<ClassID> = [], teaching: Set<Teaching> = []) {
        self.isAdministrator = isAdministrator
        self.isStaff = isStaff || !homeroomClasses.isEmpty || !teaching.isEmpty
        self.homeroomClasses = homeroomClasses
        self.teaching = teaching
    }
}

/// The chat acted on (or, for `create`, the chat to be created).
public struct ChatTarget: Sendable, Equatable {
    public var kind: ChatKind
    public var classID: ClassID?
    public var subjectID: SubjectID?
    /// The actor is an admin of this chat.
    public var actorIsChatAdmin: Bool

    public init(kind: ChatKind, classID: ClassID? = nil, subjectID: SubjectID? = nil, actorIsChatAdmin: Bool = false) {
        self.kind = kind
        self.classID = classID
        self.subjectID = subjectID
        self.actorIsChatAdmin = actorIsChatAdmin
    }
}

/// Whom an actor may add to a chat (and so whom the member picker shows them).
public enum AdditionLimit: Sendable, Equatable {
    /// The organization's administrators: anyone of the organization.
    case anyone
    /// Only students who take one of the actor's subjects (a subject teacher managing a subject chat).
    case studentsTaught
    /// A homeroom teacher in a chat of their class: the class's students, their parents, and staff.
    case classCommunity(ClassID)
    /// Another member of staff who administers a chat: staff, the students they teach or lead, and
    /// those students' parents.
    case related
}

/// The permission table of SPEC §5, one function, table-tested.
public enum ChatPermissions {
    public static func decide(_ actor: ChatActor, _ action: ChatAction, _ chat: ChatTarget) -> Decision {
        if actor.isAdministrator { return .allowed }
        if action == .initialize {
            return .denied("Only the organization's administrators initialize chats.")
        }
        if leadsClass(actor, chat) || teachesSubject(actor, chat) { return .allowed }
        switch action {
        case .addMembers where chat.actorIsChatAdmin && !actor.isStaff:
            return .denied("Students and parents who administer a chat moderate it and remove members; staff add people.")
        case .addMembers, .removeMembers, .changeAdmins:
            return chat.actorIsChatAdmin
                ? .allowed
                : .denied("Only the chat's admins, the class's homeroom teacher and the organization's administrators manage its members.")
        case .create:
            return .denied(
                "Homeroom teachers create the chats of their class (class, parents, subject and other chats of the class), subject teachers the chats of what they teach; other chats are created by the organization's administrators.")
        case .rename, .delete:
            return .denied(
                "Only the organization's administrators, the class's homeroom teacher and (for subject chats) its subject teacher rename or delete a chat.")
        case .initialize:
            return .denied("Only the organization's administrators initialize chats.")
        }
    }

    /// The classes and subjects `actor` may make chats for; `nil`: all of them. Administrators:
    /// everything; a homeroom teacher: their classes and every subject (a subject chat of their
    /// class); a subject teacher: the classes and subjects they teach; anyone else: refused.
    public static func creationScope(_ actor: ChatActor) throws(PartaError) -> (classes: Set<ClassID>?, subjects: Set<SubjectID>?) {
        if actor.isAdministrator { return (nil, nil) }
        let leads = !actor.homeroomClasses.isEmpty
        guard leads || !actor.teaching.isEmpty else {
            throw PartaError.forbidden("Chats are created by the organization's administrators, homeroom teachers and subject teachers.")
        }
        return (actor.homeroomClasses.union(actor.teaching.map(\.classID)), leads ? nil : Set(actor.teaching.map(\.subjectID)))
    }

    /// Whether the member picker shows birth dates (to tell namesakes apart): only in the whole
    /// school's list, which only administrators browse.
    public static func showsBirthDates(_ limit: AdditionLimit) -> Bool { limit == .anyone }

    /// Who makes a chat that follows a rule: the organization's administrators; a homeroom teacher
    /// the parents' committee chat of their class.
    public static func decideRule(_ actor: ChatActor, _ rule: ChatRule) -> Decision {
        if actor.isAdministrator { return .allowed }
        if case .parentsCommittee(let c) = rule, actor.homeroomClasses.contains(c) { return .allowed }
        return .denied("Chats that follow a rule are made by the organization's administrators; a homeroom teacher makes the parents' committee chat of their class.")
    }

    /// A rule belongs to a custom chat, and a committee chat to the committee's class.
    public static func checkRuleDraft(kind: ChatKind, classID: ClassID?, rule: ChatRule) throws(PartaError) {
        guard kind == .custom else {
            throw PartaError.invalid("invalid_chat", "Only a custom chat follows a rule; the roster chats follow the roster.", details: ["field": .string("rule")])
        }
        if let classID {
            guard case .parentsCommittee(let c) = rule, c == classID else {
                throw PartaError.invalid(
                    "invalid_chat", "A chat that follows a rule names no class, except a parents' committee of its own class.",
                    details: ["field": .string("class_id")])
            }
        }
    }

    /// Who opens the chat management list: the organization's administrators (every chat), and
    /// homeroom teachers, subject teachers and chat admins (the chats they manage).
    public static func decideListing(_ actor: ChatActor, administersAnyChat: Bool) -> Decision {
        actor.isAdministrator || administersAnyChat || !actor.homeroomClasses.isEmpty || !actor.teaching.isEmpty
            ? .allowed
            : .denied("Chats are managed by the organization's administrators, homeroom and subject teachers, and chat admins.")
    }

    /// Whom `actor` may add once `decide` allowed `addMembers`: the organization's administrators
    /// anyone; a homeroom teacher, in a chat of their class, its students, their parents and
    /// staff; in the subject chat of what they teach, a subject teacher who is not the class's
    /// homeroom teacher only students they teach (also as that chat's admin, which the roster makes
    /// them); any other member of staff administering a chat staff, the students they teach or lead
    /// and those students' parents.
    public static func additionLimit(_ actor: ChatActor, _ chat: ChatTarget) -> AdditionLimit {
        if actor.isAdministrator { return .anyone }
        if leadsClass(actor, chat), let c = chat.classID { return .classCommunity(c) }
        return teachesSubject(actor, chat) ? .studentsTaught : .related
    }

    /// The people `limit` lets an actor add, from a roster of the classes it concerns (the chat's
    /// class; the classes the actor teaches or leads); `nil` for anyone. `teachers` are the
    /// actor's own staff persons, `staff` the organization's active staff.
    public static func addablePersons(
        _ limit: AdditionLimit, teachers: Set<RosterPersonID>, staff: Set<RosterPersonID>, roster: ChatRoster
    ) -> Set<RosterPersonID>? {
        func withParents(_ students: Set<RosterPersonID>) -> Set<RosterPersonID> {
            var result = students.union(staff)
            for g in roster.guardianships where students.contains(g.student) && roster.isActive(g.parent) { result.insert(g.parent) }
            return result
        }
        switch limit {
        case .anyone: return nil
        case .studentsTaught: return MembershipPlanner.studentsTaught(by: teachers, roster)
        case .classCommunity(let c): return withParents(MembershipPlanner.studentsByClass(roster)[c] ?? [])
        case .related: return withParents(MembershipPlanner.studentsTaughtOrLed(by: teachers, roster))
        }
    }

    /// Refuses additions outside the limit, naming the first person refused.
    public static func checkAdditions(
        _ limit: AdditionLimit, _ candidates: [(id: RosterPersonID, name: String, addable: Bool)]
    ) throws(PartaError) {
        guard let refused = candidates.first(where: { !$0.addable }) else { return }
        switch limit {
        case .anyone: return
        case .studentsTaught:
            throw PartaError.forbidden("A subject teacher adds only students who take their subjects; \(refused.name) does not.")
        case .classCommunity:
            throw PartaError.forbidden("A homeroom teacher adds the class's students, their parents and staff; \(refused.name) is none of them.")
        case .related:
            throw PartaError.forbidden(
                "Staff add colleagues, the students they teach or lead and those students' parents; \(refused.name) is none of them.")
        }
    }

    /// The kinds of chat a homeroom teacher manages in their own class: its roster chats, and the
    /// other (custom) chats made for the class — a parents' committee, a trip group.
    public static let homeroomKinds: [ChatKind] = [.classChat, .parents, .subject, .custom]

    /// A homeroom teacher creates and manages the class, parents, subject and other chats of their own class.
    static func leadsClass(_ actor: ChatActor, _ chat: ChatTarget) -> Bool {
        guard let c = chat.classID, homeroomKinds.contains(chat.kind) else { return false }
        return actor.homeroomClasses.contains(c)
    }

    /// A subject teacher manages the subject chats of what they teach in that class.
    static func teachesSubject(_ actor: ChatActor, _ chat: ChatTarget) -> Bool {
        guard chat.kind == .subject, let c = chat.classID, let s = chat.subjectID else { return false }
        return actor.teaching.contains(.init(classID: c, subjectID: s))
    }
}
