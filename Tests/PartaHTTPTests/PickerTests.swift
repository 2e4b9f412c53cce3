import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing

/// The member picker shows only people the caller may add, with only what choosing needs
/// (issue 16 item 6); adding anyone else is refused, whatever the client sends.
@Suite("Member picker")
struct PickerTests {
    static func candidates(_ client: any TestClientProtocol, _ s: TestWorld.ChatSchool, chat: Int64, token: String?, query: String = "") async throws -> JSONResponse {
        try await client.call(.get, "/api/v1/organizations/\(s.id)/chats/\(chat)/candidates?per_page=100\(query)", token: token)
    }

    static func names(_ response: JSONResponse) -> Set<String> {
        Set(response.items.compactMap { ($0["person"] as? [String: Any])?["full_name"] as? String })
    }

    @Test("a homeroom teacher sees and adds the class's students, their parents and staff; a pupil chat admin moderates only", arguments: TestEngine.all)
    func picker(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let p = world.parta
            // A SNILS-like external id on a student: it must never reach the picker.
            let patched = try await client.call(
                .patch, "/api/v1/organizations/\(s.id)/persons/\(s.s1)", json: ["external_id": "123-456-789 00", "birth_date": "2010-03-04"],
                token: s.tokens["admin"])
            #expect(patched.status == .ok, "\(patched.text)")
            let classChat = try await LiveTests.chat(world, s.principals["ivanova"]!, "10А - Ученики")

            let mine = try await Self.candidates(client, s, chat: classChat, token: s.tokens["ivanova"])
            #expect(mine.status == .ok)
            #expect(Self.names(mine) == [
                "Алексеев Артём", "Борисова Вера", "Васильев Глеб",      // the class's students
                "Алексеева Елена", "Борисова Жанна",                      // their parents
                "Иванова Мария", "Петров Олег", "Смит Джон", "Сидорова Анна", // staff
            ])
            #expect(!mine.text.contains("123-456-789") && !mine.text.contains("2010-03-04") && !mine.text.contains("birth_date") && !mine.text.contains("external_id"))
            for item in mine.items { #expect(Set((item["person"] as? [String: Any] ?? [:]).keys) == ["id", "full_name", "role"]) }
            // Filters narrow within what she may see, never beyond it.
            #expect(Self.names(try await Self.candidates(client, s, chat: classChat, token: s.tokens["ivanova"], query: "&class_id=\(s.nineG)")).isSubset(of: Self.names(mine)))
            #expect(!Self.names(try await Self.candidates(client, s, chat: classChat, token: s.tokens["ivanova"], query: "&surname=%D0%91%D0%BE%D1%80%D0%B8%D1%81%D0%BE%D0%B2")).contains("Борисов Дмитрий"))
            // A student of another class is refused, also through "all matching"; nothing changes.
            let before = try await client.call(.get, "/api/v1/organizations/\(s.id)/chats/\(classChat)/members?per_page=100", token: s.tokens["admin"]).items.count
            let refused = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/chats/\(classChat)/members", json: ["person_ids": [s.s9.rawValue]], token: s.tokens["ivanova"])
            #expect(refused.status == .forbidden && refused.message?.contains("Борисов Д.") == true, "\(refused.text)")
            let matching = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/chats/\(classChat)/members", json: ["all_matching": ["role": "students"]], token: s.tokens["ivanova"])
            #expect(matching.status == .ok && (matching["matched"] as? Int) == 3, "\(matching.text)")
            #expect(try await client.call(.get, "/api/v1/organizations/\(s.id)/chats/\(classChat)/members?per_page=100", token: s.tokens["admin"]).items.count == before)
            // The administrator sees the whole school, with birth dates to tell namesakes apart (never external ids).
            let whole = try await Self.candidates(client, s, chat: classChat, token: s.tokens["admin"])
            #expect(Self.names(whole).contains("Борисов Дмитрий"))
            let s1 = try #require(whole.items.compactMap { $0["person"] as? [String: Any] }.first { $0["id"] as? Int == Int(s.s1.rawValue) })
            #expect(s1["birth_date"] as? String == "2010-03-04" && !whole.text.contains("123-456-789"))

            // A student made admin of a custom chat moderates and removes; does not browse or add.
            let council = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Совет учащихся", members: [s.s1, s.s2]))
            let councilID = council.summary.chat.id.rawValue
            try await p.setChatAdmin(s.admin, organization: s.id, id: council.summary.chat.id, member: .person(s.s1), admin: true)
            let browse = try await Self.candidates(client, s, chat: councilID, token: s.tokens["s1"])
            #expect(browse.status == .forbidden && browse.items.isEmpty)
            let add = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/chats/\(councilID)/members", json: ["person_ids": [s.s9.rawValue]], token: s.tokens["s1"])
            #expect(add.status == .forbidden)
            let remove = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/chats/\(councilID)/members/remove", json: ["person_ids": [s.s2.rawValue]], token: s.tokens["s1"])
            #expect(remove.status == .ok && remove["removed"] as? Int == 1)
        }
    }
}
