import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Direct chats")
struct DirectChatTests {
    @Test("opened where the roster allows, once per pair, named after the other person, private to the two", arguments: TestEngine.all)
    func open(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let who = s.principals
            let (ivanova, petrov, smith, p2, s1) = (who["ivanova"]!, who["petrov"]!, who["smith"]!, who["p2"]!, who["s1"]!)
            let admin = s.roster.adminPrincipal
            func count(_ principal: Principal) async throws -> Int {
                try await p.myChats(principal).filter { $0.entry.chat.kind == .direct }.count
            }

            // A student does not start a chat with an adult — not even their homeroom teacher.
            await expectCode("forbidden") { try await p.openDirectChat(s1, organization: s.id, with: ivanova.account.id) }
            // A parent with someone else's child, a student with a parent: no.
            await expectCode("forbidden") { try await p.openDirectChat(p2, organization: s.id, with: s1.account.id) }
            await expectCode("forbidden") { try await p.openDirectChat(s1, organization: s.id, with: p2.account.id) }
            // Not with oneself; not with an account outside the organization.
            await expectCode("not_found") { try await p.openDirectChat(s1, organization: s.id, with: s1.account.id) }
            await expectCode("not_found") { try await p.openDirectChat(ivanova, organization: s.id, with: AccountID(999_999)) }
            for principal in [s1, ivanova, p2] { #expect(try await count(principal) == 0) }

            // The homeroom teacher starts it; the student finds it named after her, and "opening"
            // it from the student's side is the same chat, where the student answers.
            let opened = try await p.openDirectChat(ivanova, organization: s.id, with: s1.account.id)
            #expect(opened.entry.chat.kind == .direct && opened.peer == s1.account.id)
            #expect(opened.entry.chat.name == "Алексеев Артём")
            let studentSide = try #require(try await p.myChats(s1).first { $0.entry.chat.kind == .direct })
            #expect(studentSide.entry.chat.id == opened.entry.chat.id && studentSide.entry.chat.name == "Иванова Мария")
            #expect(try await p.openDirectChat(s1, organization: s.id, with: ivanova.account.id).entry.chat.id == opened.entry.chat.id)
            #expect(try await p.openDirectChat(ivanova, organization: s.id, with: s1.account.id).entry.chat.id == opened.entry.chat.id)
            let answer = try await p.sendMessage(s1, chat: opened.entry.chat.id, clientID: "d-1", text: "Здравствуйте!")
            #expect(try await p.history(ivanova, chat: opened.entry.chat.id, before: nil, after: nil, limit: 10).map(\.id) == [answer.message.id])
            // Nobody else is in it.
            await expectCode("not_found") { try await p.history(petrov, chat: opened.entry.chat.id, before: nil, after: nil, limit: 10) }

            // A parent with the teachers of their child (a subject, a group), and back.
            _ = try await p.openDirectChat(p2, organization: s.id, with: petrov.account.id)
            _ = try await p.openDirectChat(smith, organization: s.id, with: p2.account.id)
            // Colleagues, the administrator included.
            _ = try await p.openDirectChat(smith, organization: s.id, with: petrov.account.id)
            _ = try await p.openDirectChat(admin, organization: s.id, with: ivanova.account.id)
            for (principal, expected) in [(p2, 2), (petrov, 2), (smith, 2), (ivanova, 2), (s1, 1)] {
                #expect(try await count(principal) == expected)
            }

            // Private: chat management neither lists nor opens direct chats, not even for the administrator.
            let listed = try await p.listChats(s.admin, organization: s.id, query: ChatListQuery(), page: PageRequest(page: 1, perPage: 100))
            #expect(!listed.items.contains { $0.chat.kind == .direct })
            await expectCode("not_found") { try await p.chat(s.admin, organization: s.id, id: opened.entry.chat.id) }
        }
    }
}
