import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

struct ChatCountsDTO: Codable, Sendable {
    var chatsCreated: Int
    var chatsRenamed: Int
    var membersAdded: Int
    var membersRemoved: Int
    var adminChanges: Int

    init(_ c: ChatSyncReport.Counts) {
        chatsCreated = c.chatsCreated
        chatsRenamed = c.chatsRenamed
        membersAdded = c.membersAdded
        membersRemoved = c.membersRemoved
        adminChanges = c.adminChanges
    }
}

struct ChatSyncReportDTO: ResponseCodable {
    var dryRun: Bool
    var byType: [String: ChatCountsDTO]
    var total: ChatCountsDTO

    init(_ report: ChatSyncReport) {
        dryRun = report.dryRun
        byType = Dictionary(uniqueKeysWithValues: report.byKind.map { ($0.key.rawValue, ChatCountsDTO($0.value)) })
        total = ChatCountsDTO(report.total)
    }
}

struct ChatMemberNameDTO: Codable, Sendable {
    var personId: RosterPersonID?
    var accountId: AccountID?
    var fullName: String
    var nameConfirmed: Bool
    var role: RosterRole?

    init(_ name: ChatMemberName) {
        personId = name.member.personID
        accountId = name.accountID
        fullName = name.name.full
        nameConfirmed = name.confirmed
        role = name.role
    }
}

struct ChatDTO: ResponseCodable {
    /// The row's number in the list (1-based across pages); absent outside lists.
    var number: Int?
    var id: ChatID
    var name: String
    var type: ChatKind
    var memberCount: Int
    var pendingCount: Int
    var schoolYear: String?
    var classId: ClassID?
    var className: String?
    var subjectId: SubjectID?
    var group: String
    var followsRoster: Bool
    /// A custom chat's rule: `all_staff`, `parents_of_grade:10`, … (absent for the others).
    var rule: String?
    var nameEdited: Bool
    var admins: [ChatMemberNameDTO]
    /// What the viewer may do (only on a single chat).
    var allowed: [String]?
    /// Whom the viewer may make invite links for (only on a single chat).
    var inviteRoles: [ChatInviteAudience]?

    init(_ s: ChatSummary, number: Int? = nil, allowed: [ChatAction]? = nil) {
        self.number = number
        id = s.chat.id
        name = s.chat.name
        type = s.chat.kind
        memberCount = s.memberCount
        pendingCount = s.pendingCount
        schoolYear = s.schoolYearName
        classId = s.chat.classID
        className = s.className
        subjectId = s.chat.subjectID
        group = s.chat.group
        followsRoster = s.chat.rosterKey != nil
        rule = s.chat.rule?.storageKey
        nameEdited = s.chat.nameEdited
        admins = s.admins.map(ChatMemberNameDTO.init)
        self.allowed = allowed?.map(\.rawValue)
    }

    init(_ view: ChatView) {
        self.init(view.summary, allowed: view.allowed)
        inviteRoles = view.inviteAudiences
    }
}

struct ChatMemberDTO: Codable, Sendable {
    var personId: RosterPersonID?
    var accountId: AccountID?
    var fullName: String
    /// `false`: the account's own name, not one the school stands behind.
    var nameConfirmed: Bool
    var role: RosterRole?
    /// A roster person not yet linked to an account: appears in the messenger once linked.
    var pending: Bool
    var fromRoster: Bool
    var addedByHand: Bool
    /// Came in by a chat invite link (its id).
    var viaInviteId: ChatInviteID?
    var admin: Bool

    init(_ membership: ChatMembership, _ name: ChatMemberName) {
        personId = membership.member.personID
        accountId = name.accountID
        fullName = name.name.full
        nameConfirmed = name.confirmed
        role = name.role
        pending = name.accountID == nil
        fromRoster = membership.viaRoster
        addedByHand = membership.viaHand
        viaInviteId = name.viaInvite
        admin = membership.isAdmin
    }
}

struct MemberAdditionDTO: ResponseCodable {
    var matched: Int
    var added: Int
    var alreadyMembers: Int
}

/// Someone the picker offers: only what choosing needs — never an external id; a birth date only
/// for administrators, who browse the whole school (`Parta.chatCandidates`).
struct CandidateDTO: Codable, Sendable {
    struct Person: Codable, Sendable {
        var id: RosterPersonID
        var fullName: String
        var role: RosterRole
        var birthDate: LocalDate?
    }

    var person: Person
    var isMember: Bool

    init(_ person: RosterPerson, isMember: Bool) {
        self.person = Person(id: person.id, fullName: person.name.full, role: person.role, birthDate: person.birthDate)
        self.isMember = isMember
    }
}
