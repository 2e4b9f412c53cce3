import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Sign-in")
struct SignInTests {
    let phone = "+79991234567"

    @Test("a code signs a new person in and creates the account once", arguments: TestEngine.all)
    func signsIn(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let receipt = try await world.parta.requestSignInCode(phone: "8 (999) 123-45-67", clientAddress: "192.0.2.1")
            #expect(receipt == CodeRequestReceipt(codeLength: 6, expiresIn: 300, resendIn: 60))
            #expect(world.sms.messages.count == 1)
            #expect(world.sms.messages[0].phone.e164 == phone)
            let code = try #require(world.sms.lastCode(for: phone))
            let result = try await world.parta.verifySignInCode(
                phone: "9991234567", code: code, deviceName: nil, userAgent: "Mozilla/5.0 (Linux; Android 14) Chrome/124.0",
                clientAddress: "192.0.2.1")
            #expect(result.isNewAccount)
            #expect(result.session.deviceName == "Chrome on Android")
            #expect(Secrets.looksLikeToken(result.token))
            let principal = try #require(try await world.parta.authenticate(token: result.token))
            #expect(principal.account.id == result.account.id)
            // The token is stored only as a hash.
            let stored = try await world.database.read { try await $0.session(tokenHash: result.token) }
            #expect(stored == nil)
            // Signing in again reuses the account and adds a second device.
            world.clock.advance(by: 61)
            let second = try await world.signIn(phone, device: "Планшет")
            #expect(!second.isNewAccount)
            #expect(second.account.id == result.account.id)
            #expect(second.token != result.token)
            #expect(try await world.parta.sessions(principal).map(\.deviceName).sorted() == ["Chrome on Android", "Планшет"])
        }
    }

    @Test("a code expires after five minutes", arguments: TestEngine.all)
    func expiry(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            let code = try #require(world.sms.lastCode(for: phone))
            world.clock.advance(by: 300)
            await #expect(throws: PartaError.invalid("code_expired", "This code has expired or was already used. Ask for a new code.")) {
                try await world.parta.verifySignInCode(phone: phone, code: code, deviceName: nil, userAgent: "", clientAddress: "192.0.2.1")
            }
            let accounts = try await world.database.read { try await $0.account(phone: PhoneNumber(e164: phone)) }
            #expect(accounts == nil)
        }
    }

    @Test("a code works once", arguments: TestEngine.all)
    func singleUse(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            _ = try await world.signIn(phone)
            let code = try #require(world.sms.lastCode(for: phone))
            await #expect(throws: PartaError.self) {
                try await world.parta.verifySignInCode(phone: phone, code: code, deviceName: nil, userAgent: "", clientAddress: "192.0.2.1")
            }
        }
    }

    @Test("five wrong tries lock the code, even against the right one", arguments: TestEngine.all)
    func lockout(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            let code = try #require(world.sms.lastCode(for: phone))
            let wrong = code == "000000" ? "111111" : "000000"
            for left in (0..<5).reversed() {
                do {
                    _ = try await world.parta.verifySignInCode(phone: phone, code: wrong, deviceName: nil, userAgent: "", clientAddress: "192.0.2.1")
                    Issue.record("a wrong code was accepted")
                } catch let error as PartaError {
                    #expect(error.code == "wrong_code")
                    #expect(error.details["attempts_left"] == .int(left))
                }
            }
            world.clock.advance(by: 10)
            do {
                _ = try await world.parta.verifySignInCode(phone: phone, code: code, deviceName: nil, userAgent: "", clientAddress: "192.0.2.1")
                Issue.record("a locked code was accepted")
            } catch let error as PartaError {
                #expect(error.code == "too_many_attempts")
                #expect(error.kind == .tooManyRequests(retryAfterSeconds: 50))
            }
            // A new code (after the resend interval) works.
            world.clock.advance(by: 50)
            let result = try await world.signIn(phone)
            #expect(result.account.phone.e164 == phone)
        }
    }

    @Test("one new code per minute, a daily cap per phone, and caps per address", arguments: TestEngine.all)
    func rateLimits(engine: TestEngine) async throws {
        var config = AppConfig()
        config.signIn.perPhonePerDay = 3
        config.signIn.perAddressPerHour = 5
        try await TestWorld.with(engine, config: config) { world in
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            world.clock.advance(by: 20)
            do {
                _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
                Issue.record("a second code within a minute was sent")
            } catch let error as PartaError {
                #expect(error.kind == .tooManyRequests(retryAfterSeconds: 40))
                #expect(error.details["limit"] == .string("resend_interval"))
            }
            #expect(world.sms.messages.count == 1)
            world.clock.advance(by: 40)
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            world.clock.advance(by: 60)
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            world.clock.advance(by: 60)
            do {
                _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
                Issue.record("a fourth code in a day was sent")
            } catch let error as PartaError {
                #expect(error.details["limit"] == .string("phone_daily_limit"))
                #expect(error.kind == .tooManyRequests(retryAfterSeconds: 86_400 - 180))
            }
            #expect(world.sms.messages.count == 3)
            // Other phones from the same address: two more fit in the hour, then the address is capped.
            _ = try await world.parta.requestSignInCode(phone: "+79990000101", clientAddress: "192.0.2.1")
            _ = try await world.parta.requestSignInCode(phone: "+79990000102", clientAddress: "192.0.2.1")
            do {
                _ = try await world.parta.requestSignInCode(phone: "+79990000103", clientAddress: "192.0.2.1")
                Issue.record("the per-address cap did not hold")
            } catch let error as PartaError {
                #expect(error.details["limit"] == .string("address_hourly_limit"))
            }
            // Another address is not affected.
            _ = try await world.parta.requestSignInCode(phone: "+79990000103", clientAddress: "198.51.100.7")
            #expect(world.sms.messages.count == 6)
        }
    }

    @Test("an undelivered code neither works nor counts", arguments: TestEngine.all)
    func deliveryFailure(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            world.sms.fail(true)
            await #expect(throws: PartaError.self) {
                try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            }
            world.sms.fail(false)
            // No resend wait: the failed attempt did not count.
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            #expect(world.sms.messages.count == 1)
        }
    }

    @Test("bad input is refused before anything is written", arguments: TestEngine.all)
    func badInput(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            await #expect(throws: PartaError.self) {
                try await world.parta.requestSignInCode(phone: "12345", clientAddress: "192.0.2.1")
            }
            await #expect(throws: PartaError.self) {
                try await world.parta.verifySignInCode(phone: phone, code: "12a456", deviceName: nil, userAgent: "", clientAddress: "192.0.2.1")
            }
            #expect(world.sms.messages.isEmpty)
            let history = try await world.database.read {
                try await $0.codeRequestHistory(phone: PhoneNumber(e164: phone), address: "192.0.2.1", since: .distantPast)
            }
            #expect(history.phone.isEmpty && history.address.isEmpty)
        }
    }

    @Test("signing out, revoking a device, revoking all others", arguments: TestEngine.all)
    func revocation(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let phoneA = try await world.signIn(phone, device: "phone")
            world.clock.advance(by: 60)
            let laptop = try await world.signIn(phone, device: "laptop")
            world.clock.advance(by: 60)
            let tablet = try await world.signIn(phone, device: "tablet")
            let principal = try await world.principal(laptop)
            // Revoke one device by id.
            try await world.parta.revokeSession(principal, phoneA.session.id)
            #expect(try await world.parta.authenticate(token: phoneA.token) == nil)
            #expect(try await world.parta.authenticate(token: laptop.token) != nil)
            // Another account cannot revoke my session: it is simply not theirs.
            world.clock.advance(by: 60)
            let stranger = try await world.principal(try await world.signIn("+79990000999"))
            await #expect(throws: PartaError.notFound("The session")) {
                try await world.parta.revokeSession(stranger, tablet.session.id)
            }
            #expect(try await world.parta.authenticate(token: tablet.token) != nil)
            // Revoke all others.
            #expect(try await world.parta.revokeOtherSessions(principal) == 1)
            #expect(try await world.parta.authenticate(token: tablet.token) == nil)
            // Sign out ends the current one.
            try await world.parta.signOut(principal)
            #expect(try await world.parta.authenticate(token: laptop.token) == nil)
            #expect(try await world.parta.authenticate(token: "not-a-token") == nil)
        }
    }

    @Test("a session unused past its idle lifetime ends; use keeps it alive", arguments: TestEngine.all)
    func idleExpiry(engine: TestEngine) async throws {
        var config = AppConfig()
        config.sessions = SessionPolicy(idleLifetime: 3_600, touchInterval: 60)
        try await TestWorld.with(engine, config: config) { world in
            let kept = try await world.signIn(phone)
            let idle = try await world.signIn("+79990000888")
            for _ in 0..<3 {
                world.clock.advance(by: 3_000)
                #expect(try await world.parta.authenticate(token: kept.token) != nil)
            }
            #expect(try await world.parta.authenticate(token: idle.token) == nil)
            // Housekeeping deletes the idle session and old codes.
            world.clock.advance(by: 2 * 86_400)
            let swept = try await Maintenance(parta: world.parta).runOnce()
            #expect(swept.sessions == 2)
            #expect(swept.codes == 2)
        }
    }

    @Test("concurrent wrong tries never exceed the limit", arguments: TestEngine.all)
    func concurrentTries(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            _ = try await world.parta.requestSignInCode(phone: phone, clientAddress: "192.0.2.1")
            let code = try #require(world.sms.lastCode(for: phone))
            let wrong = code == "000000" ? "111111" : "000000"
            let parta = world.parta
            let phone = self.phone
            let outcomes = await withTaskGroup(of: String.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await parta.verifySignInCode(phone: phone, code: wrong, deviceName: nil, userAgent: "", clientAddress: "192.0.2.1")
                            return "accepted"
                        } catch let error as PartaError {
                            return error.code
                        } catch {
                            return "other"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == "wrong_code" }.count == 5)
            #expect(outcomes.filter { $0 == "too_many_attempts" }.count == 7)
        }
    }
}
