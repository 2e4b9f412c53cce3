public import Foundation

public typealias ChatID = Identifier<Chat>

/// What a chat is for (SPEC §4): four kinds follow the roster, custom chats are composed by hand.
public enum ChatKind: String, Sendable, Codable, CaseIterable {
    /// Учительская: every teacher of the organization.
    case staffRoom = "staff_room"
    /// Класс: the homeroom teacher and the class's students.
    case classChat = "class"
    /// Родители: the homeroom teacher and the parents of the class's students.
    case parents
    /// Предмет: a subject's teachers and the students of the class (or group) who take it.
    case subject
    /// Any composition: a school-wide chat, the parents' committee, the student council.
    case custom
    /// Two people, opened from the messenger where `DirectChatRules` allows it; not managed.
    case direct

    public var followsRoster: Bool { self != .custom && self != .direct }

    /// Whether chat management (SPEC §5) sees chats of this kind: a direct chat is private to its
    /// two members, and nobody lists, opens or edits it from the management screen.
    public var isManaged: Bool { self != .direct }

    public static let managedKinds = allCases.filter(\.isManaged)

    /// The kinds "initialize chats" can create.
    public static let rosterKinds: [ChatKind] = [.staffRoom, .classChat, .parents, .subject]

    /// Accepts the API names and the Russian words of the management screen.
    public static func parse(_ raw: String) throws(PartaError) -> ChatKind {
        switch raw.trimmingWhitespace().lowercased() {
        case "staff_room", "staff", "учительская": return .staffRoom
        case "class", "класс": return .classChat
        case "parents", "родители": return .parents
        case "subject", "предмет": return .subject
        case "custom", "другой", "произвольный": return .custom
        default:
            throw PartaError.invalid(
                "invalid_chat_type", "Unknown chat type «\(raw)»; use staff_room, class, parents, subject or custom.")
        }
    }
}

/// Which roster-driven chat a chat is: what the planner aims at. A subject chat is one per
/// class × subject × group (an empty group is the whole class).
public enum RosterChatKey: Hashable, Sendable, Comparable {
    case staffRoom
    case classChat(ClassID)
    case parents(ClassID)
    case subject(ClassID, SubjectID, group: String)

    public var kind: ChatKind {
        switch self {
        case .staffRoom: .staffRoom
        case .classChat: .classChat
        case .parents: .parents
        case .subject: .subject
        }
    }

    public var classID: ClassID? {
        switch self {
        case .staffRoom: nil
        case .classChat(let c), .parents(let c), .subject(let c, _, _): c
        }
    }

    public var subjectID: SubjectID? {
        if case .subject(_, let subject, _) = self { return subject }
        return nil
    }

    public var group: String {
        if case .subject(_, _, let group) = self { return group }
        return ""
    }

    /// The stored form: `staff_room`, `class:12`, `parents:12`, `subject:12:5:Англ.яз/1`.
    public var storageKey: String {
        switch self {
        case .staffRoom: "staff_room"
        case .classChat(let c): "class:\(c.rawValue)"
        case .parents(let c): "parents:\(c.rawValue)"
        case .subject(let c, let s, let group): "subject:\(c.rawValue):\(s.rawValue):\(group)"
        }
    }

    public init?(storageKey: String) {
        let parts = storageKey.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "staff_room" where parts.count == 1:
            self = .staffRoom
        case "class" where parts.count == 2:
            guard let c = Int64(parts[1]) else { return nil }
            self = .classChat(ClassID(c))
        case "parents" where parts.count == 2:
            guard let c = Int64(parts[1]) else { return nil }
            self = .parents(ClassID(c))
        case "subject" where parts.count == 4:
            guard let c = Int64(parts[1]), let s = Int64(parts[2]) else { return nil }
            self = .subject(ClassID(c), SubjectID(s), group: parts[3])
        default:
            return nil
        }
    }

    public static func < (a: RosterChatKey, b: RosterChatKey) -> Bool { a.storageKey < b.storageKey }

    /// What a chat to be created of `kind` must name, and its roster key (`nil` for custom chats):
    /// the staff room names no class or subject, class and parents chats a class, a subject chat a
    /// class and a subject (and perhaps a group); a custom chat needs a name (unless it follows a
    /// rule, which names it) and has no subject.
    public static func forNewChat(
        kind: ChatKind, classID: ClassID?, subjectID: SubjectID?, group: String, name: String?, followsRule: Bool = false
    ) throws(PartaError) -> RosterChatKey? {
        switch kind {
        case .staffRoom:
            guard classID == nil, subjectID == nil else {
                throw PartaError.invalid("invalid_chat", "The staff room belongs to the whole organization: no class or subject.")
            }
            return .staffRoom
        case .classChat, .parents:
            guard let classID, subjectID == nil else {
                throw PartaError.invalid("invalid_chat", "A class or parents chat names its class (class_id) and no subject.")
            }
            return kind == .classChat ? .classChat(classID) : .parents(classID)
        case .subject:
            guard let classID, let subjectID else {
                throw PartaError.invalid("invalid_chat", "A subject chat names its class (class_id) and subject (subject_id).")
            }
            return .subject(classID, subjectID, group: group)
        case .direct:
            throw PartaError.invalid("invalid_chat_type", "Direct chats are opened from the messenger.")
        case .custom:
            // A chat that follows a rule is named after it when no name is given.
            guard name != nil || followsRule else { throw PartaError.invalid("name_required", "A custom chat needs a name.") }
            guard subjectID == nil else { throw PartaError.invalid("invalid_chat", "A custom chat has no subject.") }
            return nil
        }
    }

    /// The name a school gives such a chat: `Учительская`, `10А - Ученики`, `10А - Родители`,
    /// `9г - Химия`, and for a group of the class `10А - Английский язык (Англ.яз/1)`: the class
    /// once (a school system's group title often repeats it: `10А Англ.яз/1`), the subject, and
    /// the group as the school calls it — a bare number reads `(группа 2)`.
    public static func name(of key: RosterChatKey, className: String?, subjectName: String?) -> String {
        let label = className ?? "?"
        switch key {
        case .staffRoom: return "Учительская"
        case .classChat: return "\(label) - Ученики"
        case .parents: return "\(label) - Родители"
        case .subject(_, _, let rawGroup):
            let group = groupLabel(rawGroup, className: className)
            let subject = subjectName?.trimmingWhitespace() ?? ""
            switch (subject.isEmpty, group.isEmpty) {
            case (_, true): return "\(label) - \(subject.isEmpty ? "?" : subject)"
            case (true, false): return "\(label) - \(group)"
            case (false, false):
                // A group named after its subject says no more than its number: `10А - Химия`, not
                // `10А - Химия (Химия)`; `10А - Англ.яз (группа 1)`, not `10А - Англ.яз (Англ.яз/1)`.
                let rest = groupLabel(group, className: subject)
                if rest.isEmpty { return "\(label) - \(subject)" }
                return "\(label) - \(subject) (\(rest.hasPrefix("группа ") ? rest : group))"
            }
        }
    }

    /// A group's title without the class it belongs to (`10А Англ.яз/1`, `10А/Англ.яз/1`, `10а - 1`
    /// give `Англ.яз/1`, `Англ.яз/1`, `группа 1`); a bare number becomes `группа N`.
    static func groupLabel(_ raw: String, className: String?) -> String {
        var group = raw.trimmingWhitespace()
        if let className = className?.trimmingWhitespace(), !className.isEmpty,
           group.lowercased().hasPrefix(className.lowercased()) {
            let rest = group.dropFirst(className.count)
            let separators = " /-–:.,"
            // Only a whole class name followed by a separator: `10А` must not be cut from `10Аб`.
            if let next = rest.first, separators.contains(next) {
                group = String(rest.drop { separators.contains($0) }).trimmingWhitespace()
            } else if rest.isEmpty {
                group = ""
            }
        }
        if !group.isEmpty, group.allSatisfy(\.isNumber) { return "группа \(group)" }
        return group
    }
}

/// A chat as stored. Roster-driven chats carry their `rosterKey`; custom chats do not.
public struct Chat: Hashable, Sendable {
    public var id: ChatID
    public var organizationID: OrganizationID
    public var kind: ChatKind
    public var name: String
    /// Set once a person renames the chat: the roster no longer renames it.
    public var nameEdited: Bool
    public var rosterKey: RosterChatKey?
    public var classID: ClassID?
    public var subjectID: SubjectID?
    public var group: String
    public var schoolYearID: SchoolYearID?
    public var createdAt: Date
    /// A custom chat whose members follow a rule over the roster.
    public var rule: ChatRule?

    public init(
        id: ChatID, organizationID: OrganizationID, kind: ChatKind, name: String, nameEdited: Bool, rosterKey: RosterChatKey?,
        classID: ClassID?, subjectID: SubjectID?, group: String, schoolYearID: SchoolYearID?, createdAt: Date, rule: ChatRule? = nil
    ) {
        self.rule = rule
        self.id = id
        self.organizationID = organizationID
        self.kind = kind
        self.name = name
        self.nameEdited = nameEdited
        self.rosterKey = rosterKey
        self.classID = classID
        self.subjectID = subjectID
        self.group = group
        self.schoolYearID = schoolYearID
        self.createdAt = createdAt
    }

    /// A chat name as people may type it: one line, 1–120 characters.
    public static func checkName(_ raw: String) throws(PartaError) -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty else { throw PartaError.invalid("invalid_chat_name", "A chat name is one line of 1 to 120 characters.") }
        return try TextRules.checkName(name, field: "name", maxCharacters: 120, code: "invalid_chat_name")
    }
}

/// Who a chat member is: a roster person (pending until linked to an account), or an account with
/// no roster person here (an administrator who is not in the school's roster).
public enum ChatMemberRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    case person(RosterPersonID)
    case account(AccountID)

    public var personID: RosterPersonID? {
        if case .person(let id) = self { return id }
        return nil
    }

    public var accountID: AccountID? {
        if case .account(let id) = self { return id }
        return nil
    }

    public var description: String {
        switch self {
        case .person(let id): "person \(id.rawValue)"
        case .account(let id): "account \(id.rawValue)"
        }
    }

    public static func < (a: ChatMemberRef, b: ChatMemberRef) -> Bool {
        switch (a, b) {
        case (.person(let x), .person(let y)): x.rawValue < y.rawValue
        case (.account(let x), .account(let y)): x.rawValue < y.rawValue
        case (.person, .account): true
        case (.account, .person): false
        }
    }
}

/// Why someone is a chat admin. A person who unmakes an admin the roster made records `declined`,
/// so the next roster change does not make them admin again.
public enum ChatAdminMark: String, Sendable, Codable, CaseIterable {
    case none
    case roster
    case manual
    case declined

    public var isAdmin: Bool { self == .roster || self == .manual }
}

/// One member of one chat with its provenance: the roster put them there, a person added them by
/// hand, or both. The roster only ever takes away what the roster gave.
public struct ChatMembership: Hashable, Sendable {
    public var member: ChatMemberRef
    public var viaRoster: Bool
    public var viaHand: Bool
    public var admin: ChatAdminMark

    public init(member: ChatMemberRef, viaRoster: Bool, viaHand: Bool, admin: ChatAdminMark = .none) {
        self.member = member
        self.viaRoster = viaRoster
        self.viaHand = viaHand
        self.admin = admin
    }

    public var isAdmin: Bool { admin.isAdmin }

    /// The mark after a person makes (`true`) or unmakes this member a chat admin: unmaking an
    /// admin the roster made is remembered as `declined`.
    public func adminMark(settingAdmin admin: Bool) -> ChatAdminMark {
        if admin { return isAdmin ? self.admin : .manual }
        return self.admin == .roster ? .declined : (isAdmin ? .none : self.admin)
    }
}
