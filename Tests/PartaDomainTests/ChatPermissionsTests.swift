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
        /// A member of staff who is a chat admin of the chat acted on, nothing else.
        case chatAdmin
        /// A student or parent who is a chat admin of the chat acted on: moderates, does not add.
        case pupilChatAdmin
        /// A teacher with no class and no assignment; also stands for students and parents.
        case nobody

        var actor: ChatActor {
            switch self {
            case .administrator: ChatActor(isAdministrator: true)
            case .homeroom10A: ChatActor(homeroomClasses: [c10A])
            case .kraevedTeacher: ChatActor(teaching: [.init(classID: c10A, subjectID: kraeved)])
            case .chatAdmin: ChatActor(isStaff: true)
            case .pupilChatAdmin, .nobody: ChatActor()
            }
        }
    }

    enum Which: String, CaseIterable, Sendable {
        /// `custom10A`: an "other chat" of 10А (a parents' committee, a trip group); `custom`: of no class.
        case staffRoom, class10A, parents10A, kraeved10A, chemistry10A, class9G, kraeved9G, custom, custom10A, custom9G

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
            case .custom10A: ChatTarget(kind: .custom, classID: c10A, actorIsChatAdmin: chatAdmin)
            case .custom9G: ChatTarget(kind: .custom, classID: c9G, actorIsChatAdmin: chatAdmin)
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
            // The class's roster chats and the other chats of the class, which they create too.
            return [.class10A, .parents10A, .kraeved10A, .chemistry10A, .custom10A].contains(which)
        case .kraevedTeacher:
            return which == .kraeved10A
        case .chatAdmin:
            return [.addMembers, .removeMembers, .changeAdmins].contains(action) && action != .create
        case .pupilChatAdmin:
            return [.removeMembers, .changeAdmins].contains(action)
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
        let target = which.target(chatAdmin: (who == .chatAdmin || who == .pupilChatAdmin) && action != .create)
        let decision = ChatPermissions.decide(who.actor, action, target)
        #expect(decision.isAllowed == Self.expected(who, which, action), "\(who) \(action) \(which)")
        if case .denied(let rule) = decision { #expect(!rule.isEmpty) }
    }

    @Test("whom one may add: administrators anyone, a homeroom teacher their class's people and staff, a subject teacher their students, other staff those they teach")
    func additionLimits() throws {
        let kraeved10A = Which.kraeved10A.target(chatAdmin: false)
        #expect(ChatPermissions.additionLimit(Who.kraevedTeacher.actor, kraeved10A) == .studentsTaught)
        #expect(ChatPermissions.additionLimit(Who.homeroom10A.actor, kraeved10A) == .classCommunity(Self.c10A))
        #expect(ChatPermissions.additionLimit(Who.homeroom10A.actor, Which.class10A.target(chatAdmin: false)) == .classCommunity(Self.c10A))
        #expect(ChatPermissions.additionLimit(Who.homeroom10A.actor, Which.custom.target(chatAdmin: true)) == .related)
        #expect(ChatPermissions.additionLimit(Who.homeroom10A.actor, Which.custom10A.target(chatAdmin: false)) == .classCommunity(Self.c10A))
        #expect(ChatPermissions.additionLimit(Who.homeroom10A.actor, Which.custom9G.target(chatAdmin: true)) == .related)
        #expect(ChatPermissions.additionLimit(Who.administrator.actor, kraeved10A) == .anyone)
        #expect(ChatPermissions.additionLimit(Who.kraevedTeacher.actor, Which.kraeved10A.target(chatAdmin: true)) == .studentsTaught)
        #expect(ChatPermissions.additionLimit(Who.chatAdmin.actor, Which.kraeved10A.target(chatAdmin: true)) == .related)

        let taught = (id: RosterPersonID(1), name: "Ким А.", addable: true)
        let other = (id: RosterPersonID(2), name: "Ли Б.", addable: false)
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

    @Test("what the creation form offers: all to administrators; a homeroom teacher their classes and every subject; a subject teacher what they teach")
    func creationScope() throws {
        #expect(try ChatPermissions.creationScope(Who.administrator.actor) == (nil, nil))
        let homeroom = try ChatPermissions.creationScope(ChatActor(homeroomClasses: [Self.c10A], teaching: [.init(classID: Self.c9G, subjectID: Self.chemistry)]))
        #expect(homeroom.classes == [Self.c10A, Self.c9G] && homeroom.subjects == nil)
        let teacher = try ChatPermissions.creationScope(Who.kraevedTeacher.actor)
        #expect(teacher.classes == [Self.c10A] && teacher.subjects == [Self.kraeved])
        for who in [Who.chatAdmin, .pupilChatAdmin, .nobody] {
            #expect((#expect(throws: PartaError.self) { try ChatPermissions.creationScope(who.actor) })?.kind == .forbidden, "\(who)")
        }
        #expect(ChatPermissions.showsBirthDates(.anyone))
        for limit in [AdditionLimit.studentsTaught, .classCommunity(Self.c10A), .related] { #expect(!ChatPermissions.showsBirthDates(limit)) }
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

    @Test("the people each limit lets one add, from the roster", arguments: [
        (AdditionLimit.classCommunity(ClassID(10)), Set(["a1", "a2", "motherA1", "homeroom", "kraeved", "secretary"])),
        (.studentsTaught, Set(["a2"])),
        (.related, Set(["a2", "g1", "fatherG1", "homeroom", "kraeved", "secretary"])),
    ])
    func addable(limit: AdditionLimit, names: Set<String>) throws {
        // 10А: a1, a2 (a1's mother on the roster); 9Г: g1 (his father). Краеведение teacher teaches
        // the 10А group of a2 and the whole of 9Г; a former student's mother is inactive.
        let ids: [String: RosterPersonID] = [
            "a1": RosterPersonID(1), "a2": RosterPersonID(2), "g1": RosterPersonID(3), "motherA1": RosterPersonID(4),
            "fatherG1": RosterPersonID(5), "homeroom": RosterPersonID(6), "kraeved": RosterPersonID(7), "secretary": RosterPersonID(8),
            "gone": RosterPersonID(9),
        ]
        let year = SchoolYear(id: SchoolYearID(1), organizationID: OrganizationID(1), name: "2026/2027",
                              startDate: LocalDate(parsing: "2026-09-01")!, endDate: LocalDate(parsing: "2027-08-31")!)
        let c10A = SchoolClass(id: ClassID(10), organizationID: OrganizationID(1), schoolYearID: year.id, label: try ClassLabel.parse("10А"), homeroomTeacherID: ids["homeroom"], externalID: nil)
        let c9G = SchoolClass(id: ClassID(9), organizationID: OrganizationID(1), schoolYearID: year.id, label: try ClassLabel.parse("9Г"), homeroomTeacherID: nil, externalID: nil)
        let start = LocalDate(parsing: "2026-09-01")!
        var persons: [RosterPersonID: ChatRoster.Person] = [:]
        for (name, id) in ids {
            let role: RosterRole = ["a1", "a2", "g1"].contains(name) ? .student : ["motherA1", "fatherG1", "gone"].contains(name) ? .parent : .teacher
            persons[id] = ChatRoster.Person(role: role, active: name != "gone")
        }
        let roster = ChatRoster(
            date: LocalDate(parsing: "2026-10-01")!, classes: [c10A, c9G], schoolYears: [year.id: year], persons: persons,
            periods: [ids["a1"]!: [EnrollmentPeriod(classID: c10A.id, start: start, end: nil)],
                      ids["a2"]!: [EnrollmentPeriod(classID: c10A.id, start: start, end: nil)],
                      ids["g1"]!: [EnrollmentPeriod(classID: c9G.id, start: start, end: nil)]],
            guardianships: [Guardianship(parent: ids["motherA1"]!, student: ids["a1"]!), Guardianship(parent: ids["fatherG1"]!, student: ids["g1"]!),
                            Guardianship(parent: ids["gone"]!, student: ids["a2"]!)],
            assignments: [
                TeachingAssignment(id: AssignmentID(1), organizationID: OrganizationID(1), teacherID: ids["kraeved"]!, subjectID: Self.kraeved,
                                   classID: c10A.id, group: "Краеведение/1", studentIDs: [ids["a2"]!], externalID: nil),
                TeachingAssignment(id: AssignmentID(2), organizationID: OrganizationID(1), teacherID: ids["kraeved"]!, subjectID: Self.kraeved,
                                   classID: c9G.id, group: "", studentIDs: [], externalID: nil),
            ])
        let staff = Set(["homeroom", "kraeved", "secretary"].map { ids[$0]! })
        let teachers: Set<RosterPersonID> = limit == .classCommunity(ClassID(10)) ? [ids["homeroom"]!] : [ids["kraeved"]!]
        let found = try #require(ChatPermissions.addablePersons(limit, teachers: teachers, staff: staff, roster: roster))
        var expected = Set(names.map { ids[$0]! })
        // A subject teacher's limit is the students who take the subject in that chat's class and elsewhere.
        if limit == .studentsTaught { expected.insert(ids["g1"]!) }
        #expect(found == expected)
        #expect(ChatPermissions.addablePersons(.anyone, teachers: teachers, staff: staff, roster: roster) == nil)
    }
}
