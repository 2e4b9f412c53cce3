import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing

/// Text is bounded by bytes as well as characters, holds no control characters but line breaks
/// and tabs, and names carry no direction tricks and show a letter (issue 16 item 8).
@Suite("Text limits over HTTP and the live connection")
struct TextLimitsTests {
    @Test("messages: combining-mark bombs, NUL and other controls are refused and change nothing; line breaks survive", arguments: TestEngine.all)
    func messages(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let chat = try await LiveTests.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            let path = "/api/v1/chats/\(chat)/messages"
            func send(_ text: String, _ id: String) async throws -> JSONResponse {
                try await client.call(.post, path, json: ["client_id": id, "text": text], token: s.tokens["ivanova"])
            }
            let before = try await client.call(.get, path, token: s.tokens["ivanova"]).items.count

            let bomb = try await send("e" + String(repeating: "\u{301}", count: 300_000), "bomb")
            #expect(bomb.status == .badRequest && bomb.error == "text_too_long" && bomb.message?.contains("bytes") == true, "\(bomb.error ?? "")")
            let nul = try await send("a\u{0}b", "nul")
            #expect(nul.status == .badRequest && nul.error == "invalid_text")
            let bell = try await send("звонок\u{7}", "bell")
            #expect(bell.status == .badRequest && bell.error == "invalid_text" && bell.message?.contains("U+7") == true)
            #expect(try await client.call(.get, path, token: s.tokens["ivanova"]).items.count == before)
            // The same ids still work: nothing was stored under them.
            let windows = try await send("Первая строка\r\nвторая\tс табом", "nul")
            #expect(windows.status == .created && windows["text"] as? String == "Первая строка\nвторая\tс табом")
            // A backslash and "u0000" typed as text are text.
            let typed = try await send("В JSON NUL пишут как \\u0000", "typed")
            #expect(typed.status == .created && typed["text"] as? String == "В JSON NUL пишут как \\u0000")

            // The live connection answers the same refusals with error frames.
            let (socket, _) = try await LiveTests.open(port, s.tokens["ivanova"])
            let live = try await LiveTests.send(socket, "z", chat: chat, clientID: "z-1", text: "o" + String(repeating: "\u{308}", count: 20_000))
            #expect(live.type == "error" && live.error == "text_too_long" && live["status"] as? Int == 400)
            let control = try await LiveTests.send(socket, "c", chat: chat, clientID: "c-1", text: "esc\u{1B}[2J")
            #expect(control.type == "error" && control.error == "invalid_text")
            await socket.close()
            #expect(try await client.call(.get, path, token: s.tokens["ivanova"]).items.count == before + 2)
        }
    }

    @Test("names: direction overrides, invisible-only and joiners are refused for people and chats", arguments: TestEngine.all)
    func names(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let me = try await client.call(.get, "/api/v1/me", token: s.tokens["s1"])
            let name = try #require(me["account"] as? [String: Any])["full_name"] as? String
            for (surname, given) in [("\u{202E}вонами", "Иван"), ("\u{3164}", "Иван"), ("Ива\u{200D}нов", "Иван"), ("Иванов", "\u{200B}"),
                                     ("Иванов", "И\u{0}ван")] {
                let refused = try await client.call(.patch, "/api/v1/me", json: ["surname": surname, "given_name": given], token: s.tokens["s1"])
                #expect(refused.status == .badRequest && ["invalid_name", "invalid_text"].contains(refused.error ?? ""), "\(surname.debugDescription): \(refused.text)")
            }
            #expect((try await client.call(.get, "/api/v1/me", token: s.tokens["s1"])["account"] as? [String: Any])?["full_name"] as? String == name)

            let chats = "/api/v1/organizations/\(s.id)/chats"
            let total = try await client.call(.get, chats, token: s.tokens["admin"])["total"] as? Int
            for bad in ["Совет \u{202E}йыньлоко", "\u{200B}\u{200B}", "\u{2800}", "Клуб\u{7}"] {
                let refused = try await client.call(.post, chats, json: ["type": "custom", "name": bad], token: s.tokens["admin"])
                #expect(refused.status == .badRequest && refused.error == "invalid_chat_name", "\(bad.debugDescription): \(refused.text)")
            }
            #expect(try await client.call(.get, chats, token: s.tokens["admin"])["total"] as? Int == total)
            let person = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/persons", json: ["role": "student", "surname": "\u{2066}Петров", "given_name": "Пётр"],
                token: s.tokens["admin"])
            #expect(person.status == .badRequest && person.error == "invalid_name")
        }
    }
}
