import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// Calls and meetings over HTTP and the live connection, without a media server: the bad inputs,
/// the limits, and the frames members receive.
@Suite("Calls over HTTP")
struct CallRoutesTests {
    static func classChat(_ world: TestWorld, _ s: TestWorld.ChatSchool) async throws -> ChatID {
        try #require(try await world.parta.myChats(s.principals["ivanova"]!).first { $0.entry.chat.kind == .classChat }).entry.chat.id
    }

    @Test("bad inputs: each a clear 400 naming its field, and nothing stored", arguments: TestEngine.all)
    func badInputs(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let chat = try await Self.classChat(world, s)
            let token = s.tokens["ivanova"]
            let lastSeq = { try await world.database.read { try await $0.seat(chat: chat, account: s.principals["ivanova"]!.account.id)!.lastSeq } }
            let before = try await lastSeq()
            let meetings = "/api/v1/chats/\(chat)/meetings"
            let good: [String: Any] = ["title": "Классный час", "starts_at": "2026-09-01T15:00:00+03:00", "ends_at": "2026-09-01T16:00:00+03:00"]
            func with(_ changes: [String: Any?]) -> [String: Any] {
                var body = good
                for (key, value) in changes { body[key] = value }
                return body
            }
            let cases: [(body: [String: Any], error: String, field: String?)] = [
                (with(["title": nil]), "invalid_title", "title"),
                (with(["title": "   "]), "invalid_title", "title"),
                (with(["title": String(repeating: "я", count: 201)]), "invalid_title", "title"),
                (with(["title": "Классный\nчас"]), "invalid_title", "title"),
                (with(["media": "radio"]), "invalid_media", "media"),
                (with(["starts_at": "завтра"]), "invalid_time", "starts_at"),
                (with(["starts_at": nil]), "invalid_time", "starts_at"),
                (with(["ends_at": "2026-09-01T16:00:00"]), "invalid_time", "ends_at"),
                (with(["ends_at": "2026-09-01T14:00:00+03:00"]), "invalid_window", "ends_at"),
                (with(["ends_at": "2026-09-02T00:00:00+03:00"]), "invalid_window", "ends_at"),
                (with(["starts_at": "2026-09-01T08:00:00+03:00"]), "invalid_window", "starts_at"),
            ]
            for bad in cases {
                let response = try await client.call(.post, meetings, json: bad.body, token: token)
                #expect(response.status == .badRequest && response.error == bad.error, "\(bad.body): \(response.text)")
                #expect((response["details"] as? [String: Any])?["field"] as? String == bad.field, "\(response.text)")
            }
            #expect(try await client.call(.post, meetings, raw: "{title", token: token).status == .badRequest)
            let radio = try await client.call(.post, "/api/v1/chats/\(chat)/calls", json: ["media": "radio"], token: token)
            #expect(radio.status == .badRequest && radio.error == "invalid_media")
            for query in ["limit=0", "limit=101", "limit=many", "before=x"] {
                #expect(try await client.call(.get, "/api/v1/chats/\(chat)/calls?\(query)", token: token).status == .badRequest, "\(query)")
            }
            for path in ["calls/x/join", "calls/0/leave", "meetings/x/join", "calls/999/end"] {
                let response = try await client.call(.post, "/api/v1/chats/\(chat)/\(path)", token: token)
                #expect(response.status == .notFound, "\(path): \(response.text)")
            }

            // Allowed, but the server has no media server: 503, and no call is recorded.
            let unavailable = try await client.call(.post, "/api/v1/chats/\(chat)/calls", json: ["media": "audio"], token: token)
            #expect(unavailable.status == .serviceUnavailable && unavailable.error == "calls_unavailable")
            #expect(try await client.call(.get, meetings, token: token).items.isEmpty)
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/calls", token: token).items.isEmpty)
            #expect(try await lastSeq() == before, "no event was written")

            // The good meeting is stored, and says where it stands.
            let created = try await client.call(.post, meetings, json: good, token: token)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require((created["id"] as? NSNumber)?.int64Value)
            #expect(NSDictionary(dictionary: created.json) == [
                "id": id, "chat_id": chat.rawValue, "title": "Классный час", "media": "video", "starts_at": "2026-09-01T12:00:00Z",
                "ends_at": "2026-09-01T13:00:00Z", "created_by": s.principals["ivanova"]!.account.id.rawValue, "state": "upcoming",
            ] as NSDictionary)
            #expect(try await client.call(.get, meetings, token: s.tokens["s1"]).items.map { ($0["id"] as? NSNumber)?.int64Value } == [id])
        }
    }

    @Test("starting and entering calls is limited per account", arguments: [TestEngine.sqlite])
    func limited(engine: TestEngine) async throws {
        var app = AppConfig()
        app.limits = RateLimits(rules: [.calls: [.perMinute(2)]])
        try await withApp(engine, app: app) { world, client in
            let s = try await world.chatSchool()
            let chat = try await Self.classChat(world, s)
            for _ in 0..<2 {
                #expect(try await client.call(.post, "/api/v1/chats/\(chat)/calls", token: s.tokens["ivanova"]).status == .serviceUnavailable)
            }
            let third = try await client.call(.post, "/api/v1/chats/\(chat)/calls", token: s.tokens["ivanova"])
            #expect(third.status == .tooManyRequests && third.headers[.retryAfter] == "30")
            // A refusal by the rules spends nothing.
            for _ in 0..<3 {
                #expect(try await client.call(.post, "/api/v1/chats/\(chat)/calls", token: s.tokens["s1"]).status == .forbidden)
            }
            world.clock.advance(by: 30)
            #expect(try await client.call(.post, "/api/v1/chats/\(chat)/calls", token: s.tokens["ivanova"]).status == .serviceUnavailable)
        }
    }

    @Test("members hear of calls and meetings on the live connection, whole frames; the chat list shows the running call",
          arguments: TestEngine.all)
    func live(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let chat = try await Self.classChat(world, s)
            let ivanova = s.principals["ivanova"]!.account.id
            // A call running in the chat, as the media path records it (its room is on a server this test does not reach).
            let started = world.clock.now()
            let iso = { (date: Date) in ISO8601DateFormatter().string(from: date) }
            let call: CallID = try await world.database.write { store in
                guard let id = try await store.insertChatCall(
                    organization: s.id, chat: chat, meeting: nil, media: .audio, startedBy: ivanova, server: "http://127.0.0.1:9/janus", room: 7,
                    secret: "x", now: started)
                else { throw StoreError.missingRow("call") }
                let seq = try await store.appendChatEvents([(chat, ChatEvent.callStarted(id, media: .audio, startedBy: ivanova, meeting: nil))],
                                                           organization: s.id, now: started)[0]
                try await store.setCallSeq(id, started: seq)
                return id
            }
            let (socket, ready) = try await LiveTests.open(port, s.tokens["s1"])
            let listed = try #require((ready["chats"] as? [[String: Any]])?.first { ($0["id"] as? NSNumber)?.int64Value == chat.rawValue })
            #expect(NSDictionary(dictionary: try #require(listed["call"] as? [String: Any])) == [
                "id": call.rawValue, "chat_id": chat.rawValue, "kind": "chat", "media": "audio", "started_by": ivanova.rawValue,
                "started_at": iso(started),
            ] as NSDictionary)
            let seq = try #require((listed["last_seq"] as? NSNumber)?.int64Value)

            world.clock.advance(by: 90)
            #expect(try await client.call(.post, "/api/v1/chats/\(chat)/calls/\(call)/end", token: s.tokens["s1"]).status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/chats/\(chat)/calls/\(call)/end", token: s.tokens["ivanova"]).status == .noContent)
            let ended = try await socket.next { $0.kind == "call_ended" }
            #expect(NSDictionary(dictionary: ended.json) == [
                "type": "event", "chat_id": chat.rawValue, "seq": seq + 1, "at": iso(started + 90), "kind": "call_ended",
                "call": ["call_id": call.rawValue, "duration_seconds": 90, "participants": 0],
            ] as NSDictionary)

            let created = try await client.call(.post, "/api/v1/chats/\(chat)/meetings", json: [
                "title": "Классный час", "starts_at": "2026-09-01T15:00:00+03:00", "ends_at": "2026-09-01T16:00:00+03:00",
            ], token: s.tokens["ivanova"])
            let meeting = try #require((created["id"] as? NSNumber)?.int64Value)
            let scheduled = try await socket.next { $0.kind == "meeting_scheduled" }
            #expect(NSDictionary(dictionary: scheduled.json) == [
                "type": "event", "chat_id": chat.rawValue, "seq": seq + 2, "at": iso(started + 90), "kind": "meeting_scheduled", "meeting_id": meeting,
            ] as NSDictionary)
            #expect(try await client.call(.delete, "/api/v1/chats/\(chat)/meetings/\(meeting)", token: s.tokens["ivanova"]).status == .noContent)
            #expect(try await socket.next { $0.kind == "meeting_cancelled" }["meeting_id"] as? NSNumber == NSNumber(value: meeting))

            // The timeline's list of calls: the events that began and ended it, its length.
            let calls = try await client.call(.get, "/api/v1/chats/\(chat)/calls", token: s.tokens["s1"])
            #expect(NSDictionary(dictionary: try #require(calls.items.first)) == [
                "call": ["id": call.rawValue, "chat_id": chat.rawValue, "kind": "chat", "media": "audio", "started_by": ivanova.rawValue,
                         "started_at": iso(started), "ended_at": iso(started + 90)],
                "started_seq": seq, "ended_seq": seq + 1, "duration_seconds": 90, "participants": 0,
            ] as NSDictionary)
            #expect(try await client.call(.get, "/api/v1/me/chats", token: s.tokens["s1"]).items.first { ($0["id"] as? NSNumber)?.int64Value == chat.rawValue }?["call"] == nil)
            await socket.close()
        }
    }
}
