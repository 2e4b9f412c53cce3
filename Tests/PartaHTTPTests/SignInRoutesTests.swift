import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing

@Suite("Sign-in over HTTP")
struct SignInRoutesTests {
    @Test("code, verify, /me, sessions, sign-out", arguments: TestEngine.all)
    func flow(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            try await world.registerSchool(adminPhone: "+79991234567")
            let sent = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "8 (999) 123-45-67"])
            #expect(sent.status == .accepted)
            #expect(sent["code_length"] as? Int == 6)
            #expect(sent["expires_in"] as? Int == 300)
            #expect(sent["resend_in"] as? Int == 60)

            let again = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79991234567"])
            #expect(again.status == .tooManyRequests)
            #expect(again.headers[.retryAfter] == "60")
            #expect(again.error == "too_many_requests")

            let code = try #require(world.sms.lastCode(for: "+79991234567"))
            let wrong = try await client.call(.post, "/api/v1/auth/verify", json: ["phone": "+79991234567", "code": code == "000000" ? "111111" : "000000"])
            #expect(wrong.status == .badRequest)
            #expect(wrong.error == "wrong_code")
            #expect((wrong["details"] as? [String: Any])?["attempts_left"] as? Int == 4)

            let verified = try await client.call(
                .post, "/api/v1/auth/verify", json: ["phone": "+79991234567", "code": code, "device_name": "Школьный ПК"])
            #expect(verified.status == .ok)
            let token = try #require(verified["token"] as? String)
            #expect((verified["session"] as? [String: Any])?["device_name"] as? String == "Школьный ПК")

            let me = try await client.call(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect((me["account"] as? [String: Any])?["phone"] as? String == "+79991234567")
            let organizations = try #require(me["organizations"] as? [[String: Any]])
            #expect(organizations.count == 1)
            #expect(organizations[0]["roles"] as? [String] == ["administrator"])
            #expect(organizations[0]["teacher_count"] as? Int == 0)
            let admins = try #require(organizations[0]["administrators"] as? [[String: Any]])
            #expect(admins[0]["full_name"] as? String == "Смирнова Ольга Викторовна")
            #expect(admins[0]["phone"] == nil)

            let renamed = try await client.call(.patch, "/api/v1/me", json: ["surname": "Смирнова-Петрова", "given_name": "Ольга"], token: token)
            #expect(renamed.status == .ok)
            #expect(renamed["full_name"] as? String == "Смирнова-Петрова Ольга")
            let badName = try await client.call(.patch, "/api/v1/me", json: ["surname": "", "given_name": "Ольга"], token: token)
            #expect(badName.status == .badRequest)

            world.clock.advance(by: 61)
            let second = try await client.signIn(world, "+79991234567")
            let sessions = try await client.call(.get, "/api/v1/sessions", token: token)
            #expect(sessions.items.count == 2)
            #expect(sessions.items.filter { $0["current"] as? Bool == true }.count == 1)
            let other = try #require(sessions.items.first { $0["current"] as? Bool == false }?["id"] as? Int)
            #expect(try await client.call(.delete, "/api/v1/sessions/\(other)", token: token).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/me", token: second).status == .unauthorized)
            #expect(try await client.call(.delete, "/api/v1/sessions/\(other)", token: token).status == .notFound)
            #expect(try await client.call(.delete, "/api/v1/sessions/abc", token: token).status == .notFound)

            #expect(try await client.call(.post, "/api/v1/auth/sign-out", token: token).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/me", token: token).status == .unauthorized)
        }
    }

    @Test("revoke-others keeps only this device", arguments: TestEngine.all)
    func revokeOthers(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let first = try await client.signIn(world, "+79990000001")
            world.clock.advance(by: 61)
            let second = try await client.signIn(world, "+79990000001")
            world.clock.advance(by: 61)
            let third = try await client.signIn(world, "+79990000001")
            let revoked = try await client.call(.post, "/api/v1/sessions/revoke-others", token: third)
            #expect(revoked["revoked"] as? Int == 2)
            #expect(try await client.call(.get, "/api/v1/me", token: first).status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/me", token: second).status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/me", token: third).status == .ok)
        }
    }

    @Test("wrong tries lock the code with 429 and Retry-After", arguments: TestEngine.all)
    func lockout(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            _ = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000001"])
            let code = try #require(world.sms.lastCode(for: "+79990000001"))
            let wrong = code == "000000" ? "111111" : "000000"
            for _ in 0..<5 {
                #expect(try await client.call(.post, "/api/v1/auth/verify", json: ["phone": "+79990000001", "code": wrong]).status == .badRequest)
            }
            let locked = try await client.call(.post, "/api/v1/auth/verify", json: ["phone": "+79990000001", "code": code])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.error == "too_many_attempts")
            #expect(locked.headers[.retryAfter] == "60")
        }
    }

    @Test("an SMS gateway failure is a 503 with Retry-After and does not block a retry")
    func gatewayDown() async throws {
        try await withApp(.sqlite) { world, client in
            world.sms.fail(true)
            let failed = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000001"])
            #expect(failed.status == .serviceUnavailable)
            #expect(failed.error == "sms_unavailable")
            #expect(failed.headers[.retryAfter] == "30")
            world.sms.fail(false)
            #expect(try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000001"]).status == .accepted)
        }
    }
}
