import PartaDomain
import Testing

/// SPEC §5 "Who may do what", as a table: actor × chat × action → allowed?
@Suite("Chat permissions")
struct ChatPermissionsTests {
    static let c10A = ClassID(10), c9G = ClassID(9)
    static let kraeved = SubjectID(1), chemistry = SubjectID(2)

    enum Who: String, CaseIterable, Sendable {
        /// The organization's administrator.
        case administrator
        /// Homeroom teacher of 10А.
        case homeroom10A
        /// Teaches Краеведение in 10А only.
        case kraevedTeacher
        /// A chat admin of the chat acted on, nothing else.
        case chatAdmin
        /// A teacher with no class and no assignment; also stands for students and parents.
        case nobody

        var actor: ChatActor {
            switch self {
            case .administrator: ChatActor(isAdministrator: true)
            case .homeroom10A: ChatActor(homeroomClasses: [c10A])
            case .kraevedTeacher: ChatActor(teaching: [.init(classID: c10A, subjectID: kraeved)])
            case .chatAdmin, .nobody: ChatActor()
            }
        }
    }

    enum Which: String, CaseIterable, Sendable {
        case staffRoom, class10A, parents10A, kraeved10A, chemistry10A, class9G, kraeved9G, custom

        func target(chatAdmin: Bool) -> ChatTarget {
            switch self {
            case .staffRoom: ChatTarget(kind: .staffRoom, actorIsChatAdmin: chatAdmin)
            case .class10A: ChatTarget(kind: .classChat, classID: c10A, actorIsChatAdmin: chatAdmin)
            case .parents10A: ChatTarget(kind: .parents, classID: c10A, actorIsChatAdmin: chatAdmin)
            case .kraeved10A: ChatTarget(kind: .subject, classID: c10A, subjectID: kraeved, actorIsChatAdmin: chatAdmin)
            case .chemistry10A: ChatTarget(kind: .subject, classID: c10A, subjectID: chemistry, actorIsChatAdmin: chatAdmin)
            case .class9G: ChatTarget(kind: .classChat, classID: c9G, actorIsChatAdmin: chatAdmin)
            case .kraeved9G: ChatTarget(kind: .subject, classID: c9G, subjectID: kraeved, actorIsChatAdmin: chatAdmin)
            case .custom: ChatTarget(kind: .custom, actorIsChatAdmin: chatAdmin)
            }
        }
    }

    /// The expected answer, written out rule by rule from SPEC §5.
    static func expected(_ who: Who, _ which: Which, _ action: ChatAction) -> Bool {
        switch who {
        case .administrator:
            return true
        case _ where action == .initialize:
            return false
        case .homeroom10A:
            return [.class10A, .parents10A, .kraeved10A, .chemistry10A].contains(which)
        case .kraevedTeacher:
            return which == .kraeved10A
        case .chatAdmin:
            return [.addMembers, .removeMembers, .changeAdmins].contains(action) && action != .create
        case .nobody:
            return false
        }
    }

    static let cases: [(Who, Which, ChatAction)] = Who.allCases.flatMap { who in
        Which.allCases.flatMap { which in ChatAction.allCases.map { (who, which, $0) } }
    }

    @Test("the table", arguments: cases)
    func table(who: Who, which: Which, action: ChatAction) {
        // A chat admin is admin of an existing chat; nobody is admin of a chat being created.
        let target = which.target(chatAdmin: who == .chatAdmin && action != .create)
        let decision = ChatPermissions.decide(who.actor, action, target)
        #expect(decision.isAllowed == Self.expected(who, which, action), "\(who) \(action) \(which)")
        if case .denied(let rule) = decision { #expect(!rule.isEmpty) }
    }

    @Test("a subject teacher adds only students they teach, even as chat admin; a homeroom teacher or other chat admin anyone")
    func additionLimits() throws {
        let kraeved10A = Which.kraeved10A.target(chatAdmin: false)
        #expect(ChatPermissions.additionLimit(Who.kraevedTeacher.actor, kraeved10A) == .studentsTaught)
        #expect(ChatPermissions.additionLimit(Who.homeroom10A.actor, kraeved10A) == .anyone)
        #expect(ChatPermissions.additionLimit(Who.administrator.actor, kraeved10A) == .anyone)
        #expect(ChatPermissions.additionLimit(Who.kraevedTeacher.actor, Which.kraeved10A.target(chatAdmin: true)) == .studentsTaught)
        #expect(ChatPermissions.additionLimit(Who.chatAdmin.actor, Which.kraeved10A.target(chatAdmin: true)) == .anyone)

        let taught = (id: RosterPersonID(1), name: "Ким А.", taught: true)
        let other = (id: RosterPersonID(2), name: "Ли Б.", taught: false)
        try ChatPermissions.checkAdditions(.studentsTaught, [taught])
        try ChatPermissions.checkAdditions(.anyone, [taught, other])
        #expect(throws: PartaError.self) { try ChatPermissions.checkAdditions(.studentsTaught, [taught, other]) }
        do {
            try ChatPermissions.checkAdditions(.studentsTaught, [taught, other])
        } catch {
            #expect(error.kind == .forbidden)
            #expect(error.message.contains("Ли Б."))
        }
    }

    @Test("who opens the chat management list", arguments: [
        (ChatActor(isAdministrator: true), false, true),
        (ChatActor(homeroomClasses: [ClassID(1)]), false, true),
        (ChatActor(teaching: [.init(classID: ClassID(1), subjectID: SubjectID(2))]), false, true),
        (ChatActor(), true, true),
        (ChatActor(), false, false),
    ])
    func listing(actor: ChatActor, administersAnyChat: Bool, allowed: Bool) {
        #expect(ChatPermissions.decideListing(actor, administersAnyChat: administersAnyChat).isAllowed == allowed)
    }

    @Test("chat types parse from the API's names and the screen's Russian words")
    func parseKinds() throws {
        #expect(try ChatKind.parse("Учительская") == .staffRoom)
        #expect(try ChatKind.parse("class") == .classChat)
        #expect(try ChatKind.parse(" Родители ") == .parents)
        #expect(throws: PartaError.self) { try ChatKind.parse("group") }
    }

    @Test("what a new chat must name, and its roster key")
    func newChatKeys() throws {
        let c = ClassID(10), s = SubjectID(1)
        #expect(try RosterChatKey.forNewChat(kind: .staffRoom, classID: nil, subjectID: nil, group: "", name: nil) == .staffRoom)
        #expect(try RosterChatKey.forNewChat(kind: .parents, classID: c, subjectID: nil, group: "", name: nil) == .parents(c))
        #expect(try RosterChatKey.forNewChat(kind: .subject, classID: c, subjectID: s, group: "Англ.яз/1", name: nil) == .subject(c, s, group: "Англ.яз/1"))
        #expect(try RosterChatKey.forNewChat(kind: .custom, classID: c, subjectID: nil, group: "", name: "Кружок") == nil)
        for (kind, classID, subjectID, name, code) in [
            (ChatKind.staffRoom, Optional(c), SubjectID?.none, String?.none, "invalid_chat"), (.classChat, nil, nil, nil, "invalid_chat"),
            (.parents, c, s, nil, "invalid_chat"), (.subject, c, nil, nil, "invalid_chat"), (.custom, nil, nil, nil, "name_required"),
            (.custom, nil, s, "Кружок", "invalid_chat"),
        ] {
            #expect(throws: PartaError.self) { try RosterChatKey.forNewChat(kind: kind, classID: classID, subjectID: subjectID, group: "", name: name) }
            do { _ = try RosterChatKey.forNewChat(kind: kind, classID: classID, subjectID: subjectID, group: "", name: name) } catch {
                #expect(error.code == code)
            }
        }
    }

    @Test("making and unmaking chat admins by hand", arguments: [
        (ChatAdminMark.none, true, ChatAdminMark.manual), (.declined, true, .manual), (.roster, true, .roster), (.manual, true, .manual),
        (.roster, false, .declined), (.manual, false, .none), (.none, false, .none), (.declined, false, .declined),
    ])
    func adminMarks(from: ChatAdminMark, admin: Bool, to: ChatAdminMark) {
        #expect(ChatMembership(member: .person(RosterPersonID(1)), viaRoster: true, viaHand: false, admin: from).adminMark(settingAdmin: admin) == to)
    }

    @Test("chat names are one line of 1 to 120 characters")
    func names() throws {
        #expect(try Chat.checkName("  Родительский комитет ") == "Родительский комитет")
        for bad in ["", "   ", "a\nb", String(repeating: "я", count: 121)] {
            #expect(throws: PartaError.self) { try Chat.checkName(bad) }
        }
    }
}
