import Foundation
import Synchronization
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Chats that follow the roster")
struct ChatTests {
    typealias School = TestWorld.ChatSchool

    static func chat(_ world: TestWorld, _ organization: OrganizationID, _ key: RosterChatKey) async throws -> Chat? {
        try await world.database.read {
            try await $0.rosterChats(of: organization, classes: key.classID.map { [$0] } ?? [], staffRoom: key == .staffRoom).live[key]
        }
    }

    static func members(_ world: TestWorld, _ chat: Chat) async throws -> [ChatMemberRef: ChatMembership] {
        let rows = try await world.database.read { try await $0.memberships(of: [chat.id])[chat.id] ?? [] }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.member, $0) })
    }

    static func memberSet(_ world: TestWorld, _ school: School, _ key: RosterChatKey) async throws -> Set<ChatMemberRef> {
        guard let chat = try await chat(world, school.id, key) else { return [] }
        return Set(try await members(world, chat).keys)
    }

    static func refs(_ ids: RosterPersonID...) -> Set<ChatMemberRef> { Set(ids.map(ChatMemberRef.person)) }

    @Test("roster events create the chats and keep their members in step", arguments: TestEngine.all)
    func followsRoster(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let adminAccount = s.roster.adminPrincipal.account.id

            let staff = try #require(try await Self.chat(world, s.id, .staffRoom))
            #expect(staff.name == "Учительская")
            let staffMembers = try await Self.members(world, staff)
            #expect(Set(staffMembers.keys) == Self.refs(s.ivanova, s.petrov, s.smith, s.sidorova).union([.account(adminAccount)]))
            #expect(staffMembers[.account(adminAccount)]?.admin == .roster)

            let classChat = try #require(try await Self.chat(world, s.id, .classChat(s.tenA)))
            #expect(classChat.name == "10А - Ученики")
            #expect(classChat.schoolYearID == s.year.id)
            let classMembers = try await Self.members(world, classChat)
            #expect(Set(classMembers.keys) == Self.refs(s.ivanova, s.s1, s.s2, s.s3))
            #expect(classMembers[.person(s.ivanova)]?.admin == .roster)
            #expect(try await Self.memberSet(world, s, .parents(s.tenA)) == Self.refs(s.ivanova, s.p1, s.p2))
            #expect(try await Self.memberSet(world, s, .parents(s.nineG)) == Self.refs(s.sidorova, s.p2))
            #expect(try await Self.memberSet(world, s, .subject(s.tenA, s.english, group: "Англ.яз/1")) == Self.refs(s.smith, s.s1, s.s2))
            #expect(try await Self.chat(world, s.id, .subject(s.nineG, s.chemistry, group: ""))?.name == "9Г - Химия")

            // A linked student's rows carry their account; the messenger will find them by it.
            let rows = try await world.database.read { try await $0.chatMembers(classChat.id, page: PageRequest(page: 1, perPage: 100)) }
            #expect(rows.items.first { $0.0.member == .person(s.s1) }?.1.accountID == s.principals["s1"]!.account.id)
            #expect(rows.items.first { $0.0.member == .person(s.s3) }?.1.accountID == nil)

            // A new student: class and whole-class subject chats, not the English group; a parent follows.
            world.clock.advance(by: 9 * 86_400)  // 10 September
            let s4 = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .student, surname: "Григорьев", givenName: "Иван")).person.id
            _ = try await p.createOrder(s.admin, organization: s.id, student: s4, kind: .enrollment, classID: s.tenA, date: LocalDate("2026-09-10"))
            #expect(try await Self.memberSet(world, s, .classChat(s.tenA)).contains(.person(s4)))
            #expect(try await Self.memberSet(world, s, .subject(s.tenA, s.kraeved, group: "")).contains(.person(s4)))
            #expect(!(try await Self.memberSet(world, s, .subject(s.tenA, s.english, group: "Англ.яз/1")).contains(.person(s4))))

            // Withdrawal takes s1 (and p1, their only child gone) out; cancelling the order brings them back.
            let withdrawal = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .withdrawal, classID: s.tenA, date: LocalDate("2026-09-10"))
            #expect(try await Self.memberSet(world, s, .classChat(s.tenA)) == Self.refs(s.ivanova, s.s2, s.s3, s4))
            #expect(try await Self.memberSet(world, s, .parents(s.tenA)) == Self.refs(s.ivanova, s.p2))
            #expect(try await Self.memberSet(world, s, .subject(s.tenA, s.english, group: "Англ.яз/1")) == Self.refs(s.smith, s.s2))
            _ = try await p.cancelOrder(s.admin, organization: s.id, id: withdrawal.order.id)
            #expect(try await Self.memberSet(world, s, .classChat(s.tenA)) == Self.refs(s.ivanova, s.s1, s.s2, s.s3, s4))
            #expect(try await Self.memberSet(world, s, .parents(s.tenA)) == Self.refs(s.ivanova, s.p1, s.p2))

            // A new homeroom teacher: Петров arrives as admin, Иванова leaves.
            _ = try await p.updateClass(s.admin, organization: s.id, id: s.tenA, homeroomTeacher: .some(s.petrov))
            let after = try await Self.members(world, classChat)
            #expect(after[.person(s.ivanova)] == nil)
            #expect(after[.person(s.petrov)]?.admin == .roster)
            #expect(try await Self.memberSet(world, s, .parents(s.tenA)).contains(.person(s.petrov)))

            // An enrollment dated ahead reaches the chat on its day, through the dated sweep.
            _ = try await p.syncDatedChats(organization: s.id)
            let s5 = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .student, surname: "Дёмин", givenName: "Яков")).person.id
            _ = try await p.createOrder(s.admin, organization: s.id, student: s5, kind: .enrollment, classID: s.tenA, date: LocalDate("2026-09-15"))
            #expect(!(try await Self.memberSet(world, s, .classChat(s.tenA)).contains(.person(s5))))
            world.clock.advance(by: 5 * 86_400)
            let swept = try await p.syncDatedChats(organization: s.id)
            #expect(swept.byKind[.classChat]?.membersAdded == 1)
            #expect(try await Self.memberSet(world, s, .classChat(s.tenA)).contains(.person(s5)))
            #expect(try await p.syncDatedChats(organization: s.id).total.isEmpty)

            // Every change is a chat event, in sequence.
            let events = try await world.database.read { try await $0.chatEvents(classChat.id) }
            #expect(events.first?.kind == "chat_created")
            #expect(events.map(\.seq) == Array(1...Int64(events.count)))
            #expect(events.filter { $0.kind == "members_changed" }.count >= 5)
        }
    }

    @Test("an import brings its chats in step once, at the end: initialize then finds nothing to do", arguments: TestEngine.all)
    func importCreatesChats(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let generated = SchoolGenerator(students: 60, firstYear: 2026).oneRoster()
            let phases = Mutex<Set<String>>([])
            _ = try await p.importOneRoster(school.admin, organization: school.id, files: generated.files, school: nil, dryRun: false) { progress in
                phases.withLock { _ = $0.insert(progress.phase) }
            }
            #expect(phases.withLock { $0.contains("chats") })
            let classes = try await p.classes(school.admin, organization: school.id, on: LocalDate("2026-09-01"))
            let filled = classes.filter { $0.studentCount > 0 }
            #expect(!filled.isEmpty)
            for summary in filled {
                let classChat = try #require(try await Self.chat(world, school.id, .classChat(summary.schoolClass.id)))
                let rows = try await Self.members(world, classChat).values.filter(\.viaRoster)
                #expect(rows.count == summary.studentCount + (summary.homeroomTeacher == nil ? 0 : 1))
                #expect(try await Self.chat(world, school.id, .parents(summary.schoolClass.id)) != nil)
            }
            #expect(try await Self.chat(world, school.id, .staffRoom) != nil)
            #expect(try await p.initializeChats(school.admin, organization: school.id, dryRun: true).total.isEmpty)
        }
    }

    @Test("initialize: a dry run writes nothing, manual members stay, a second run changes nothing", arguments: TestEngine.all)
    func initialize(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            #expect(try await p.initializeChats(s.admin, organization: s.id, dryRun: true).total.isEmpty)

            // People decide: the parents chat is deleted, p1 added by hand to the class chat, s3 removed from it.
            let parents = try #require(try await Self.chat(world, s.id, .parents(s.tenA)))
            try await p.deleteChat(s.admin, organization: s.id, id: parents.id)
            let classChat = try #require(try await Self.chat(world, s.id, .classChat(s.tenA)))
            #expect(try await p.addChatMembers(s.admin, organization: s.id, id: classChat.id, .persons([s.p1])).added == 1)
            #expect(try await p.removeChatMembers(s.admin, organization: s.id, id: classChat.id, [.person(s.s3)]) == 1)
            // A roster change does not bring back the deleted chat or the removed student.
            try await p.addGuardianship(s.admin, organization: s.id, parent: s.p1, student: s.s3)
            #expect(try await Self.chat(world, s.id, .parents(s.tenA)) == nil)
            #expect(!(try await Self.memberSet(world, s, .classChat(s.tenA)).contains(.person(s.s3))))
            // And the chats drift: a roster member's row is lost.
            let kraeved = try #require(try await Self.chat(world, s.id, .subject(s.tenA, s.kraeved, group: "")))
            try await world.database.write { try await $0.deleteMemberships(chat: kraeved.id, [.person(s.s2)]) }

            let eventsBefore = try await world.database.read { try await $0.chatEvents(classChat.id) }.count
            let preview = try await p.initializeChats(s.admin, organization: s.id, dryRun: true)
            #expect(preview.dryRun)
            #expect(preview.byKind[.parents]?.chatsCreated == 1)
            #expect(preview.byKind[.parents]?.membersAdded == 3)
            #expect(preview.byKind[.subject]?.membersAdded == 1)
            #expect(preview.total.membersRemoved == 0)
            #expect(try await Self.chat(world, s.id, .parents(s.tenA)) == nil)
            #expect(try await world.database.read { try await $0.chatEvents(classChat.id) }.count == eventsBefore)

            let done = try await p.initializeChats(s.admin, organization: s.id, dryRun: false)
            #expect(done.byKind == preview.byKind)
            #expect(try await Self.memberSet(world, s, .parents(s.tenA)) == Self.refs(s.ivanova, s.p1, s.p2))
            #expect(try await Self.memberSet(world, s, .subject(s.tenA, s.kraeved, group: "")).contains(.person(s.s2)))
            let classMembers = try await Self.members(world, classChat)
            #expect(classMembers[.person(s.p1)]?.viaHand == true)
            #expect(classMembers[.person(s.s3)] == nil)

            #expect(try await p.initializeChats(s.admin, organization: s.id, dryRun: false).total.isEmpty)
            let audit = try await p.auditLog(s.admin, organization: s.id, action: .chatsInitialized, page: PageRequest())
            #expect(audit.items.count == 2)
            #expect(audit.items.first?.details["chats_created"] != nil)

            // Only roster kinds are initialized.
            await #expect(throws: PartaError.self) { try await p.initializeChats(s.admin, organization: s.id, kinds: [.custom], dryRun: true) }
        }
    }

    @Test("unlinking leaves every chat the person gave, by the roster or by hand; linking again brings them back", arguments: TestEngine.all)
    func unlink(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let account = s.principals["s1"]!.account.id
            let council = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Совет учащихся", members: [s.s1]))
            let classChat = try #require(try await Self.chat(world, s.id, .classChat(s.tenA)))

            try await p.unlink(s.principals["s1"]!, person: s.s1, clientAddress: "192.0.2.54")
            let rows = try await world.database.read { try await $0.chatMembers(classChat.id, page: PageRequest(page: 1, perPage: 100)) }
            #expect(rows.items.first { $0.0.member == .person(s.s1) }?.1.accountID == nil)
            #expect(!rows.items.contains { $0.1.accountID == account })
            // The hand-added place stays with the person, pending: the account is out of that chat too.
            let councilMembers = try await Self.members(world, council.summary.chat)
            #expect(councilMembers[.person(s.s1)]?.viaHand == true && councilMembers[.account(account)] == nil)
            #expect(try await p.myChats(s.principals["s1"]!).isEmpty)

            // Linking again (perhaps to the right account) puts the account back into the roster chats.
            let code = try await p.createLinkCode(s.admin, organization: s.id, person: s.s1).code
            _ = try await p.confirmLinkCode(s.principals["s1"]!, code: code, clientAddress: "192.0.2.54")
            let again = try await world.database.read { try await $0.chatMembers(classChat.id, page: PageRequest(page: 1, perPage: 100)) }
            #expect(again.items.first { $0.0.member == .person(s.s1) }?.1.accountID == account)
            #expect(try await p.myChats(s.principals["s1"]!).contains { $0.entry.chat.id == council.summary.chat.id })
        }
    }

    @Test("managing chats: bad input changes nothing, limits hold, add-all is one operation", arguments: TestEngine.all)
    func management(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            func code(_ body: () async throws -> Void) async -> String? {
                do { try await body(); return nil } catch let error as PartaError { return error.code } catch { return "\(error)" }
            }
            let chatsBefore = try await world.database.read { try await $0.chatCount(of: s.id) }
            #expect(await code { _ = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom)) } == "name_required")
            #expect(await code { _ = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .classChat, classID: s.tenA)) } == "chat_exists")
            #expect(await code { _ = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .subject, classID: s.tenA)) } == "invalid_chat")
            #expect(await code { _ = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Клуб", members: [RosterPersonID(999_999)])) } == "unknown_person")
            #expect(try await world.database.read { try await $0.chatCount(of: s.id) } == chatsBefore)

            let kraeved = try #require(try await Self.chat(world, s.id, .subject(s.tenA, s.kraeved, group: "")))
            let petrov = s.callers["petrov"]!
            let before = try await Self.members(world, kraeved)
            // Петров teaches 10А: s9 (9Г) is not his student; a parent is not a student.
            #expect(await code { _ = try await p.addChatMembers(petrov, organization: s.id, id: kraeved.id, .persons([s.s9])) } == "forbidden")
            #expect(await code { _ = try await p.addChatMembers(petrov, organization: s.id, id: kraeved.id, .persons([s.p1])) } == "forbidden")
            #expect(try await Self.members(world, kraeved) == before)
            #expect(try await p.addChatMembers(petrov, organization: s.id, id: kraeved.id, .persons([s.s3])) == MemberAddition(matched: 1, added: 0, alreadyMembers: 1))
            // His picker shows only his students, marked as members.
            let picked = try await p.chatCandidates(petrov, organization: s.id, id: kraeved.id, query: PickerQuery(), page: PageRequest())
            #expect(Set(picked.items.map(\.person.id)) == [s.s1, s.s2, s.s3])
            #expect(picked.items.allSatisfy { $0.isMember })
            #expect(await code { _ = try await p.renameChat(petrov, organization: s.id, id: kraeved.id, name: " ") } == "invalid_chat_name")

            // "Add all matching": every parent, in one call, into a new chat; the creator administers it.
            let committee = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Родительский комитет"))
            let added = try await p.addChatMembers(s.admin, organization: s.id, id: committee.summary.chat.id, .matching(PickerQuery(roleGroup: .parents)))
            #expect(added == MemberAddition(matched: 2, added: 2, alreadyMembers: 0))
            let committeeMembers = try await Self.members(world, committee.summary.chat)
            #expect(Set(committeeMembers.keys) == Self.refs(s.p1, s.p2).union([.account(s.roster.adminPrincipal.account.id)]))
            #expect(committeeMembers[.account(s.roster.adminPrincipal.account.id)]?.admin == .manual)
            let page = try await p.chatCandidates(
                s.admin, organization: s.id, id: committee.summary.chat.id, query: PickerQuery(surname: "борисов"), page: PageRequest())
            #expect(page.items.map { "\($0.person.name.surname) \($0.isMember)" } == ["Борисов false", "Борисова false", "Борисова true"])

            // A homeroom teacher's list shows (sorted by name, punctuation ignored) the chats of her class; the filters narrow it.
            let ivanova = s.callers["ivanova"]!
            let hers = try await p.listChats(ivanova, organization: s.id, query: ChatListQuery(), page: PageRequest())
            #expect(hers.items.map(\.chat.name) == ["10А - Английский язык (Англ.яз/1)", "10А - Краеведение", "10А - Родители", "10А - Ученики"])
            let all = try await p.listChats(s.admin, organization: s.id, query: ChatListQuery(kinds: [.parents], memberSurname: "Борисова"), page: PageRequest())
            #expect(all.items.map(\.chat.name) == ["10А - Родители", "9Г - Родители"])
            #expect(all.items.first?.admins.map(\.name.surname) == ["Иванова"])
            #expect(all.items.first?.className == "10А")
            #expect(all.items.first?.schoolYearName == "2026/2027")
            #expect(all.items.first?.memberCount == 3)
            #expect(await code { _ = try await p.listChats(s.callers["s1"]!, organization: s.id, query: ChatListQuery(), page: PageRequest()) } == "forbidden")

            // Unmaking the roster's admin sticks; deleting is for good.
            let classChat = try #require(try await Self.chat(world, s.id, .classChat(s.tenA)))
            try await p.setChatAdmin(s.admin, organization: s.id, id: classChat.id, member: .person(s.ivanova), admin: false)
            _ = try await p.initializeChats(s.admin, organization: s.id, dryRun: false)
            #expect(try await Self.members(world, classChat)[.person(s.ivanova)]?.admin == .declined)
            try await p.deleteChat(s.admin, organization: s.id, id: committee.summary.chat.id)
            #expect(await code { _ = try await p.chat(s.admin, organization: s.id, id: committee.summary.chat.id) } == "not_found")
            let actions = try await p.auditLog(s.admin, organization: s.id, action: nil, page: PageRequest(page: 1, perPage: 100)).items.map(\.action)
            for action in [AuditAction.chatCreated, .chatMembersAdded, .chatAdminRevoked, .chatDeleted, .chatsInitialized] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }
}
