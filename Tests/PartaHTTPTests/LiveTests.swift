import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOWebSocket
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing
import WSCore

/// The live connection over real WebSockets against an in-process server, on both engines,
/// written against docs/protocol.md.
@Suite("WebSocket /api/v1/ws")
struct LiveTests {
    static func config() -> ServerConfig {
        var config = ServerConfig.forTests()
        config.live.authTimeoutSeconds = 2
        config.live.sessionCheckSeconds = 0.2
        return config
    }

    static func chat(_ world: TestWorld, _ principal: Principal, _ name: String) async throws -> Int64 {
        try #require(try await world.parta.myChats(principal).first { $0.entry.chat.name == name }?.entry.chat.id.rawValue)
    }

    /// Opens a signed-in socket and reads its `ready` frame.
    static func open(_ port: Int, _ token: String?, cursors: [Int64: Int64] = [:]) async throws -> (LiveSocket, Frame) {
        let socket = LiveSocket(port: port, token: token, cursors: cursors)
        let ready = try await socket.next()
        #expect(ready.type == "ready", "first frame: \(ready)")
        return (socket, ready)
    }

    static func send(_ socket: LiveSocket, _ req: String, chat: Int64, clientID: String, text: String) async throws -> Frame {
        socket.send(["type": "send", "req": req, "chat_id": chat, "client_id": clientID, "text": text])
        return try await socket.reply(req)
    }

    /// The events of `chat` among `frames`.
    static func events(_ frames: [Frame], chat: Int64) -> [Frame] {
        frames.filter { $0.type == "event" && $0.chatID == chat }
    }

    @Test("auth: the first frame in time, a live session; ready lists my chats with cursors", arguments: TestEngine.all)
    func auth(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()

            let silent = LiveSocket(port: port, token: nil)
            #expect(try await silent.closed()?.closeCode == .unknown(4002))
            let forged = LiveSocket(port: port, token: "pt_" + String(repeating: "a", count: 43))
            #expect(try await forged.closed()?.closeCode == .unknown(4001))
            let notAuth = LiveSocket(port: port, token: nil)
            notAuth.send(["type": "ping"])
            #expect(try await notAuth.closed()?.closeCode == .unknown(4001))

            let (socket, ready) = try await Self.open(port, s.tokens["s1"])
            let mine = try await world.parta.myChats(s.principals["s1"]!)
            let listed = ready["chats"] as? [[String: Any]] ?? []
            #expect(listed.compactMap { $0["name"] as? String } == mine.map(\.entry.chat.name))
            #expect(listed.allSatisfy { ($0["cursor"] as? NSNumber)?.int64Value == ($0["last_seq"] as? NSNumber)?.int64Value })
            #expect(listed.allSatisfy { $0["phone"] == nil && ($0["is_admin"] as? Bool) == false })

            socket.send(["type": "ping", "req": "p1"])
            #expect(try await socket.next(where: { $0.type == "pong" })["req"] as? String == "p1")
            socket.send(["type": "launch", "req": "x"])
            let unknown = try await socket.reply("x")
            #expect(unknown.error == "unknown_command" && unknown["status"] as? Int == 400)
            socket.sendRaw("{not json")
            #expect(try await socket.next(where: { $0.type == "error" }).error == "invalid_frame")
            socket.send(["type": "send", "req": "y", "chat_id": 1])
            let missing = try await socket.reply("y")
            #expect(missing.error == "invalid_frame" && (missing["message"] as? String)?.contains("client_id") == true)
            await socket.close()
        }
    }

    @Test("send: ack after commit with the seq, every member's connection hears it once; a resend is the same message", arguments: TestEngine.all)
    func send(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let classChat = try await Self.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            let (teacher, _) = try await Self.open(port, s.tokens["ivanova"])
            let (student, _) = try await Self.open(port, s.tokens["s1"])
            let (outsider, _) = try await Self.open(port, s.tokens["petrov"])

            let ack = try await Self.send(teacher, "1", chat: classChat, clientID: "a-1", text: "  Завтра экскурсия ")
            #expect(ack.type == "ack" && ack["duplicate"] as? Bool == false)
            let seq = try #require(ack.seq)
            #expect(ack.message?["text"] as? String == "Завтра экскурсия" && (ack.message?["seq"] as? NSNumber)?.int64Value == seq)
            // Acknowledged means committed: another connection reads it over HTTP.
            let history = try await client.call(.get, "/api/v1/chats/\(classChat)/messages", token: s.tokens["s1"])
            #expect(history.items.first?["seq"] as? Int64 == seq || (history.items.first?["seq"] as? NSNumber)?.int64Value == seq)

            let heard = try await student.next(where: { $0.type == "event" })
            #expect(heard.chatID == classChat && heard.seq == seq && heard.kind == "message" && heard.messageText == "Завтра экскурсия")
            // The sender's own connection hears it too (her other devices would).
            #expect(try await teacher.next(where: { $0.type == "event" }).seq == seq)

            let again = try await Self.send(teacher, "2", chat: classChat, clientID: "a-1", text: "Завтра экскурсия")
            #expect(again["duplicate"] as? Bool == true && again.seq == seq && (again.message?["id"] as? NSNumber) == (ack.message?["id"] as? NSNumber))
            let empty = try await Self.send(teacher, "3", chat: classChat, clientID: "a-3", text: " ")
            #expect(empty.error == "text_required" && empty["status"] as? Int == 400)
            let long = try await Self.send(teacher, "4", chat: classChat, clientID: "a-4", text: String(repeating: "я", count: 4001))
            #expect(long.error == "text_too_long")
            let foreign = try await Self.send(outsider, "5", chat: classChat, clientID: "o-1", text: "Можно к вам?")
            #expect(foreign.error == "not_found" && foreign["status"] as? Int == 404)

            let next = try await Self.send(teacher, "6", chat: classChat, clientID: "a-6", text: "Сбор в 9:00")
            // The student's next event is the next message: the resend and the refusals sent nothing.
            let following = try await student.next(where: { $0.type == "event" })
            #expect(following.seq == seq + 1 && following.seq == next.seq && following.messageText == "Сбор в 9:00")
            #expect(Self.events(outsider.pending(), chat: classChat).isEmpty)
            for socket in [teacher, student, outsider] { await socket.close() }
        }
    }

    @Test("order: concurrent senders, every receiver gets one gapless sequence", arguments: TestEngine.all)
    func order(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let classChat = try await Self.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            let (watcher, _) = try await Self.open(port, s.tokens["s1"])
            let (second, _) = try await Self.open(port, s.tokens["ivanova"])
            let start = try #require(try await world.parta.myChats(s.principals["s1"]!).first { $0.entry.chat.id.rawValue == classChat }?.entry.lastSeq)

            let perSender = 15
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, prefix) in [("ivanova", "t"), ("s1", "s")] {
                    group.addTask {
                        let (socket, _) = try await Self.open(port, s.tokens[name])
                        for n in 0..<perSender {
                            let ack = try await Self.send(socket, "\(prefix)\(n)", chat: classChat, clientID: "\(prefix)-\(n)", text: "\(prefix)\(n)")
                            #expect(ack.type == "ack")
                        }
                        await socket.close()
                    }
                    group.addTask {
                        // The same sender over HTTP at the same time.
                        for n in 0..<perSender {
                            let sent = try await client.call(
                                .post, "/api/v1/chats/\(classChat)/messages", json: ["client_id": "\(prefix)h-\(n)", "text": "\(prefix)h\(n)"],
                                token: s.tokens[name])
                            #expect(sent.status == .created)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = 4 * perSender
            for socket in [watcher, second] {
                var seqs: [Int64] = []
                var texts: [String] = []
                while seqs.count < total {
                    let event = try await socket.next(where: { $0.type == "event" && $0.chatID == classChat })
                    seqs.append(event.seq ?? -1)
                    texts.append(event.messageText ?? "")
                }
                #expect(seqs == Array(start + 1...start + Int64(total)))
                // Each sender's messages keep the order they were sent in.
                for prefix in ["t", "s", "th", "sh"] {
                    let mine = texts.filter { $0.hasPrefix(prefix) && $0.dropFirst(prefix.count).allSatisfy(\.isNumber) }
                    #expect(mine == (0..<perSender).map { "\(prefix)\($0)" })
                }
                #expect(Self.events(socket.pending(), chat: classChat).isEmpty)
                await socket.close()
            }
        }
    }

    @Test("resume: reconnecting with the cursor replays exactly what was missed, then live", arguments: TestEngine.all)
    func resume(engine: TestEngine) async throws {
        // Sends in bulk: without the per-account sending limit (RateLimitTests covers it).
        try await withApp(engine, config: Self.config(), app: AppConfig(limits: .unlimitedRates), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let classChat = try await Self.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            let start = try #require(try await world.parta.myChats(s.principals["s1"]!).first { $0.entry.chat.id.rawValue == classChat }?.entry.lastSeq)
            let (first, _) = try await Self.open(port, s.tokens["s1"])

            let count = 40
            let sender = Task {
                for n in 0..<count {
                    let sent = try await client.call(
                        .post, "/api/v1/chats/\(classChat)/messages", json: ["client_id": "r-\(n)", "text": "m\(n)"], token: s.tokens["ivanova"])
                    #expect(sent.status == .created)
                }
            }
            // Drop the connection mid-stream.
            var seen: [Int64] = []
            while seen.count < 8 {
                seen.append(try await first.next(where: { $0.type == "event" && $0.chatID == classChat }).seq ?? -1)
            }
            await first.close()
            let cursor = seen.last!
            try await sender.value

            let (again, ready) = try await Self.open(port, s.tokens["s1"], cursors: [classChat: cursor])
            let entry = (ready["chats"] as? [[String: Any]] ?? []).first { ($0["id"] as? NSNumber)?.int64Value == classChat }
            #expect((entry?["cursor"] as? NSNumber)?.int64Value == cursor)
            var replayed: [Int64] = []
            while replayed.count < count - seen.count {
                replayed.append(try await again.next(where: { $0.type == "event" && $0.chatID == classChat }).seq ?? -1)
            }
            #expect(seen + replayed == Array(start + 1...start + Int64(count)))
            let live = try await client.call(.post, "/api/v1/chats/\(classChat)/messages", json: ["client_id": "r-live", "text": "live"], token: s.tokens["ivanova"])
            #expect(live.status == .created)
            let next = try await again.next(where: { $0.type == "event" && $0.chatID == classChat })
            #expect(next.seq == start + Int64(count) + 1 && next.messageText == "live")
            #expect(Self.events(again.pending(), chat: classChat).isEmpty)

            // A cursor for a chat I am not in: the ready frame says it is removed, and nothing of it is sent.
            let parents = try await Self.chat(world, s.principals["ivanova"]!, "10А - Родители")
            let (third, thirdReady) = try await Self.open(port, s.tokens["s1"], cursors: [parents: 0, classChat: start + Int64(count) + 1])
            #expect((thirdReady["removed"] as? [NSNumber])?.map(\.int64Value) == [parents])
            third.send(["type": "ping", "req": "after-ready"])
            let before = try await third.next(where: { $0.type == "pong" })
            #expect(before["req"] as? String == "after-ready" && Self.events(third.pending(), chat: parents).isEmpty)
            await again.close()
            await third.close()
        }
    }

    @Test("resume after edits and deletions: every replayed event is the whole frame, its message included", arguments: TestEngine.all)
    func resumeWholeFrames(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let p = world.parta
            let staffRoom = try await Self.chat(world, s.principals["ivanova"]!, "Учительская")
            let adminPrincipal = try #require(try await world.parta.authenticate(token: s.tokens["admin"]!))
            let cursor = try #require(try await p.myChats(adminPrincipal).first { $0.entry.chat.id.rawValue == staffRoom }?.entry.lastSeq)

            var sent: [Message] = []
            for n in 0..<25 {
                world.clock.advance(by: 1)
                sent.append(try await p.sendMessage(s.principals["ivanova"]!, chat: ChatID(staffRoom), clientID: "w-\(n)", text: "Сообщение \(n)").message)
            }
            world.clock.advance(by: 1)
            _ = try await p.editMessage(s.principals["ivanova"]!, chat: ChatID(staffRoom), message: sent[3].id, text: "Сообщение 3, исправлено")
            world.clock.advance(by: 1)
            _ = try await p.deleteMessage(s.principals["ivanova"]!, chat: ChatID(staffRoom), message: sent[7].id)

            let (socket, _) = try await Self.open(port, s.tokens["admin"], cursors: [staffRoom: cursor])
            var frames: [Frame] = []
            while frames.count < 27 {
                frames.append(try await socket.next(where: { $0.type == "event" && $0.chatID == staffRoom }))
            }
            // The messages as they stand now, from the history route.
            let history = try await client.call(.get, "/api/v1/chats/\(staffRoom)/messages?after=\(cursor)&limit=100", token: s.tokens["admin"])
            #expect(history.status == .ok && history.items.count == 25)
            var now: [Int64: [String: Any]] = [:]
            for item in history.items { now[(item["seq"] as? NSNumber)?.int64Value ?? -1] = item }
            func expected(_ seq: Int64, _ kind: String, _ message: [String: Any]?, at key: String) -> NSDictionary {
                ["type": "event", "chat_id": NSNumber(value: staffRoom), "seq": NSNumber(value: seq), "kind": kind,
                 "at": message?[key] ?? "", "message": message ?? [:]]
            }
            var wanted: [NSDictionary] = sent.map { expected($0.seq, "message", now[$0.seq], at: "created_at") }
            wanted.append(expected(cursor + 26, "message_edited", now[sent[3].seq], at: "edited_at"))
            wanted.append(expected(cursor + 27, "message_deleted", now[sent[7].seq], at: "deleted_at"))
            #expect(frames.map(\.seq) == Array(cursor + 1...cursor + 27))
            for (frame, want) in zip(frames, wanted) {
                #expect(NSDictionary(dictionary: frame.json) == want, "replayed \(frame.text)")
            }
            #expect((now[sent[3].seq]?["text"] as? String) == "Сообщение 3, исправлено" && (now[sent[7].seq]?["text"] as? String) == "")
            await socket.close()
        }
    }

    @Test("catch-up: a member removed while reading slowly gets nothing later, and chat_removed ahead of the rest", arguments: TestEngine.all)
    func removedDuringCatchUp(engine: TestEngine) async throws {
        // Sends in bulk: without the per-account sending limit (RateLimitTests covers it).
        try await withApp(engine, config: Self.config(), app: AppConfig(limits: .unlimitedRates), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let p = world.parta
            let classChat = try await Self.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            // 1,200 long messages: far more than the socket buffers hold.
            let long = String(repeating: "ж", count: 3_900)
            for n in 0..<1_200 {
                _ = try await p.sendMessage(s.principals["ivanova"]!, chat: ChatID(classChat), clientID: "l-\(n)", text: "\(n) \(long)")
            }
            let atReady = try #require(try await p.myChats(s.principals["s1"]!).first { $0.entry.chat.id.rawValue == classChat }?.entry.lastSeq)
            let first = try #require(try await p.myChats(s.principals["s1"]!).first { $0.entry.chat.id.rawValue == classChat }).entry.lastSeq - 1_200

            // The student reads `ready` and three frames, then stops reading.
            let student = LiveSocket(port: port, token: s.tokens["s1"], cursors: [classChat: 0], readsBeforePause: 4)
            #expect(try await student.next().type == "ready")
            _ = try await student.next(where: { $0.type == "event" })
            let removed = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/chats/\(classChat)/members/remove",
                json: ["person_ids": [s.s1.rawValue]], token: s.tokens["admin"])
            #expect(removed.status == .ok, "\(removed.text)")
            let after = try await p.sendMessage(s.principals["ivanova"]!, chat: ChatID(classChat), clientID: "after", text: "Только для оставшихся")
            try await Task.sleep(for: .milliseconds(300))
            student.resumeReading()

            let gone = try await student.next(where: { $0.type == "chat_removed" }, timeout: 30)
            #expect(gone.chatID == classChat)
            student.send(["type": "ping", "req": "end"])
            _ = try await student.next(where: { $0.type == "pong" }, timeout: 30)
            let all = student.received()
            let events = Self.events(all, chat: classChat)
            let seqs = events.compactMap(\.seq)
            // In order, without gaps, never past what was current at `ready`, cut short by the removal.
            #expect(seqs == Array(1...Int64(seqs.count)))
            #expect(seqs.allSatisfy { $0 <= atReady } && !seqs.contains(after.message.seq))
            #expect(!all.contains { $0.text.contains("Только для оставшихся") })
            #expect(events.filter { $0.seq ?? 0 > first }.count < 1_200, "the replay went on after the removal: \(events.count) events")
            #expect(all.filter { $0.type == "chat_removed" }.count == 1)
            await student.close()

            // Signing out stops a connection in the middle of its catch-up: the rest is not written.
            let teacher = LiveSocket(port: port, token: s.tokens["ivanova"], cursors: [classChat: 0], readsBeforePause: 4)
            #expect(try await teacher.next().type == "ready")
            let out = try await client.call(.post, "/api/v1/auth/sign-out", token: s.tokens["ivanova"])
            #expect(out.status == .noContent)
            try await Task.sleep(for: .milliseconds(600))
            teacher.resumeReading()
            let close = try await teacher.closed(timeout: 30)
            #expect(close?.closeCode == .unknown(4001) && close?.reason == "session_ended")
            #expect(Self.events(teacher.received(), chat: classChat).count < 1_200)
        }
    }

    @Test("membership: a withdrawn student's connection stops at once; a new chat arrives with its events", arguments: TestEngine.all)
    func membership(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let p = world.parta
            let classChat = try await Self.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            let (teacher, _) = try await Self.open(port, s.tokens["ivanova"])
            let (student, _) = try await Self.open(port, s.tokens["s1"])

            // A chat made by the administrator with the student in it: the student's connection
            // hears of it (`chat`, with the cursor after which its events follow), then its messages.
            let council = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Совет учащихся", members: [s.s1]))
            let added = try await student.next(where: { $0.type == "chat" })
            let addedChat = added["chat"] as? [String: Any]
            #expect((addedChat?["id"] as? NSNumber)?.int64Value == council.summary.chat.id.rawValue && addedChat?["name"] as? String == "Совет учащихся")
            let councilCursor = try #require((addedChat?["cursor"] as? NSNumber)?.int64Value)
            let hello = try await Self.send(student, "c1", chat: council.summary.chat.id.rawValue, clientID: "c-1", text: "Первое заседание")
            #expect(hello.type == "ack")
            // Every event of the new chat after the cursor, in order, up to the message.
            var councilSeqs: [Int64] = []
            while true {
                let event = try await student.next(where: { $0.type == "event" && $0.chatID == council.summary.chat.id.rawValue })
                councilSeqs.append(try #require(event.seq))
                if event.seq == hello.seq {
                    #expect(event.messageText == "Первое заседание")
                    break
                }
            }
            #expect(councilSeqs == Array((councilCursor + 1)...(try #require(hello.seq))), "cursor \(councilCursor), ack \(hello.seq ?? -1)")

            // A deleted chat is removed from its members' lists.
            try await p.deleteChat(s.admin, organization: s.id, id: council.summary.chat.id)
            #expect(try await student.next(where: { $0.type == "chat_removed" }).chatID == council.summary.chat.id.rawValue)

            world.clock.advance(by: 9 * 86_400)
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .withdrawal, classID: s.tenA, date: LocalDate("2026-09-10"))
            // Withdrawn without re-enrollment: the student has left the school, and with it every
            // chat — the class's and the English group's from the roster — at once.
            let removed = try await student.next(where: { $0.type == "chat_removed" && $0.chatID == classChat })
            #expect(removed.chatID == classChat)
            #expect(try await p.myChats(s.principals["s1"]!).isEmpty)
            let after = try await Self.send(teacher, "t1", chat: classChat, clientID: "t-after", text: "Без Артёма")
            #expect(after.type == "ack")
            // The teacher's connection heard it; the student's queue, read up to a pong asked for
            // after that, holds nothing of the class chat.
            _ = try await teacher.next(where: { $0.type == "event" && $0.seq == after.seq && $0.chatID == classChat })
            student.send(["type": "ping", "req": "later"])
            var upToPong: [Frame] = []
            while true {
                let frame = try await student.next()
                if frame.type == "pong" { break }
                upToPong.append(frame)
            }
            #expect(Self.events(upToPong, chat: classChat).isEmpty)
            let refused = try await Self.send(student, "s2", chat: classChat, clientID: "s-late", text: "Я тут?")
            #expect(refused.error == "not_found")

            await teacher.close()
            await student.close()
        }
    }

    @Test("moderation: announcements-only refuses members, a chat admin's deletion reaches everyone without the text", arguments: TestEngine.all)
    func moderation(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let parents = try await Self.chat(world, s.principals["ivanova"]!, "10А - Родители")
            let (teacher, _) = try await Self.open(port, s.tokens["ivanova"])
            let (parent, _) = try await Self.open(port, s.tokens["p2"])

            let question = try await Self.send(parent, "q", chat: parents, clientID: "q-1", text: "Когда собрание?")
            let questionID = try #require(question.message?["id"] as? NSNumber)
            let settings = try await client.call(
                .patch, "/api/v1/chats/\(parents)/settings", json: ["announcements_only": true], token: s.tokens["ivanova"])
            #expect(settings.status == .ok && settings["announcements_only"] as? Bool == true)
            let refusedSettings = try await client.call(
                .patch, "/api/v1/chats/\(parents)/settings", json: ["announcements_only": false], token: s.tokens["p2"])
            #expect(refusedSettings.status == .forbidden)
            let changed = try await parent.next(where: { $0.type == "event" && $0.kind == "settings_changed" })
            #expect((changed["settings"] as? [String: Any])?["announcements_only"] as? Bool == true)

            let refused = try await Self.send(parent, "q2", chat: parents, clientID: "q-2", text: "Ответьте, пожалуйста")
            #expect(refused.error == "forbidden" && refused["status"] as? Int == 403)
            teacher.send(["type": "delete", "req": "d", "chat_id": parents, "message_id": questionID])
            let deleted = try await teacher.reply("d")
            #expect(deleted.type == "ack" && deleted.message?["deleted_at"] != nil && deleted.messageText == "")
            let heard = try await parent.next(where: { $0.type == "event" && $0.kind == "message_deleted" })
            #expect(heard.seq == deleted.seq && heard.messageText == "" && (heard.message?["id"] as? NSNumber) == questionID)
            #expect(!heard.text.contains("Когда собрание"))
            let history = try await client.call(.get, "/api/v1/chats/\(parents)/messages", token: s.tokens["p2"])
            #expect(!history.text.contains("Когда собрание"))
            // Only members see a chat's history.
            #expect(try await client.call(.get, "/api/v1/chats/\(parents)/messages", token: s.tokens["s1"]).status == .notFound)
            await teacher.close()
            await parent.close()
        }
    }

    @Test("signing out ends the session's live connection", arguments: [TestEngine.sqlite])
    func signOut(engine: TestEngine) async throws {
        try await withApp(engine, config: Self.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let (socket, _) = try await Self.open(port, s.tokens["s1"])
            let out = try await client.call(.post, "/api/v1/auth/sign-out", token: s.tokens["s1"])
            #expect(out.status == .noContent || out.status == .ok)
            let close = try await socket.closed(timeout: 5)
            #expect(close?.closeCode == .unknown(4001) && close?.reason == "session_ended")
        }
    }
}
