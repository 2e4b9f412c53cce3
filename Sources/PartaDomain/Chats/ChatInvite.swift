public import Foundation

public typealias ChatInviteID = Identifier<ChatInvite>

/// Who a chat invite link is for: people of the organization in these roles (SPEC §4).
public enum ChatInviteAudience: String, Sendable, Codable, CaseIterable, Comparable {
    case students
    case parents
    /// Teachers and employees.
    case staff

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    public func admits(_ role: RosterRole) -> Bool {
        switch self {
        case .students: role == .student
        case .parents: role == .parent
        case .staff: role.isStaff
        }
    }

    public static func parse(_ raw: String) throws(PartaError) -> ChatInviteAudience {
        guard let audience = ChatInviteAudience(rawValue: raw) else {
            throw PartaError.invalid(
                "invalid_audience", "A chat invite is for students, parents or staff.", details: ["field": .string("roles")])
        }
        return audience
    }
}

/// A link a chat's manager hands out: `/chat-invite/<token>` lets people of the organization in
/// the invited roles join the chat themselves, until it expires, is used up or revoked.
public struct ChatInvite: Hashable, Sendable {
    public var id: ChatInviteID
    public var organizationID: OrganizationID
    public var chatID: ChatID
    public var audiences: Set<ChatInviteAudience>
    public var createdAt: Date
    public var createdBy: AccountID?
    public var expiresAt: Date
    /// `nil`: any number of people may join through it.
    public var maxUses: Int?
    public var useCount: Int
    public var revokedAt: Date?

    public init(
        id: ChatInviteID, organizationID: OrganizationID, chatID: ChatID, audiences: Set<ChatInviteAudience>, createdAt: Date,
        createdBy: AccountID?, expiresAt: Date, maxUses: Int?, useCount: Int, revokedAt: Date?
    ) {
        self.id = id
        self.organizationID = organizationID
        self.chatID = chatID
        self.audiences = audiences
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.maxUses = maxUses
        self.useCount = useCount
        self.revokedAt = revokedAt
    }
}

extension ChatInvite: CountedLink {}

/// What a chat's manager asks a chat invite to be, once checked.
public struct ChatInviteTerms: Sendable, Equatable {
    public var audiences: Set<ChatInviteAudience>
    public var expiresAt: Date
    public var maxUses: Int?
}

/// Whether a person may come into a chat by its invite: who they are in the organization.
public enum ChatInviteAdmission: Sendable, Equatable {
    /// Joins as this member: the roster person whose role the invite admits (staff first), or the
    /// account of an administrator the roster does not know, when staff are invited.
    case member(ChatMemberRef)
    /// Already a member: the link changes nothing and uses nothing.
    case alreadyMember
}

/// The rules of chat invites (SPEC §4): who may make them, for whom, how long and how often they
/// work, and who comes in through them.
public enum ChatInviteRules {
    /// Usable links one maker may have to one chat at once: they revoke old ones before making
    /// more. Counted per maker, so that the cap is made of links the maker sees and can revoke —
    /// not an administrator's links a subject teacher is not shown, nor the dead links of a maker
    /// who left.
    public static let maximumActivePerChat = 20

    /// Throws when a maker who has `usable` working links to a chat may make no more.
    public static func checkRoom(usable: Int) throws(PartaError) {
        guard usable >= maximumActivePerChat else { return }
        throw PartaError.conflict(
            "too_many_chat_invites", "You have \(maximumActivePerChat) working links to this chat already; revoke one before making another.")
    }

    /// Who may invite whom: managers who may add anyone or a class's community invite students,
    /// parents and staff; a subject teacher, who adds only the students they teach, invites
    /// students. Direct chats have no invites.
    public static func decide(_ actor: ChatActor, _ chat: ChatTarget, audiences: Set<ChatInviteAudience>) -> Decision {
        if chat.kind == .direct { return .denied("A direct chat is between two people; it has no invite links.") }
        let canAdd = ChatPermissions.decide(actor, .addMembers, chat)
        guard canAdd.isAllowed else {
            return .denied("Invite links are made by those who add members to the chat: its admins among staff, the class's homeroom teacher, the subject teacher and the organization's administrators.")
        }
        if ChatPermissions.additionLimit(actor, chat) == .studentsTaught, audiences != [.students] {
            return .denied("A subject teacher invites only students into the chats of what they teach.")
        }
        return .allowed
    }

    /// Which links of a chat `actor` sees and revokes, as a set of roles a link must be for exactly;
    /// `nil`: all of them. A subject teacher, who makes links for students only, sees only those —
    /// not the administrators' links for parents or staff, nor their tokens.
    public static func visibleAudiences(_ actor: ChatActor, _ chat: ChatTarget) -> Set<ChatInviteAudience>? {
        ChatPermissions.additionLimit(actor, chat) == .studentsTaught ? [.students] : nil
    }

    /// A link lets people in while its maker could still make it: someone whose account is gone,
    /// who left the organization or who no longer manages the chat (a homeroom teacher replaced, a
    /// chat admin demoted) leaves behind links that no longer work. `makerDecision` is
    /// `decide(maker, chat, audiences: invite.audiences)` for the maker as they are now, `nil`
    /// when the maker's account no longer exists.
    public static func checkMaker(_ makerDecision: Decision?) throws(PartaError) {
        guard makerDecision?.isAllowed != true else { return }
        throw makerLeft
    }

    public static let makerLeft = PartaError(
        .gone, code: "chat_invite_maker_left",
        message: "Whoever made this link can no longer add people to this chat, so it no longer works. Ask the chat's admins for a new one.")

    /// Checks a manager's request for a new chat invite and fills the defaults: a week, no use limit.
    public static func terms(audiences: [ChatInviteAudience], expiresAt: Date?, maxUses: Int?, now: Date) throws(PartaError) -> ChatInviteTerms {
        let set = Set(audiences)
        guard !set.isEmpty else {
            throw PartaError.invalid(
                "audience_required", "Choose who the link is for: students, parents, staff.", details: ["field": .string("roles")])
        }
        // The same lifetimes and use limits as organization invites.
        return ChatInviteTerms(
            audiences: set, expiresAt: try InviteRules.expiry(expiresAt, now: now), maxUses: try maxUses.map(InviteRules.useLimit))
    }

    public static let usedUp = PartaError(
        .gone, code: "chat_invite_used_up", message: "This link has been used as many times as allowed. Ask whoever sent it for a new one.")

    /// Throws why `invite` cannot be used now: revoked, used up, expired, or its chat deleted.
    public static func check(_ invite: ChatInvite, chatExists: Bool, now: Date) throws(PartaError) {
        guard chatExists else {
            throw PartaError(.gone, code: "chat_invite_chat_deleted", message: "The chat this link led to has been deleted.")
        }
        switch invite.status(at: now) {
        case .active: return
        case .revoked:
            throw PartaError(.gone, code: "chat_invite_revoked", message: "This link has been revoked. Ask whoever sent it for a new one.")
        case .usedUp:
            throw usedUp
        case .expired:
            throw PartaError(.gone, code: "chat_invite_expired", message: "This link has expired. Ask whoever sent it for a new one.")
        }
    }

    /// Who comes in: one of the person's active roster persons of the organization whose role the
    /// invite admits (staff first, then students, then parents) — or, for staff invites, an
    /// administrator of the organization with no roster person — unless they are a member already.
    /// Someone not in the organization is led to apply to it; someone in it in other roles is
    /// refused, naming whom the link is for; so is someone its maker could not add by hand
    /// (`addable`: the persons the maker's `AdditionLimit` allows today, `nil` for anyone — a
    /// subject teacher's link is for the students they teach, a homeroom teacher's for their
    /// class's students and parents and staff, not for every student or parent of the school);
    /// someone the chat's managers removed does not come back by a link (only they add them again).
    public static func admit(
        _ audiences: Set<ChatInviteAudience>, persons: [(id: RosterPersonID, role: RosterRole)], administrator: AccountID?,
        members: Set<ChatMemberRef>, removed: Set<ChatMemberRef> = [], addable: Set<RosterPersonID>? = nil
    ) throws(PartaError) -> ChatInviteAdmission {
        guard !persons.isEmpty || administrator != nil else {
            throw PartaError(
                .forbidden, code: "chat_invite_not_in_organization",
                message: "This link is for people of the school. Apply to join the school first; once it accepts you, open the link again.")
        }
        let mine = persons.map { ChatMemberRef.person($0.id) } + (administrator.map { [ChatMemberRef.account($0)] } ?? [])
        if mine.contains(where: members.contains) { return .alreadyMember }
        let order: [RosterRole] = [.teacher, .employee, .student, .parent]
        let invited = persons
            .filter { p in audiences.contains { $0.admits(p.role) } }
            .sorted { (order.firstIndex(of: $0.role)!, $0.id) < (order.firstIndex(of: $1.role)!, $1.id) }
        var admitted = invited.filter { addable?.contains($0.id) ?? true }.map { ChatMemberRef.person($0.id) }
        if persons.isEmpty, let administrator, audiences.contains(.staff) { admitted = [.account(administrator)] }
        guard let member = admitted.first else {
            guard invited.isEmpty else {
                throw PartaError(
                    .forbidden, code: "chat_invite_not_for_you",
                    message: "This link is for the people its maker adds to the chat — in a class's chat, that class's students, their parents and staff; a subject teacher's link, the students they teach. You are not among them; ask the chat's admins.")
            }
            let whom = audiences.sorted().map(\.rawValue).joined(separator: ", ")
            throw PartaError(
                .forbidden, code: "chat_invite_role_not_invited", message: "This link is for \(whom) of the school; you are not invited by it.",
                details: ["roles": .string(audiences.sorted().map(\.rawValue).joined(separator: ","))])
        }
        if removed.contains(member) {
            throw PartaError(
                .forbidden, code: "chat_invite_removed",
                message: "You were removed from this chat; a link does not bring you back. Ask the chat's admins.")
        }
        return .member(member)
    }
}
