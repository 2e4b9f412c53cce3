import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Chat invite routes")
struct ChatInviteRoutesTests {
    @Test("make, show again, list, use and revoke a chat invite; bad input is a 4xx that changes nothing", arguments: TestEngine.all)
    func lifecycle(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let org = s.id.rawValue
            let classChat = try #require(try await world.parta.myChats(s.principals["ivanova"]!).first { $0.entry.chat.name == "10А - Ученики" }).entry.chat.id
            let url = "/api/v1/organizations/\(org)/chats/\(classChat)/invites"
            let ivanova = s.tokens["ivanova"]

            for (body, status, code) in [
                ([:] as [String: Any], 400, "invalid_body"),
                (["roles": []], 400, "audience_required"),
                (["roles": ["teachers"]], 400, "invalid_audience"),
                (["roles": ["parents", "parents", "students", "staff"]], 400, "invalid_audience"),
                (["roles": ["parents"], "max_uses": 0], 400, "invalid_max_uses"),
                (["roles": ["parents"], "max_uses": 10_001], 400, "invalid_max_uses"),
                (["roles": ["parents"], "expires_in_days": 91], 400, "invalid_expiry"),
                (["roles": ["parents"], "expires_in_days": -1], 400, "invalid_expiry"),
                (["roles": ["parents"], "expires_in_days": 3, "expires_at": "2030-01-01T00:00:00Z"], 400, "invalid_expiry"),
            ] as [([String: Any], Int, String)] {
                let refused = try await client.call(.post, url, json: body, token: ivanova)
                #expect(refused.status.code == status && refused.error == code, "\(body) → \(refused.text)")
            }
            // Петров teaches Краеведение in 10А but does not lead it: not his class chat.
            let petrov = try await client.call(.post, url, json: ["roles": ["students"]], token: s.tokens["petrov"])
            #expect(petrov.status == .forbidden && petrov.error == "forbidden")
            #expect(try await client.call(.get, url, token: ivanova)["total"] as? Int == 0)

            let created = try await client.call(.post, url, json: ["roles": ["parents", "students"], "max_uses": 30, "expires_in_days": 14], token: ivanova)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created["id"] as? Int)
            let link = try #require(created["url"] as? String)
            let token = String(link.split(separator: "/").last!)
            #expect(link == "https://school.example.ru/chat-invite/\(token)")
            #expect((created["qr_svg"] as? String)?.hasPrefix("<svg") == true)
            #expect(Data(base64Encoded: created["qr_png_base64"] as? String ?? "")?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            var whole = created.json
            whole.removeValue(forKey: "qr_svg")
            whole.removeValue(forKey: "qr_png_base64")
            let expiresAt = ISO8601DateFormatter().string(from: world.clock.now().addingTimeInterval(14 * 86_400))
            let createdAt = ISO8601DateFormatter().string(from: world.clock.now())
            #expect(NSDictionary(dictionary: whole) == NSDictionary(dictionary: [
                "id": id, "chat_id": Int(classChat.rawValue), "roles": ["students", "parents"], "status": "active", "created_at": createdAt,
                "created_by": "Иванова М.", "expires_at": expiresAt, "max_uses": 30, "use_count": 0, "remaining_uses": 30, "url": link,
            ] as [String: Any]), "\(created.text)")

            // Shown again, QR and all; the list has the link without the picture.
            let shown = try await client.call(.get, "\(url)/\(id)", token: ivanova)
            #expect(shown.status == .ok && shown["url"] as? String == link && shown["qr_svg"] as? String == created["qr_svg"] as? String)
            let listed = try await client.call(.get, url, token: s.tokens["admin"])
            #expect(listed.items.count == 1 && listed.items[0]["url"] as? String == link && listed.items[0]["qr_svg"] == nil)
            #expect(try await client.call(.get, "\(url)/999999", token: ivanova).status == .notFound)

            // The preview, for anyone.
            let preview = try await client.call(.get, "/api/v1/chat-invites/\(token)")
            #expect(preview.status == .ok)
            #expect(preview["chat_name"] as? String == "10А - Ученики" && preview["chat_type"] as? String == "class")
            #expect(preview["roles"] as? [String] == ["students", "parents"] && preview["expires_at"] as? String == expiresAt)
            #expect((preview["organization"] as? [String: Any])?["id"] as? Int == Int(org))
            #expect(try await client.call(.get, "/api/v1/chat-invites/nonsense").status == .notFound)

            // Joining: a member already (nothing used), a parent, a teacher the link is not for.
            #expect(try await client.call(.post, "/api/v1/chat-invites/\(token)/join").status == .unauthorized)
            let member = try await client.call(.post, "/api/v1/chat-invites/\(token)/join", token: s.tokens["s1"])
            #expect(NSDictionary(dictionary: member.json) == NSDictionary(dictionary: [
                "organization_id": Int(org), "chat_id": Int(classChat.rawValue), "chat_name": "10А - Ученики", "joined": false] as [String: Any]))
            let parent = try await client.call(.post, "/api/v1/chat-invites/\(token)/join", token: s.tokens["p2"])
            #expect(parent.status == .ok && parent["joined"] as? Bool == true)
            let smith = try await client.call(.post, "/api/v1/chat-invites/\(token)/join", token: s.tokens["smith"])
            #expect(smith.status == .forbidden && smith.error == "chat_invite_role_not_invited")
            let members = try await client.call(.get, "/api/v1/organizations/\(org)/chats/\(classChat)/members?per_page=100", token: ivanova)
            #expect(members.items.filter { $0["via_invite_id"] as? Int == id }.map { $0["person_id"] as? Int } == [Int(s.p2.rawValue)])
            #expect(try await client.call(.get, url, token: ivanova).items.first?["use_count"] as? Int == 1)

            // Revoked: 410 for everyone not in the chat, and the list says so; whoever is in it is led to it.
            let revoked = try await client.call(.delete, "\(url)/\(id)", token: ivanova)
            #expect(revoked.status == .ok && revoked["status"] as? String == "revoked" && revoked["revoked_at"] as? String == createdAt)
            let gone = try await client.call(.post, "/api/v1/chat-invites/\(token)/join", token: s.tokens["smith"])
            #expect(gone.status == .gone && gone.error == "chat_invite_revoked")
            let inChat = try await client.call(.post, "/api/v1/chat-invites/\(token)/join", token: s.tokens["p2"])
            #expect(inChat.status == .ok && inChat["joined"] as? Bool == false && inChat["chat_id"] as? Int == Int(classChat.rawValue))
            #expect(try await client.call(.get, "/api/v1/chat-invites/\(token)").error == "chat_invite_revoked")
            #expect(try await client.call(.get, "\(url)?usable=true", token: ivanova)["total"] as? Int == 0)
        }
    }
}
