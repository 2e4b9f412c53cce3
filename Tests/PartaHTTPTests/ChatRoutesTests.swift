import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// SPEC §5's permission table through the API: who (administrator, homeroom teacher of 10А,
/// Краеведение teacher of 10А, a parent made admin of the 10А parents chat, a student) may do
/// what to which chat. An allowed removal or admin change of a non-member answers 404 (the rule
/// let it through), a refused one 403, so the table runs without destroying its own fixtures;
/// deletions come last.
@Suite("Chat routes")
struct ChatRoutesTests {
    struct Row: Sendable, CustomStringConvertible {
        var who: String
        var method: HTTPRequest.Method
        var chat: String?
        var suffix: String
        var body: [String: any Sendable]?
        var status: Int

        var description: String { "\(who) \(method) \(chat ?? "-")\(suffix) → \(status)" }
    }

    @Test("the permission table, actor × chat × action", arguments: TestEngine.all)
    func permissionTable(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let p = world.parta
            func key(_ k: RosterChatKey) async throws -> ChatID {
                try await world.database.read {
                    try await $0.rosterChats(of: s.id, classes: k.classID.map { [$0] } ?? [], staffRoom: k == .staffRoom).live[k]!.id
                }
            }
            let custom = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Совет школы")).summary.chat.id
            var chats: [String: ChatID] = [
                "staff": try await key(.staffRoom), "class10A": try await key(.classChat(s.tenA)), "parents10A": try await key(.parents(s.tenA)),
                "kraeved10A": try await key(.subject(s.tenA, s.kraeved, group: "")), "chem9G": try await key(.subject(s.nineG, s.chemistry, group: "")),
                "custom": custom,
            ]
            // p2 becomes an admin of the 10А parents chat through the API.
            let made = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/chats/\(chats["parents10A"]!)/admins",
                json: ["person_id": s.p2.rawValue, "admin": true], token: s.tokens["admin"])
            #expect(made.status == .noContent)

            let nobody: [String: any Sendable] = ["person_ids": [999_999]]
            let notMember: [String: any Sendable] = ["person_id": 999_999, "admin": true]
            func add(_ id: RosterPersonID) -> [String: any Sendable] { ["person_ids": [id.rawValue]] }
            var rows: [Row] = []
            // Initialize: administrators only.
            for (who, status) in [("admin", 200), ("ivanova", 403), ("petrov", 403), ("p2", 403), ("s1", 403)] {
                rows.append(Row(who: who, method: .post, chat: nil, suffix: "/initialize", body: ["dry_run": true], status: status))
            }
            // List: everyone who manages something.
            for (who, status) in [("admin", 200), ("ivanova", 200), ("petrov", 200), ("p2", 200), ("s1", 403)] {
                rows.append(Row(who: who, method: .get, chat: nil, suffix: "", body: nil, status: status))
            }
            // View one chat.
            rows += [
                Row(who: "petrov", method: .get, chat: "kraeved10A", suffix: "", body: nil, status: 200),
                Row(who: "petrov", method: .get, chat: "class10A", suffix: "", body: nil, status: 403),
                Row(who: "s1", method: .get, chat: "class10A", suffix: "", body: nil, status: 403),
            ]
            // Rename.
            let renames: [(String, String, Int)] = [
                ("admin", "staff", 200), ("ivanova", "class10A", 200), ("ivanova", "kraeved10A", 200), ("ivanova", "staff", 403),
                ("ivanova", "chem9G", 403), ("petrov", "kraeved10A", 200), ("petrov", "class10A", 403), ("p2", "parents10A", 403),
                ("s1", "class10A", 403), ("admin", "custom", 200), ("ivanova", "custom", 403),
            ]
            for (who, chat, status) in renames {
                rows.append(Row(who: who, method: .patch, chat: chat, suffix: "", body: ["name": "Новое имя \(who)"], status: status))
            }
            // Add members.
            rows += [
                Row(who: "admin", method: .post, chat: "chem9G", suffix: "/members", body: add(s.s3), status: 200),
                // A homeroom teacher adds her class's people and staff — a student of 9Г is not.
                Row(who: "ivanova", method: .post, chat: "class10A", suffix: "/members", body: add(s.s9), status: 403),
                Row(who: "ivanova", method: .post, chat: "class10A", suffix: "/members", body: add(s.p1), status: 200),
                Row(who: "ivanova", method: .post, chat: "class10A", suffix: "/members", body: add(s.sidorova), status: 200),
                Row(who: "ivanova", method: .post, chat: "kraeved10A", suffix: "/members", body: add(s.p1), status: 200),
                Row(who: "ivanova", method: .post, chat: "staff", suffix: "/members", body: add(s.s9), status: 403),
                Row(who: "petrov", method: .post, chat: "kraeved10A", suffix: "/members", body: add(s.s3), status: 200),
                Row(who: "petrov", method: .post, chat: "kraeved10A", suffix: "/members", body: add(s.s9), status: 403),
                Row(who: "petrov", method: .post, chat: "class10A", suffix: "/members", body: add(s.s3), status: 403),
                // A parent who administers a chat moderates it; she does not add people.
                Row(who: "p2", method: .post, chat: "parents10A", suffix: "/members", body: add(s.p1), status: 403),
                Row(who: "p2", method: .post, chat: "class10A", suffix: "/members", body: add(s.p1), status: 403),
                Row(who: "s1", method: .post, chat: "class10A", suffix: "/members", body: add(s.s3), status: 403),
                Row(who: "admin", method: .post, chat: "custom", suffix: "/members", body: nobody, status: 400),
            ]
            // Remove members and change admins (404: allowed, but no such member).
            let managers: [(String, String, Int)] = [
                ("admin", "staff", 404), ("admin", "custom", 404), ("ivanova", "parents10A", 404), ("ivanova", "staff", 403),
                ("petrov", "kraeved10A", 404), ("petrov", "chem9G", 403), ("p2", "parents10A", 404), ("p2", "class10A", 403),
                ("s1", "class10A", 403), ("s1", "custom", 403),
            ]
            for (who, chat, status) in managers {
                rows.append(Row(who: who, method: .post, chat: chat, suffix: "/members/remove", body: nobody, status: status))
                rows.append(Row(who: who, method: .post, chat: chat, suffix: "/admins", body: notMember, status: status))
            }
            // Create (409: allowed, but the chat exists).
            func create(_ type: String, _ classID: ClassID? = nil, _ subject: SubjectID? = nil, name: String? = nil) -> [String: any Sendable] {
                var body: [String: any Sendable] = ["type": type]
                if let classID { body["class_id"] = classID.rawValue }
                if let subject { body["subject_id"] = subject.rawValue }
                if let name { body["name"] = name }
                return body
            }
            rows += [
                Row(who: "ivanova", method: .post, chat: nil, suffix: "", body: create("parents", s.tenA), status: 409),
                Row(who: "ivanova", method: .post, chat: nil, suffix: "", body: create("subject", s.tenA, s.chemistry), status: 201),
                Row(who: "ivanova", method: .post, chat: nil, suffix: "", body: create("class", s.nineG), status: 403),
                Row(who: "ivanova", method: .post, chat: nil, suffix: "", body: create("custom", name: "Кружок"), status: 403),
                Row(who: "petrov", method: .post, chat: nil, suffix: "", body: create("subject", s.tenA, s.kraeved), status: 409),
                Row(who: "petrov", method: .post, chat: nil, suffix: "", body: create("subject", s.tenA, s.english), status: 403),
                Row(who: "petrov", method: .post, chat: nil, suffix: "", body: create("class", s.tenA), status: 403),
                Row(who: "p2", method: .post, chat: nil, suffix: "", body: create("custom", name: "Комитет"), status: 403),
                Row(who: "s1", method: .post, chat: nil, suffix: "", body: create("custom", name: "Клуб"), status: 403),
                Row(who: "admin", method: .post, chat: nil, suffix: "", body: create("staff_room"), status: 409),
                Row(who: "admin", method: .post, chat: nil, suffix: "", body: create("custom", name: "Завучи"), status: 201),
            ]
            // Delete, last.
            rows += [
                Row(who: "s1", method: .delete, chat: "class10A", suffix: "", body: nil, status: 403),
                Row(who: "p2", method: .delete, chat: "parents10A", suffix: "", body: nil, status: 403),
                Row(who: "petrov", method: .delete, chat: "class10A", suffix: "", body: nil, status: 403),
                Row(who: "ivanova", method: .delete, chat: "chem9G", suffix: "", body: nil, status: 403),
                Row(who: "petrov", method: .delete, chat: "kraeved10A", suffix: "", body: nil, status: 204),
                Row(who: "ivanova", method: .delete, chat: "parents10A", suffix: "", body: nil, status: 204),
                Row(who: "admin", method: .delete, chat: "custom", suffix: "", body: nil, status: 204),
                Row(who: "admin", method: .delete, chat: "custom", suffix: "", body: nil, status: 404),
            ]
            chats["none"] = ChatID(0)
            for row in rows {
                let base = "/api/v1/organizations/\(s.id)/chats"
                let path = base + (row.chat.map { "/\(chats[$0]!)" } ?? "") + row.suffix
                let response = try await client.call(row.method, path, json: row.body, token: s.tokens[row.who])
                #expect(Int(response.status.code) == row.status, "\(row): \(response.text)")
                if response.status == .forbidden { #expect(response.message?.isEmpty == false) }
            }

            // What the list shows an administrator: numbered rows, sorted by name, with admins.
            let list = try await client.call(.get, "/api/v1/organizations/\(s.id)/chats?type=parents,class&per_page=10", token: s.tokens["admin"])
            #expect(list.status == .ok)
            #expect(list.items.map { $0["number"] as? Int } == [1, 2, 3])
            #expect(list.items.map { $0["name"] as? String } == ["9Г - Родители", "9Г - Ученики", "Новое имя ivanova"])
            #expect(list.items.map { $0["type"] as? String } == ["parents", "class", "class"])
            #expect(list.items.last?["name_edited"] as? Bool == true)
            let bad = try await client.call(.get, "/api/v1/organizations/\(s.id)/chats?type=group", token: s.tokens["admin"])
            #expect(bad.status == .badRequest)
            #expect(bad.error == "invalid_chat_type")
        }
    }

    @Test("initialize over HTTP reports per type; the picker adds all matching in one call", arguments: TestEngine.all)
    func initializeAndPicker(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let admin = s.tokens["admin"]
            let org = "/api/v1/organizations/\(s.id)"
            let preview = try await client.call(.post, "\(org)/chats/initialize", json: ["dry_run": true, "types": ["class", "parents"]], token: admin)
            #expect(preview.status == .ok)
            #expect(preview["dry_run"] as? Bool == true)
            #expect((preview["total"] as? [String: Any])?["members_added"] as? Int == 0)
            let empty = try await client.call(.post, "\(org)/chats/initialize", json: ["types": ["custom"]], token: admin)
            #expect(empty.status == .badRequest)

            let created = try await client.call(.post, "\(org)/chats", json: ["type": "custom", "name": "Все учащиеся"], token: admin)
            #expect(created.status == .created)
            let id = created["id"] as! Int
            #expect(created["allowed"] as? [String] == ["rename", "delete", "add_members", "remove_members", "change_admins"])
            let picker = try await client.call(.get, "\(org)/chats/\(id)/candidates?role=students&class_id=\(s.tenA)", token: admin)
            #expect(picker["total"] as? Int == 3)
            #expect(picker.items.allSatisfy { $0["is_member"] as? Bool == false })
            let addAll = try await client.call(
                .post, "\(org)/chats/\(id)/members", json: ["all_matching": ["role": "students", "class_id": s.tenA.rawValue]], token: admin)
            #expect(addAll.status == .ok)
            #expect(addAll["added"] as? Int == 3)
            let again = try await client.call(.get, "\(org)/chats/\(id)/candidates?role=students&class_id=\(s.tenA)", token: admin)
            #expect(again.items.allSatisfy { $0["is_member"] as? Bool == true })
            let members = try await client.call(.get, "\(org)/chats/\(id)/members", token: admin)
            #expect(members["total"] as? Int == 4)
            #expect(members.items.first?["admin"] as? Bool == true)
            #expect(members.items.contains { $0["pending"] as? Bool == true && $0["added_by_hand"] as? Bool == true })
            #expect(!members.text.contains("+7999"))
            let both = try await client.call(.post, "\(org)/chats/\(id)/members", json: ["person_ids": [1], "all_matching": [:] as [String: Any]], token: admin)
            #expect(both.status == .badRequest)
            let badRole = try await client.call(.get, "\(org)/chats/\(id)/candidates?role=pupils", token: admin)
            #expect(badRole.status == .badRequest)
        }
    }

    @Test("the creation form's suggested name is the domain's naming rule, for those who may create the chat", arguments: TestEngine.all)
    func suggestedName(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let url = "/api/v1/organizations/\(s.id)/chats/suggested-name"
            let cases: [(String, String?)] = [
                ("type=staff_room", "Учительская"),
                ("type=class&class_id=\(s.tenA)", "10А - Ученики"),
                ("type=parents&class_id=\(s.tenA)", "10А - Родители"),
                ("type=subject&class_id=\(s.nineG)&subject_id=\(s.chemistry)", "9Г - Химия"),
                ("type=subject&class_id=\(s.tenA)&subject_id=\(s.english)&group=Англ.яз/1", "10А - Английский язык (Англ.яз/1)"),
                ("type=custom", nil),
            ]
            for (query, name) in cases {
                let answer = try await client.call(.get, "\(url)?\(query)", token: s.tokens["admin"])
                #expect(answer.status == .ok, "\(query)")
                #expect(answer["name"] as? String == name, "\(query)")
            }
            // Incomplete or unknown drafts are refused as creation would refuse them.
            #expect(try await client.call(.get, "\(url)?type=subject&class_id=\(s.tenA)", token: s.tokens["admin"]).status == .badRequest)
            #expect(try await client.call(.get, "\(url)?type=pupils", token: s.tokens["admin"]).status == .badRequest)
            #expect(try await client.call(.get, "\(url)?type=class&class_id=999999", token: s.tokens["admin"]).status == .notFound)
            // A homeroom teacher gets names for their own class only; a student for none.
            #expect(try await client.call(.get, "\(url)?type=class&class_id=\(s.tenA)", token: s.tokens["ivanova"])["name"] as? String == "10А - Ученики")
            #expect(try await client.call(.get, "\(url)?type=class&class_id=\(s.nineG)", token: s.tokens["ivanova"]).status == .forbidden)
            #expect(try await client.call(.get, "\(url)?type=class&class_id=\(s.tenA)", token: s.tokens["s1"]).status == .forbidden)
            #expect(try await client.call(.get, "\(url)?type=staff_room").status == .unauthorized)
        }
    }
}
