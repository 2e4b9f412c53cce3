import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Synchronization
import Testing

@Suite("The messenger's use cases")
struct MessagingTests {
    static func chatID(_ world: TestWorld, _ principal: Principal, _ name: String) async throws -> ChatID {
        try #require(try await world.parta.myChats(principal).first { $0.entry.chat.name == name }?.entry.chat.id)
    }

    @Test("send: acknowledged after commit, a resend is the same message, bad input writes nothing", arguments: TestEngine.all)
    func send(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let (ivanova, s1, petrov) = (s.principals["ivanova"]!, s.principals["s1"]!, s.principals["petrov"]!)
            let classChat = try await Self.chatID(world, ivanova, "10А - Ученики")
            let parents = try await Self.chatID(world, ivanova, "10А - Родители")

            // Listeners (live delivery) hear of a chat after each commit that wrote to it, and only then.
            let heard = Mutex<[[ChatID: ChatTouch]]>([])
            world.database.onChatEvents { chats in heard.withLock { $0.append(chats) } }

            let first = try await p.sendMessage(ivanova, chat: classChat, clientID: "c-1", text: "  Завтра экскурсия. \n")
            #expect(!first.duplicate && first.message.text == "Завтра экскурсия.")
            #expect(first.message.seq > 0 && first.message.senderID == ivanova.account.id)
            // The announcement names the chat, the first new event and that membership did not change.
            #expect(heard.withLock { $0 } == [[classChat: ChatTouch(firstSeq: first.message.seq, membership: false)]])
            // Acknowledged means committed: another connection reads it.
            #expect(try await world.database.count(chat: classChat) == 1)

            let again = try await p.sendMessage(ivanova, chat: classChat, clientID: "c-1", text: "Завтра экскурсия.")
            #expect(again.duplicate && again.message == first.message)
            await expectCode("client_id_reused") { try await p.sendMessage(ivanova, chat: parents, clientID: "c-1", text: "x") }
            await expectCode("text_required") { try await p.sendMessage(ivanova, chat: classChat, clientID: "c-2", text: " \n ") }
            await expectCode("text_too_long") {
                try await p.sendMessage(ivanova, chat: classChat, clientID: "c-3", text: String(repeating: "я", count: 4001))
            }
            await expectCode("invalid_client_id") { try await p.sendMessage(ivanova, chat: classChat, clientID: "", text: "x") }
            await expectCode("invalid_reply") {
                try await p.sendMessage(s1, chat: classChat, clientID: "r-0", text: "x", replyTo: MessageID(999))
            }
            // Петров teaches 10А but is not in its class chat: for him the chat does not exist.
            await expectCode("not_found") { try await p.sendMessage(petrov, chat: classChat, clientID: "p-1", text: "x") }
            #expect(try await world.database.count(chat: classChat) == 1)
            #expect(heard.withLock { $0.count } == 1)

            let reply = try await p.sendMessage(s1, chat: classChat, clientID: "r-1", text: "Во сколько?", replyTo: first.message.id)
            #expect(reply.message.seq > first.message.seq && reply.message.replyTo == first.message.id)
            let history = try await p.history(s1, chat: classChat, before: nil, after: nil, limit: 50)
            #expect(history.map(\.id) == [reply.message.id, first.message.id])
            #expect(try await p.history(s1, chat: classChat, before: nil, after: first.message.seq, limit: 50).map(\.id) == [reply.message.id])
            #expect(try await p.history(s1, chat: classChat, before: reply.message.seq, after: nil, limit: 50).map(\.id) == [first.message.id])
            await expectCode("invalid_limit") { try await p.history(s1, chat: classChat, before: nil, after: nil, limit: 0) }
        }
    }

    @Test("unread counts, read markers and read receipts", arguments: TestEngine.all)
    func readState(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let (ivanova, s1) = (s.principals["ivanova"]!, s.principals["s1"]!)
            let classChat = try await Self.chatID(world, ivanova, "10А - Ученики")
            let a = try await p.sendMessage(ivanova, chat: classChat, clientID: "a", text: "Первое")
            let b = try await p.sendMessage(ivanova, chat: classChat, clientID: "b", text: "Второе")
            _ = try await p.sendMessage(s1, chat: classChat, clientID: "mine", text: "Моё")

            func entry(_ who: Principal) async throws -> MessengerChat {
                try #require(try await p.myChats(who).first { $0.entry.chat.id == classChat })
            }
            #expect(try await entry(s1).entry.unread == 2)  // my own message is not unread
            #expect(try await entry(s1).lastMessage?.text == "Моё")
            let (teacherView, studentView) = (try await entry(ivanova), try await entry(s1))
            #expect(teacherView.entry.isAdmin && !studentView.entry.isAdmin)
            #expect(try await p.markRead(s1, chat: classChat, seq: a.message.seq) == a.message.seq)
            #expect(try await entry(s1).entry.unread == 1)
            // The marker never goes back.
            #expect(try await p.markRead(s1, chat: classChat, seq: 0) == a.message.seq)
            _ = try await p.markRead(s1, chat: classChat, seq: b.message.seq)
            #expect(try await entry(s1).entry.unread == 0)
            // A marker past the chat's end stops there: the next message still counts as unread.
            let end = try await entry(s1).entry.lastSeq
            #expect(try await p.markRead(s1, chat: classChat, seq: end + 1_000) == end)
            _ = try await p.sendMessage(ivanova, chat: classChat, clientID: "c", text: "Третье")
            #expect(try await entry(s1).entry.unread == 1)
            await expectCode("invalid_seq") { try await p.markRead(s1, chat: classChat, seq: -1) }

            // Read receipts are a chat setting, for the sender only.
            await expectCode("forbidden") { try await p.readBy(ivanova, chat: classChat, message: b.message.id) }
            await expectCode("forbidden") { try await p.setChatSettings(s1, chat: classChat, announcementsOnly: nil, readReceipts: true) }
            try await p.setChatSettings(ivanova, chat: classChat, announcementsOnly: nil, readReceipts: true)
            #expect(try await p.readBy(ivanova, chat: classChat, message: b.message.id) == [s1.account.id])
            await expectCode("forbidden") { try await p.readBy(s1, chat: classChat, message: b.message.id) }
            let audit = try await world.database.read { try await $0.auditLog(organization: s.id, action: nil, page: PageRequest(page: 1, perPage: 5)) }
            #expect(audit.items.first?.action == .chatSettingsChanged)
        }
    }

    @Test("announcements-only, edit own, delete own or as a chat admin; a withdrawn student is out at once", arguments: TestEngine.all)
    func moderation(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let (ivanova, s1, p2) = (s.principals["ivanova"]!, s.principals["s1"]!, s.principals["p2"]!)
            let parents = try await Self.chatID(world, ivanova, "10А - Родители")
            let classChat = try await Self.chatID(world, ivanova, "10А - Ученики")

            _ = try await p.sendMessage(p2, chat: parents, clientID: "q", text: "Вопрос")
            try await p.setChatSettings(ivanova, chat: parents, announcementsOnly: true, readReceipts: nil)
            await expectCode("forbidden") { try await p.sendMessage(p2, chat: parents, clientID: "q2", text: "Ещё вопрос") }
            #expect(try await p.sendMessage(ivanova, chat: parents, clientID: "ann", text: "Собрание в пятницу").message.text == "Собрание в пятницу")
            #expect(try await p.history(p2, chat: parents, before: nil, after: nil, limit: 10).count == 2)

            let mine = try await p.sendMessage(s1, chat: classChat, clientID: "m", text: "Опечтка")
            let (edited, editSeq) = try await p.editMessage(s1, chat: classChat, message: mine.message.id, text: "Опечатка")
            #expect(edited.text == "Опечатка" && edited.editedAt != nil && editSeq > mine.message.seq)
            await expectCode("forbidden") { try await p.editMessage(ivanova, chat: classChat, message: mine.message.id, text: "Чужое") }
            // The chat admin (the homeroom teacher) deletes it for everyone; its text is gone; audited.
            let (deleted, deleteSeq) = try await p.deleteMessage(ivanova, chat: classChat, message: mine.message.id)
            #expect(deleted.isDeleted && deleted.text.isEmpty && deleteSeq > editSeq)
            await expectCode("forbidden") { try await p.editMessage(s1, chat: classChat, message: mine.message.id, text: "Снова") }
            let audit = try await world.database.read { try await $0.auditLog(organization: s.id, action: nil, page: PageRequest(page: 1, perPage: 5)) }
            #expect(audit.items.first?.action == .messageModerated)
            #expect(audit.items.first?.details.values.contains { $0.contains("Опечатка") } == false)
            let teacherPost = try await p.sendMessage(ivanova, chat: classChat, clientID: "t", text: "Домашнее задание")
            await expectCode("forbidden") { try await p.deleteMessage(s1, chat: classChat, message: teacherPost.message.id) }
            let events = try await world.database.read { try await $0.chatEvents(classChat, after: mine.message.seq) }
            #expect(events.map(\.kind) == ["message_edited", "message_deleted", "message"])

            // A withdrawal takes the student out of the class chat in the same transaction.
            world.clock.advance(by: 9 * 86_400)
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .withdrawal, classID: s.tenA, date: LocalDate("2026-09-10"))
            await expectCode("not_found") { try await p.sendMessage(s1, chat: classChat, clientID: "late", text: "Я тут?") }
            await expectCode("not_found") { try await p.history(s1, chat: classChat, before: nil, after: nil, limit: 10) }
            #expect(try await p.myChats(s1).contains { $0.entry.chat.id == classChat } == false)
        }
    }
}

extension Database {
    /// Messages in a chat, read on a connection of its own (what another client would see).
    func count(chat: ChatID) async throws -> Int {
        try await read { try await $0.messages(in: chat, before: nil, after: nil, limit: 200).count }
    }
}
