import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing

/// The messenger over HTTP: the same rules as the live connection, for clients between connections.
@Suite("Messenger routes")
struct MessageRoutesTests {
    static func number(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

    @Test("list, send, resend, page, edit, delete, read, receipts, settings, with every refusal a clear 4xx", arguments: TestEngine.all)
    func messenger(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let t = s.tokens
            let mine = try await client.call(.get, "/api/v1/me/chats", token: t["s1"])
            #expect(mine.status == .ok)
            let classEntry = try #require(mine.items.first { $0["name"] as? String == "10А - Ученики" })
            let chat = try #require(Self.number(classEntry["id"]))
            #expect(classEntry["is_admin"] as? Bool == false && Self.number(classEntry["unread"]) == 0)
            #expect(try await client.call(.get, "/api/v1/me/chats").status == .unauthorized)

            // Send: 201 after commit; the same client_id again is 200 with the same message.
            let first = try await client.call(.post, "/api/v1/chats/\(chat)/messages", json: ["client_id": "h-1", "text": "Домашнее задание: §12"], token: t["ivanova"])
            #expect(first.status == .created)
            let again = try await client.call(.post, "/api/v1/chats/\(chat)/messages", json: ["client_id": "h-1", "text": "другой текст"], token: t["ivanova"])
            #expect(again.status == .ok && Self.number(again["id"]) == Self.number(first["id"]) && again["text"] as? String == "Домашнее задание: §12")
            let second = try await client.call(
                .post, "/api/v1/chats/\(chat)/messages", json: ["client_id": "h-2", "text": "Вопрос", "reply_to": Self.number(first["id"])!], token: t["s1"])
            #expect(second.status == .created && Self.number(second["reply_to"]) == Self.number(first["id"]))

            // Refusals: each a 4xx with a code, none of them writing anything.
            let refusals: [(String?, [String: Any]?, String?, HTTPResponse.Status, String)] = [
                (t["s1"], ["text": "без client_id"], nil, .badRequest, "invalid_body"),
                (t["s1"], ["client_id": "h-3", "text": String(repeating: "я", count: 4001)], nil, .badRequest, "text_too_long"),
                (t["s1"], ["client_id": "h-3", "text": "   "], nil, .badRequest, "text_required"),
                (t["s1"], ["client_id": "не так", "text": "x"], nil, .badRequest, "invalid_client_id"),
                (t["s1"], ["client_id": "h-3", "text": "x", "reply_to": 999_999], nil, .badRequest, "invalid_reply"),
                (t["petrov"], ["client_id": "p-1", "text": "x"], nil, .notFound, "not_found"),
                (t["s1"], nil, "{not json", .badRequest, "invalid_body"),
            ]
            for (token, json, raw, status, code) in refusals {
                let response = try await client.call(.post, "/api/v1/chats/\(chat)/messages", json: json, raw: raw, token: token)
                #expect(response.status == status && response.error == code, "\(json ?? [:]) \(raw ?? ""): \(response.text)")
            }
            let history = try await client.call(.get, "/api/v1/chats/\(chat)/messages", token: t["s1"])
            #expect(history.items.compactMap { $0["client_id"] as? String } == ["h-2", "h-1"])
            let older = try await client.call(.get, "/api/v1/chats/\(chat)/messages?before=\(Self.number(second["seq"])!)", token: t["s1"])
            #expect(older.items.compactMap { $0["client_id"] as? String } == ["h-1"])
            let newer = try await client.call(.get, "/api/v1/chats/\(chat)/messages?after=\(Self.number(first["seq"])!)&limit=1", token: t["s1"])
            #expect(newer.items.compactMap { $0["client_id"] as? String } == ["h-2"])
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/messages?before=5&after=1", token: t["s1"]).error == "invalid_query")
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/messages?limit=0", token: t["s1"]).error == "invalid_limit")
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/messages?limit=abc", token: t["s1"]).status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/messages", token: t["petrov"]).status == .notFound)

            // Unread: the student has the teacher's message unread until they read it.
            let unread = try await client.call(.get, "/api/v1/me/chats", token: t["s1"])
            let entry = try #require(unread.items.first { Self.number($0["id"]) == chat })
            #expect(Self.number(entry["unread"]) == 1 && (entry["last_message"] as? [String: Any])?["client_id"] as? String == "h-2")
            let read = try await client.call(.post, "/api/v1/chats/\(chat)/read", json: ["seq": Self.number(second["seq"])!], token: t["s1"])
            #expect(read.status == .ok && Self.number(read["read_seq"]) == Self.number(second["seq"]))
            let back = try await client.call(.post, "/api/v1/chats/\(chat)/read", json: ["seq": 0], token: t["s1"])
            #expect(Self.number(back["read_seq"]) == Self.number(second["seq"]))
            let after = try await client.call(.get, "/api/v1/me/chats", token: t["s1"])
            #expect(Self.number(after.items.first { Self.number($0["id"]) == chat }?["unread"]) == 0)

            // Edit: the sender only. Delete: the sender or a chat admin.
            let firstID = try #require(Self.number(first["id"]))
            let secondID = try #require(Self.number(second["id"]))
            let notMine = try await client.call(.patch, "/api/v1/chats/\(chat)/messages/\(firstID)", json: ["text": "взлом"], token: t["s1"])
            #expect(notMine.status == .forbidden)
            let edited = try await client.call(.patch, "/api/v1/chats/\(chat)/messages/\(firstID)", json: ["text": "Домашнее задание: §13"], token: t["ivanova"])
            #expect(edited.status == .ok && edited["text"] as? String == "Домашнее задание: §13" && edited["edited_at"] != nil)
            #expect(try await client.call(.delete, "/api/v1/chats/\(chat)/messages/\(firstID)", token: t["s1"]).status == .forbidden)
            #expect(try await client.call(.delete, "/api/v1/chats/\(chat)/messages/999999", token: t["s1"]).status == .notFound)
            let moderated = try await client.call(.delete, "/api/v1/chats/\(chat)/messages/\(secondID)", token: t["ivanova"])
            #expect(moderated.status == .ok && moderated["text"] as? String == "" && moderated["deleted_at"] != nil)

            // Read receipts: off by default; a chat admin turns them on; then the sender sees readers.
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/messages/\(firstID)/readers", token: t["ivanova"]).status == .forbidden)
            #expect(try await client.call(.patch, "/api/v1/chats/\(chat)/settings", json: ["read_receipts": true], token: t["s1"]).status == .forbidden)
            let settings = try await client.call(.patch, "/api/v1/chats/\(chat)/settings", json: ["read_receipts": true], token: t["ivanova"])
            #expect(settings.status == .ok && settings["read_receipts"] as? Bool == true && settings["announcements_only"] as? Bool == false)
            let readers = try await client.call(.get, "/api/v1/chats/\(chat)/messages/\(firstID)/readers", token: t["ivanova"])
            #expect(readers.status == .ok && (readers["account_ids"] as? [NSNumber])?.map(\.int64Value) == [s.principals["s1"]!.account.id.rawValue])
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/messages/\(firstID)/readers", token: t["s1"]).status == .forbidden)

            // Members, for names of senders: admins first, no phones; a non-member gets 404.
            let members = try await client.call(.get, "/api/v1/chats/\(chat)/members?per_page=50", token: t["s1"])
            #expect(members.status == .ok && Self.number(members["total"]) == Int64(members.items.count))
            #expect(members.items.first?["full_name"] as? String == "Иванова Мария" && members.items.first?["admin"] as? Bool == true)
            let artyom = try #require(members.items.first { $0["full_name"] as? String == "Алексеев Артём" })
            #expect(Self.number(artyom["account_id"]) == s.principals["s1"]!.account.id.rawValue && artyom["role"] as? String == "student")
            #expect(members.items.contains { $0["full_name"] as? String == "Васильев Глеб" && $0["pending"] as? Bool == true })
            #expect(!members.text.contains("+7999"))
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/members", token: t["petrov"]).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/chats/\(chat)/members?per_page=7", token: t["s1"]).status == .badRequest)

            // Direct chats over HTTP.
            let direct = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/direct-chats", json: ["account_id": s.principals["ivanova"]!.account.id.rawValue], token: t["s1"])
            #expect(direct.status == .forbidden)
            let opened = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/direct-chats", json: ["account_id": s.principals["s1"]!.account.id.rawValue], token: t["ivanova"])
            #expect(opened.status == .ok && opened["type"] as? String == "direct")
            #expect(Self.number(opened["peer_id"]) == s.principals["s1"]!.account.id.rawValue && opened["name"] as? String == "Алексеев Артём")
            // In a direct chat, both are named as the roster knows them.
            let pair = try await client.call(.get, "/api/v1/chats/\(Self.number(opened["id"])!)/members", token: t["s1"])
            #expect(Set(pair.items.compactMap { $0["full_name"] as? String }) == ["Иванова Мария", "Алексеев Артём"])
            let nobody = try await client.call(.post, "/api/v1/organizations/\(s.id)/direct-chats", json: ["account_id": 999_999], token: t["ivanova"])
            #expect(nobody.status == .notFound)
        }
    }
}
