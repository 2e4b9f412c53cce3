import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Chats that follow a rule")
struct ChatRuleChatTests {
    static func members(_ world: TestWorld, _ s: TestWorld.ChatSchool, _ chat: ChatID) async throws -> Set<ChatMemberRef> {
        Set(try await world.parta.chatMembers(s.admin, organization: s.id, id: chat, page: PageRequest(page: 1, perPage: 100)).items.map(\.0.member))
    }

    @Test("a rule chat follows a position, a transfer and a committee flag; hand-added members stay", arguments: TestEngine.all)
    func follows(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let admin = try #require(try await p.chatMembers(s.admin, organization: s.id, id: try await Self.staffRoom(world, s), page: PageRequest())
                .items.first { $0.0.member.accountID != nil }?.0.member)

            // The administration: director and deputies by position.
            let administration = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, rule: .administration))
            let adminChat = administration.summary.chat
            #expect(adminChat.name == "Администрация" && adminChat.rule == .administration && adminChat.rosterKey == nil)
            #expect(try await Self.members(world, s, adminChat.id) == [admin])
            _ = try await p.updatePerson(s.admin, organization: s.id, id: s.sidorova, PersonPatch(position: "Заместитель директора по УВР"))
            #expect(try await Self.members(world, s, adminChat.id) == [admin, .person(s.sidorova)])
            _ = try await p.addChatMembers(s.admin, organization: s.id, id: adminChat.id, .persons([s.petrov]))
            _ = try await p.updatePerson(s.admin, organization: s.id, id: s.sidorova, PersonPatch(position: "Учитель химии"))
            #expect(try await Self.members(world, s, adminChat.id) == [admin, .person(s.petrov)], "Петров was added by hand and stays")

            // Parents of 9Г: p2 (s9's parent); s1 moves from 10А to 9Г and p1 comes in.
            let ninth = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, rule: .parentsOfClasses([s.nineG])))
            #expect(ninth.summary.chat.name == "Родители 9Г")
            #expect(try await Self.members(world, s, ninth.summary.chat.id) == [admin, .person(s.p2)])
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .withdrawal, classID: s.tenA, date: LocalDate("2026-09-01"))
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .enrollment, classID: s.nineG, date: LocalDate("2026-09-01"))
            #expect(try await Self.members(world, s, ninth.summary.chat.id) == [admin, .person(s.p1), .person(s.p2)])

            // The parents' committee of 10А, made by its homeroom teacher; the flag brings a parent in and out.
            let ivanova = s.callers["ivanova"]!
            let committeeDraft = ChatDraft(kind: .custom, rule: .parentsCommittee(s.tenA))
            await #expect(throws: PartaError.self) { try await p.createChat(s.callers["petrov"]!, organization: s.id, committeeDraft) }
            let committee = try await p.createChat(ivanova, organization: s.id, committeeDraft).summary.chat
            #expect(committee.name == "10А - Родительский комитет" && committee.classID == s.tenA)
            #expect(try await Self.members(world, s, committee.id) == [.person(s.ivanova)])
            _ = try await p.updatePerson(s.admin, organization: s.id, id: s.p2, PersonPatch(parentsCommittee: true))
            #expect(try await Self.members(world, s, committee.id) == [.person(s.ivanova), .person(s.p2)])
            _ = try await p.updatePerson(s.admin, organization: s.id, id: s.p2, PersonPatch(parentsCommittee: false))
            #expect(try await Self.members(world, s, committee.id) == [.person(s.ivanova)])

            // Bad drafts and bad roster facts change nothing.
            func code(_ body: () async throws -> Void) async -> String? {
                do { try await body(); return nil } catch let error as PartaError { return error.code } catch { return "\(error)" }
            }
            #expect(await code { _ = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .classChat, classID: s.tenA, rule: .allStaff)) } == "invalid_chat")
            #expect(await code { _ = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, rule: .parentsOfClasses([ClassID(999_999)]))) } == "not_found")
            #expect(await code { _ = try await p.createChat(ivanova, organization: s.id, ChatDraft(kind: .custom, rule: .allStaff)) } == "forbidden")
            #expect(await code { _ = try await p.updatePerson(s.admin, organization: s.id, id: s.s1, PersonPatch(position: "Староста")) } == "position_not_allowed")
            #expect(await code { _ = try await p.updatePerson(s.admin, organization: s.id, id: s.p1, PersonPatch(studentCouncil: true)) } == "flag_not_allowed")
            #expect(await code { _ = try await p.updatePerson(s.admin, organization: s.id, id: s.petrov, PersonPatch(position: String(repeating: "д", count: 101))) } == "invalid_position")
            #expect(try await p.person(s.admin, organization: s.id, id: s.petrov).person.position == "")

            // Each creation is audited with its rule.
            let audit = try await p.auditLog(s.admin, organization: s.id, action: .chatCreated, page: PageRequest())
            #expect(audit.items.compactMap { $0.details["rule"] } == ["parents_committee:\(s.tenA)", "parents_of_classes:\(s.nineG)", "administration"])
        }
    }

    static func staffRoom(_ world: TestWorld, _ s: TestWorld.ChatSchool) async throws -> ChatID {
        try #require(try await world.parta.listChats(s.admin, organization: s.id, query: ChatListQuery(kinds: [.staffRoom]), page: PageRequest()).items.first).chat.id
    }
}
