import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing

/// The smaller findings of the safety review (issue 16 item 10) that show over HTTP.
@Suite("Smaller safety findings")
struct SmallerSafetyTests {
    @Test("without PARTA_PUBLIC_URL, outside demo mode, no link is built from the request's Host — and nothing is created", arguments: TestEngine.all)
    func links(engine: TestEngine) async throws {
        var config = ServerConfig.forTests()
        config.publicURL = nil
        try await withApp(engine, config: config) { world, client in
            let s = try await world.chatSchool()
            let invite = try await client.call(.post, "/api/v1/organizations/\(s.id)/invites", json: ["role": "teacher"], token: s.tokens["admin"])
            #expect(invite.status == .serviceUnavailable && invite.error == "public_url_not_set" && invite["url"] == nil)
            #expect(try await client.call(.get, "/api/v1/organizations/\(s.id)/invites", token: s.tokens["admin"])["total"] as? Int == 0)
            let code = try await client.call(.post, "/api/v1/organizations/\(s.id)/persons/\(s.s2)/link-codes", token: s.tokens["admin"])
            #expect(code.status == .serviceUnavailable && code.error == "public_url_not_set")
        }
        // With it, links use it.
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let invite = try await client.call(.post, "/api/v1/organizations/\(s.id)/invites", json: ["role": "teacher"], token: s.tokens["admin"])
            #expect(invite.status == .created && (invite["url"] as? String)?.hasPrefix("https://school.example.ru/join/") == true)
        }
    }

    @Test("attachments are not cached on shared computers unless configured; audit addresses are for operators only", arguments: TestEngine.all)
    func cachingAndAddresses(engine: TestEngine) async throws {
        for seconds in [0, 3600] {
            var config = ServerConfig.forTests()
            config.attachmentCacheSeconds = seconds
            try await withApp(engine, config: config) { world, client in
                let s = try await world.chatSchool()
                let uploaded = try await AttachmentRoutesTests.upload(client, Array("Расписание".utf8), name: "r.txt", type: "text/plain", token: s.tokens["ivanova"])
                let id = try #require((uploaded["id"] as? NSNumber)?.int64Value)
                let download = try await client.call(.get, "/api/v1/attachments/\(id)", token: s.tokens["ivanova"])
                #expect(download.status == .ok)
                #expect(download.headers[.cacheControl] == (seconds == 0 ? "private, no-store" : "private, max-age=3600"))
                if seconds > 0 { return }
                // The school's administrator sees who did what, not from where; an operator sees both.
                let audit = try await client.call(.get, "/api/v1/organizations/\(s.id)/audit?per_page=100", token: s.tokens["admin"])
                #expect(audit.status == .ok && !audit.items.isEmpty)
                #expect(audit.items.allSatisfy { $0["client_address"] == nil })
                #expect(!audit.text.contains("192.0.2."))
                _ = try await world.parta.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79990000099")
                let operatorToken = try await client.signIn(world, "+79990000099")
                let seen = try await client.call(.get, "/api/v1/organizations/\(s.id)/audit?per_page=100", token: operatorToken)
                #expect(seen.items.contains { ($0["client_address"] as? String)?.hasPrefix("192.0.2.") == true })
            }
        }
    }
}
