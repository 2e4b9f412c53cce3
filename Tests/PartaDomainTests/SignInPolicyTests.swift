import Foundation
import PartaDomain
import Testing

@Suite("Sign-in codes: limits and checks")
struct SignInPolicyTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = SignInPolicy(
        codeLength: 6, codeLifetime: 300, maxAttempts: 5, resendInterval: 60,
        perPhonePerDay: 3, perAddressPerHour: 4, perAddressPerDay: 6)

    func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    struct LimitCase: Sendable, CustomStringConvertible {
        var name: String
        var now: TimeInterval
        var phone: [TimeInterval]
        var address: [TimeInterval]
        var expected: SignInPolicy.CodeRequestDecision
        var description: String { name }
    }

    static let limitCases: [LimitCase] = [
        LimitCase(name: "first request", now: 0, phone: [], address: [], expected: .allowed),
        LimitCase(name: "resend too soon", now: 30, phone: [0], address: [0],
                  expected: .limited(limit: .resendInterval, retryAfter: 30)),
        LimitCase(name: "resend just allowed", now: 60, phone: [0], address: [0], expected: .allowed),
        LimitCase(name: "fractional wait rounds up", now: 59.5, phone: [0], address: [0],
                  expected: .limited(limit: .resendInterval, retryAfter: 1)),
        LimitCase(name: "daily cap per phone", now: 3_600, phone: [0, 600, 1_200], address: [0, 600, 1_200],
                  expected: .limited(limit: .phonePerDay, retryAfter: 86_400 - 3_600)),
        LimitCase(name: "daily cap frees when the oldest ages out", now: 86_400, phone: [0, 600, 1_200], address: [],
                  expected: .allowed),
        LimitCase(name: "old requests beyond a day are ignored", now: 200_000, phone: [0, 1, 2, 3, 4], address: [],
                  expected: .allowed),
        LimitCase(name: "hourly cap per address", now: 1_000, phone: [], address: [0, 100, 200, 300],
                  expected: .limited(limit: .addressPerHour, retryAfter: 2_600)),
        LimitCase(name: "daily cap per address", now: 20_000, phone: [],
                  address: [0, 4_000, 8_000, 12_000, 16_000, 19_000],
                  expected: .limited(limit: .addressPerDay, retryAfter: 66_400)),
        LimitCase(name: "the longest wait wins", now: 30, phone: [0, 10, 20], address: [],
                  expected: .limited(limit: .phonePerDay, retryAfter: 86_370)),
    ]

    @Test("request limits", arguments: limitCases)
    func requestLimits(_ c: LimitCase) {
        let decision = policy.decideCodeRequest(
            now: at(c.now), phoneRequests: c.phone.map(at), addressRequests: c.address.map(at))
        #expect(decision == c.expected)
    }

    struct CheckCase: Sendable, CustomStringConvertible {
        var name: String
        var issued: SignInPolicy.IssuedCode?
        var matches: Bool
        var now: TimeInterval
        var expected: SignInPolicy.CodeCheck
        var description: String { name }
    }

    static func issued(attempts: Int = 0, used: Bool = false) -> SignInPolicy.IssuedCode {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        return .init(issuedAt: t0, expiresAt: t0.addingTimeInterval(300), attempts: attempts, used: used)
    }

    static let checkCases: [CheckCase] = [
        CheckCase(name: "right code in time", issued: issued(), matches: true, now: 10, expected: .accepted),
        CheckCase(name: "no code was requested", issued: nil, matches: false, now: 10, expected: .expired),
        CheckCase(name: "right code one second late", issued: issued(), matches: true, now: 300, expected: .expired),
        CheckCase(name: "right code just in time", issued: issued(), matches: true, now: 299.9, expected: .accepted),
        CheckCase(name: "used code", issued: issued(used: true), matches: true, now: 10, expected: .expired),
        CheckCase(name: "first wrong try", issued: issued(), matches: false, now: 10, expected: .wrong(attemptsLeft: 4)),
        CheckCase(name: "fifth wrong try", issued: issued(attempts: 4), matches: false, now: 10, expected: .wrong(attemptsLeft: 0)),
        CheckCase(name: "right code after four wrong", issued: issued(attempts: 4), matches: true, now: 10, expected: .accepted),
        CheckCase(name: "right code after five wrong", issued: issued(attempts: 5), matches: true, now: 10, expected: .locked),
        CheckCase(name: "expired beats locked", issued: issued(attempts: 5), matches: true, now: 400, expected: .expired),
    ]

    @Test("verification", arguments: checkCases)
    func verification(_ c: CheckCase) {
        #expect(policy.checkCode(c.issued, matches: c.matches, now: at(c.now)) == c.expected)
    }

    @Test("typed codes", arguments: [("123456", "123456"), (" 123 456 ", "123456"), ("123-456", "123456")])
    func cleansCodes(input: String, expected: String) throws {
        #expect(try policy.cleanCode(input) == expected)
    }

    @Test("malformed codes", arguments: ["", "12345", "1234567", "12345a", "١٢٣٤٥٦", "123 45"])
    func refusesMalformedCodes(input: String) {
        #expect(throws: PartaError.self) { try policy.cleanCode(input) }
    }

    @Test func smsTextCarriesTheCodeAndAWarning() {
        let text = policy.smsText(code: "042917")
        #expect(text.contains("042917"))
        #expect(text.contains("Никому не сообщайте"))
        #expect(policy.code(inSMS: text) == "042917")
        #expect(policy.code(inSMS: "звоните 8 800 1234567, код 123456") == "123456")
        #expect(policy.code(inSMS: "нет кода") == nil)
    }
}

@Suite("Sessions")
struct SessionPolicyTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func idleLifetimeAndTouchInterval() {
        let policy = SessionPolicy(idleLifetime: 1_000, touchInterval: 100)
        #expect(policy.isAlive(lastUsedAt: t0, now: t0.addingTimeInterval(999)))
        #expect(!policy.isAlive(lastUsedAt: t0, now: t0.addingTimeInterval(1_000)))
        #expect(!policy.needsTouch(lastUsedAt: t0, now: t0.addingTimeInterval(99)))
        #expect(policy.needsTouch(lastUsedAt: t0, now: t0.addingTimeInterval(100)))
    }

    @Test("device names", arguments: [
        (nil, "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36", "Chrome on Android"),
        (nil, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1", "Safari on iOS"),
        (nil, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0", "Firefox on Windows"),
        (nil, "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/124.0 YaBrowser/24.4 Safari/537.36", "Yandex Browser on Windows"),
        (nil, "", "Unknown device"),
        ("  Мой телефон  ", "curl/8.0", "Мой телефон"),
        ("line\nbreak", "", "linebreak"),
    ] as [(String?, String, String)])
    func deviceNames(given: String?, userAgent: String, expected: String) {
        #expect(SessionPolicy.cleanDeviceName(given, userAgent: userAgent) == expected)
    }
}
