import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOWebSocket
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing
import WSCore

/// Limits after sign-in (issue 16 item 9) and on uploads (item 7): 429 with `Retry-After` over
/// HTTP, an `error` frame with status 429 over the live connection; refusals store nothing.
@Suite("Rate limits and upload quotas")
struct RateLimitTests {
    @Test("sending: 30 a minute by default, then 429 over HTTP and the live connection, until time passes", arguments: TestEngine.all)
    func sending(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let chat = try await LiveTests.chat(world, s.principals["ivanova"]!, "10А - Ученики")
            let path = "/api/v1/chats/\(chat)/messages"
            for n in 0..<30 {
                let sent = try await client.call(.post, path, json: ["client_id": "burst-\(n)", "text": "Сообщение \(n)"], token: s.tokens["ivanova"])
                #expect(sent.status == .created)
            }
            let stored = try await client.call(.get, "\(path)?limit=100", token: s.tokens["ivanova"]).items.count
            let refused = try await client.call(.post, path, json: ["client_id": "burst-30", "text": "Ещё одно"], token: s.tokens["ivanova"])
            #expect(refused.status == .tooManyRequests && refused.error == "too_many_requests")
            #expect(refused.headers[.retryAfter] == "2" && (refused["details"] as? [String: Any])?["limit"] as? String == "messages")
            // A resend of a message already stored is not a new message: it is answered as before.
            #expect(try await client.call(.post, path, json: ["client_id": "burst-0", "text": "Сообщение 0"], token: s.tokens["ivanova"]).status == .ok)
            let (socket, _) = try await LiveTests.open(port, s.tokens["ivanova"])
            let frame = try await LiveTests.send(socket, "r", chat: chat, clientID: "ws-1", text: "По сокету")
            #expect(frame.type == "error" && frame.error == "too_many_requests" && frame["status"] as? Int == 429)
            #expect(((frame["details"] as? [String: Any])?["retry_after"] as? NSNumber)?.intValue == 2)
            // Others are not held back by her limit.
            #expect(try await client.call(.post, path, json: ["client_id": "s1-1", "text": "Я тоже здесь"], token: s.tokens["s1"]).status == .created)
            #expect(try await client.call(.get, "\(path)?limit=100", token: s.tokens["ivanova"]).items.count == stored + 1)

            world.clock.advance(by: 2)
            #expect(try await LiveTests.send(socket, "r2", chat: chat, clientID: "ws-1", text: "По сокету").type == "ack")
            await socket.close()
        }
    }

    @Test("live connections, join requests, invites and API keys each have their limit", arguments: TestEngine.all)
    func others(engine: TestEngine) async throws {
        var app = AppConfig()
        app.limits = RateLimits(
            rules: [.joinRequests: [.perDay(2)], .invites: [.perHour(3)], .apiKey: [.perMinute(2)], .messages: [.perMinute(30)]],
            liveConnections: 2)
        try await withApp(engine, config: LiveTests.config(), app: app, framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()

            let (first, _) = try await LiveTests.open(port, s.tokens["s1"])
            let (second, _) = try await LiveTests.open(port, s.tokens["s1"])
            let third = LiveSocket(port: port, token: s.tokens["s1"])
            let refusal = try await third.next()
            #expect(refusal.type == "error" && refusal.error == "too_many_connections" && refusal["status"] as? Int == 429)
            #expect(try await third.closed()?.closeCode == .unknown(4029))
            await first.close()
            try await Task.sleep(for: .milliseconds(200))
            let (again, _) = try await LiveTests.open(port, s.tokens["s1"])
            await again.close()
            await second.close()

            // Invites: three an hour.
            let invites = "/api/v1/organizations/\(s.id)/invites"
            for _ in 0..<3 {
                #expect(try await client.call(.post, invites, json: ["role": "teacher"], token: s.tokens["admin"]).status == .created)
            }
            let fourth = try await client.call(.post, invites, json: ["role": "teacher"], token: s.tokens["admin"])
            #expect(fourth.status == .tooManyRequests && fourth.headers[.retryAfter] == "1200")
            #expect(try await client.call(.get, invites, token: s.tokens["admin"])["total"] as? Int == 3)

            // Join requests: two a day, withdrawn or not.
            let stranger = try await client.signIn(world, "+79990004444")
            let apply: [String: Any] = ["role": "teacher", "surname": "Новикова", "given_name": "Ольга"]
            for _ in 0..<2 {
                let applied = try await client.call(.post, "/api/v1/organizations/\(s.id)/join-requests", json: apply, token: stranger)
                #expect(applied.status == .created, "\(applied.text)")
                let id = try #require((applied["id"] as? NSNumber)?.int64Value)
                #expect(try await client.call(.post, "/api/v1/me/join-requests/\(id)/withdraw", token: stranger).status == .ok)
            }
            let third3 = try await client.call(.post, "/api/v1/organizations/\(s.id)/join-requests", json: apply, token: stranger)
            #expect(third3.status == .tooManyRequests && third3.error == "too_many_requests")

            // The school system's key: two calls a minute here.
            let key = try await world.parta.createAPIKey(s.admin, organization: s.id, name: "Журнал").key
            let person: [String: Any] = ["role": "student", "surname": "Орлов", "given_name": "Ян"]
            for n in 0..<2 {
                #expect(try await client.call(.put, "/api/v1/integration/persons/ext-\(n)", json: person, token: key).status.code < 300)
            }
            let limited = try await client.call(.put, "/api/v1/integration/persons/ext-9", json: person, token: key)
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] == "30")
            world.clock.advance(by: 30)
            #expect(try await client.call(.put, "/api/v1/integration/persons/ext-9", json: person, token: key).status.code < 300)
        }
    }

    @Test("sign-in codes go only to the allowed country codes", arguments: [TestEngine.sqlite])
    func countries(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let abroad = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+1 555 0100"])
            #expect(abroad.status == .badRequest && abroad.error == "phone_country_not_allowed")
            #expect(world.sms.lastCode(for: "+15550100") == nil)
            #expect(try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+7 999 123-45-67"]).status == .accepted)
        }
        var app = AppConfig()
        app.phoneCountries = PhoneCountries(codes: ["7", "375"])
        try await withApp(engine, app: app) { world, client in
            let belarus = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+375 29 123-45-67"])
            #expect(belarus.status == .accepted && world.sms.lastCode(for: "+375291234567") != nil)
            let germany = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+49 151 1234567"])
            #expect(germany.status == .badRequest)
        }
    }

    @Test("uploads: members only, a daily quota, a rate; unsent uploads and their files go after a day", arguments: TestEngine.all)
    func uploads(engine: TestEngine) async throws {
        var config = ServerConfig.forTests()
        config.maxAttachmentBytes = 4 << 20
        let dataDirectory = config.dataDirectory
        var app = AppConfig()
        app.limits = RateLimits(rules: [.uploads: [.perHour(4)], .messages: [.perMinute(30)]], uploadBytesPerDay: 1 << 20)
        try await withApp(engine, config: config, app: app, framework: .live) { world, client in
            let s = try await world.chatSchool()
            let p = world.parta
            func upload(_ size: Int, _ token: String?, byte: UInt8 = 65) async throws -> JSONResponse {
                try await AttachmentRoutesTests.upload(client, [UInt8](repeating: byte, count: size), name: "f.bin", type: "application/octet-stream", token: token)
            }
            // Someone with no role anywhere uploads nothing.
            let outsider = try await client.signIn(world, "+79990005555")
            let refused = try await upload(1000, outsider)
            #expect(refused.status == .forbidden)
            #expect(AttachmentRoutesTests.files(under: dataDirectory).isEmpty)

            // 1 MB a day: 600 KB fits, a second 600 KB does not until a day has passed.
            let first = try await upload(600 << 10, s.tokens["ivanova"])
            #expect(first.status == .created)
            let over = try await upload(600 << 10, s.tokens["ivanova"], byte: 66)
            #expect(over.status == .tooManyRequests && over.error == "upload_quota_exceeded" && over.headers[.retryAfter] == "86400")
            let tooBig = try await upload(2 << 20, s.tokens["ivanova"], byte: 67)
            #expect(tooBig.status == .contentTooLarge)
            #expect(AttachmentRoutesTests.files(under: dataDirectory).count == 1)
            // The rate: four uploads an hour (the refusals above did not count toward it).
            for n in 0..<3 { #expect(try await upload(1000 + n, s.tokens["smith"], byte: UInt8(70 + n)).status == .created) }
            let fast = try await upload(999, s.tokens["smith"], byte: 80)
            #expect(fast.status == .created)
            let fifth = try await upload(998, s.tokens["smith"], byte: 81)
            #expect(fifth.status == .tooManyRequests && fifth.error == "too_many_requests")

            // One of Смит's files is sent; the rest never are. A day later housekeeping forgets the
            // unsent ones and removes their files; the sent one stays.
            let chat = try await LiveTests.chat(world, s.principals["smith"]!, "Учительская")
            let sentID = try #require((fast["id"] as? NSNumber)?.int64Value)
            let message = try await client.call(
                .post, "/api/v1/chats/\(chat)/messages", json: ["client_id": "with-file", "text": "", "attachment_ids": [sentID]], token: s.tokens["smith"])
            #expect(message.status == .created)
            world.clock.advance(by: 86_401)
            // Files older than an hour on disk (what a day-old upload's file is).
            for file in AttachmentRoutesTests.files(under: dataDirectory) {
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7_200)], ofItemAtPath: dataDirectory + "/attachments/" + file)
            }
            let swept = try await Maintenance(parta: p, files: AttachmentFiles(dataDirectory: dataDirectory)).runOnce()
            #expect(swept.files == 4)
            #expect(AttachmentRoutesTests.files(under: dataDirectory).count == 1)
            let firstID = try #require((first["id"] as? NSNumber)?.int64Value)
            #expect(try await client.call(.get, "/api/v1/attachments/\(firstID)", token: s.tokens["ivanova"]).status == .notFound)
            let kept = try await client.call(.get, "/api/v1/attachments/\(sentID)", token: s.tokens["ivanova"])
            #expect(kept.status == .ok && kept.text.count == 999)
            // And the day's quota is free again.
            #expect(try await upload(600 << 10, s.tokens["ivanova"], byte: 90).status == .created)
        }
    }
}
