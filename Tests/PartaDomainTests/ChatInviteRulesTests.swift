import Foundation
import PartaDomain
import Testing

/// Chat invite links (SPEC §4): who makes them for whom, their terms, and who comes in.
@Suite("Chat invite rules")
struct ChatInviteRulesTests {
    static let c10A = ClassID(10), c9G = ClassID(9)
    static let kraeved = SubjectID(1)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let administrator = ChatActor(isAdministrator: true)
    static let homeroom10A = ChatActor(homeroomClasses: [c10A])
    static let kraevedTeacher = ChatActor(teaching: [.init(classID: c10A, subjectID: kraeved)])
    static let staff = ChatActor(isStaff: true)
    static let pupil = ChatActor()

    static let parents10A = ChatTarget(kind: .parents, classID: c10A)
    static let kraeved10A = ChatTarget(kind: .subject, classID: c10A, subjectID: kraeved)
    static let custom = ChatTarget(kind: .custom)
    static let customAdmin = ChatTarget(kind: .custom, actorIsChatAdmin: true)
    static let direct = ChatTarget(kind: .direct, actorIsChatAdmin: true)

    @Test("who invites whom into which chat", arguments: [
        // (actor, chat, audiences, allowed)
        (administrator, custom, [ChatInviteAudience.students, .parents, .staff], true),
        (administrator, direct, [.students], false),
        (homeroom10A, parents10A, [.parents], true),
        (homeroom10A, parents10A, [.students, .parents, .staff], true),
        (homeroom10A, ChatTarget(kind: .parents, classID: c9G), [.parents], false),
        // A subject teacher adds only the students they teach: the link is for students alone.
        (kraevedTeacher, kraeved10A, [.students], true),
        (kraevedTeacher, kraeved10A, [.students, .parents], false),
        (kraevedTeacher, parents10A, [.students], false),
        // Staff administering a chat invite; staff not administering it do not.
        (staff, customAdmin, [.parents, .staff], true),
        (staff, custom, [.staff], false),
        // A student or parent chat admin moderates but does not add people, nor invite them.
        (pupil, customAdmin, [.students], false),
        (pupil, custom, [.students], false),
    ] as [(ChatActor, ChatTarget, [ChatInviteAudience], Bool)])
    func decide(actor: ChatActor, chat: ChatTarget, audiences: [ChatInviteAudience], allowed: Bool) {
        #expect(ChatInviteRules.decide(actor, chat, audiences: Set(audiences)).isAllowed == allowed)
    }

    @Test("terms: somebody to invite, an hour to 90 days (a week by default), 1 to 10 000 uses or unlimited")
    func terms() throws {
        let plain = try ChatInviteRules.terms(audiences: [.parents, .parents], expiresAt: nil, maxUses: nil, now: Self.now)
        #expect(plain.audiences == [.parents] && plain.expiresAt == Self.now.addingTimeInterval(7 * 86_400) && plain.maxUses == nil)
        let edge = try ChatInviteRules.terms(audiences: [.students, .staff], expiresAt: Self.now.addingTimeInterval(3_600), maxUses: 10_000, now: Self.now)
        #expect(edge.maxUses == 10_000 && edge.audiences == [.students, .staff])
        #expect(try ChatInviteRules.terms(audiences: [.staff], expiresAt: Self.now.addingTimeInterval(90 * 86_400), maxUses: 1, now: Self.now).maxUses == 1)

        let bad: [([ChatInviteAudience], TimeInterval?, Int?, String)] = [
            ([], nil, nil, "audience_required"),
            ([.parents], 3_599, nil, "invalid_expiry"),
            ([.parents], 90 * 86_400 + 1, nil, "invalid_expiry"),
            ([.parents], -60, nil, "invalid_expiry"),
            ([.parents], nil, 0, "invalid_max_uses"),
            ([.parents], nil, -3, "invalid_max_uses"),
            ([.parents], nil, 10_001, "invalid_max_uses"),
        ]
        for (audiences, lifetime, maxUses, code) in bad {
            let error = #expect(throws: PartaError.self) {
                try ChatInviteRules.terms(audiences: audiences, expiresAt: lifetime.map(Self.now.addingTimeInterval), maxUses: maxUses, now: Self.now)
            }
            #expect(error?.code == code && error?.kind == .badRequest, "\(audiences) \(String(describing: lifetime)) \(String(describing: maxUses))")
        }
        #expect(try ChatInviteAudience.parse("staff") == .staff)
        #expect((#expect(throws: PartaError.self) { try ChatInviteAudience.parse("teachers") })?.code == "invalid_audience")
    }

    static func invite(maxUses: Int? = nil, useCount: Int = 0, revoked: Bool = false, expiresIn: TimeInterval = 3_600) -> ChatInvite {
        ChatInvite(
            id: ChatInviteID(1), organizationID: OrganizationID(1), chatID: ChatID(5), audiences: [.parents], createdAt: now,
            createdBy: nil, expiresAt: now.addingTimeInterval(expiresIn), maxUses: maxUses, useCount: useCount,
            revokedAt: revoked ? now : nil)
    }

    @Test("a link works until revoked, used up or expired — revocation named first — and not once its chat is gone", arguments: [
        (invite(), true, nil),
        (invite(maxUses: 2, useCount: 1), true, nil),
        (invite(maxUses: 2, useCount: 2), true, "chat_invite_used_up"),
        (invite(expiresIn: 0), true, "chat_invite_expired"),
        (invite(maxUses: 1, useCount: 1, revoked: true, expiresIn: -1), true, "chat_invite_revoked"),
        (invite(maxUses: 1, useCount: 1, expiresIn: -1), true, "chat_invite_used_up"),
        (invite(), false, "chat_invite_chat_deleted"),
    ] as [(ChatInvite, Bool, String?)])
    func check(invite: ChatInvite, chatExists: Bool, code: String?) {
        do {
            try ChatInviteRules.check(invite, chatExists: chatExists, now: Self.now)
            #expect(code == nil)
        } catch {
            #expect(error.code == code && error.kind == .gone)
        }
    }

    @Test("a subject teacher sees only the links for students; the others every link", arguments: [
        (administrator, kraeved10A, nil),
        (homeroom10A, parents10A, nil),
        (staff, customAdmin, nil),
        (kraevedTeacher, kraeved10A, Set([ChatInviteAudience.students])),
    ] as [(ChatActor, ChatTarget, Set<ChatInviteAudience>?)])
    func visibleAudiences(actor: ChatActor, chat: ChatTarget, expected: Set<ChatInviteAudience>?) {
        #expect(ChatInviteRules.visibleAudiences(actor, chat) == expected)
    }

    @Test("a link stops working once its maker could no longer make it", arguments: [
        // (the maker as they are now, or nil: their account is gone) → works
        (homeroom10A as ChatActor?, [ChatInviteAudience.parents], true),
        // The class got another homeroom teacher; the maker now only teaches in it.
        (kraevedTeacher, [.parents], false),
        (pupil, [.parents], false),
        (nil, [.parents], false),
        (administrator, [.students, .parents, .staff], true),
    ] as [(ChatActor?, [ChatInviteAudience], Bool)])
    func maker(maker: ChatActor?, audiences: [ChatInviteAudience], works: Bool) {
        let decision = maker.map { ChatInviteRules.decide($0, Self.parents10A, audiences: Set(audiences)) }
        do {
            try ChatInviteRules.checkMaker(decision)
            #expect(works)
        } catch {
            #expect(!works && error.code == "chat_invite_maker_left" && error.kind == .gone)
        }
    }

    static let teacher = RosterPersonID(1), parent = RosterPersonID(2), student = RosterPersonID(3), otherParent = RosterPersonID(4)
    static let adminAccount = AccountID(7)

    @Test("who comes in: the person whose role is invited (staff first), members use nothing, others are told why", arguments: [
        // (audiences, the person's roster persons, administrator account, members, removed) → who joins, or the refusal's code
        ([ChatInviteAudience.parents], [(parent, RosterRole.parent)], nil, [], [], "person 2"),
        ([.parents], [(otherParent, .parent), (parent, .parent)], nil, [], [], "person 2"),
        // A teacher who is also a parent comes in as staff when staff are invited, else as the parent.
        ([.parents, .staff], [(parent, .parent), (teacher, .teacher)], nil, [], [], "person 1"),
        ([.parents], [(parent, .parent), (teacher, .teacher)], nil, [], [], "person 2"),
        ([.students], [(parent, .parent)], nil, [], [], "chat_invite_role_not_invited"),
        ([.staff], [(student, .student)], nil, [], [], "chat_invite_role_not_invited"),
        ([.students], [], nil, [], [], "chat_invite_not_in_organization"),
        // An administrator the roster does not know comes in by a staff link, as the account.
        ([.staff], [], adminAccount, [], [], "account 7"),
        ([.parents], [], adminAccount, [], [], "chat_invite_role_not_invited"),
        // An administrator who is also a roster parent comes in as that person.
        ([.parents, .staff], [(parent, .parent)], adminAccount, [], [], "person 2"),
        // Already there, as any of their persons or their account: nothing to do.
        ([.parents], [(parent, .parent), (teacher, .teacher)], nil, [.person(teacher)], [], "member"),
        ([.staff], [], adminAccount, [.account(adminAccount)], [], "member"),
        // Removed by the chat's managers: a link does not bring them back.
        ([.parents], [(parent, .parent)], nil, [], [.person(parent)], "chat_invite_removed"),
        ([.staff], [], adminAccount, [], [.account(adminAccount)], "chat_invite_removed"),
    ] as [([ChatInviteAudience], [(RosterPersonID, RosterRole)], AccountID?, Set<ChatMemberRef>, Set<ChatMemberRef>, String)])
    func admit(
        audiences: [ChatInviteAudience], persons: [(RosterPersonID, RosterRole)], administrator: AccountID?, members: Set<ChatMemberRef>,
        removed: Set<ChatMemberRef>, expected: String
    ) {
        #expect(Self.outcome { () throws(PartaError) in
            try ChatInviteRules.admit(
                Set(audiences), persons: persons.map { (id: $0.0, role: $0.1) }, administrator: administrator, members: members, removed: removed)
        } == expected)
    }

    /// Who an admission lets in (`person 2`, `account 7`, `member`), or the refusal's code.
    static func outcome(_ admit: () throws(PartaError) -> ChatInviteAdmission) -> String {
        do {
            switch try admit() {
            case .member(.person(let id)): return "person \(id)"
            case .member(.account(let id)): return "account \(id)"
            case .alreadyMember: return "member"
            }
        } catch {
            #expect(error.kind == .forbidden)
            return error.code
        }
    }

    @Test("who comes in is also someone the link's maker could add", arguments: [
        // (audiences, the person's roster persons, the persons the maker may add) → who joins, or the refusal's code
        ([ChatInviteAudience.parents], [(parent, RosterRole.parent)], nil as Set<RosterPersonID>?, "person 2"),
        ([.parents], [(parent, .parent)], [parent, student], "person 2"),
        // A parent of another class, by a homeroom teacher's link for parents.
        ([.parents], [(otherParent, .parent)], [parent, student], "chat_invite_not_for_you"),
        // Of two persons in the invited roles, the one the maker may add comes in.
        ([.parents], [(otherParent, .parent), (parent, .parent)], [parent], "person 2"),
        ([.parents, .staff], [(parent, .parent), (teacher, .teacher)], [parent], "person 2"),
        // The role refusal is named first: the link is not for parents at all.
        ([.students], [(otherParent, .parent)], [student], "chat_invite_role_not_invited"),
        // An administrator without a roster person needs nobody's reach: they manage every chat.
        ([.staff], [], [student], "account 7"),
    ] as [([ChatInviteAudience], [(RosterPersonID, RosterRole)], Set<RosterPersonID>?, String)])
    func admitWithinReach(audiences: [ChatInviteAudience], persons: [(RosterPersonID, RosterRole)], addable: Set<RosterPersonID>?, expected: String) {
        #expect(Self.outcome { () throws(PartaError) in
            try ChatInviteRules.admit(
                Set(audiences), persons: persons.map { (id: $0.0, role: $0.1) }, administrator: persons.isEmpty ? Self.adminAccount : nil,
                members: [], addable: addable)
        } == expected)
    }
}
