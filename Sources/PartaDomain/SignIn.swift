public import Foundation

/// The limits on sign-in codes. Every number is configurable (`PARTA_CODE_*`).
public struct SignInPolicy: Sendable, Equatable {
    public var codeLength: Int
    public var codeLifetime: TimeInterval
    /// Wrong tries allowed per code; the code is dead after that many.
    public var maxAttempts: Int
    /// At most one new code per phone per this interval.
    public var resendInterval: TimeInterval
    /// At most this many codes per phone in any 24 hours.
    public var perPhonePerDay: Int
    /// At most this many codes requested from one client address in any hour and any 24 hours.
    public var perAddressPerHour: Int
    public var perAddressPerDay: Int

    public init(
        codeLength: Int = 6,
        codeLifetime: TimeInterval = 300,
        maxAttempts: Int = 5,
        resendInterval: TimeInterval = 60,
        perPhonePerDay: Int = 10,
        perAddressPerHour: Int = 60,
        perAddressPerDay: Int = 300
    ) {
        self.codeLength = codeLength
        self.codeLifetime = codeLifetime
        self.maxAttempts = maxAttempts
        self.resendInterval = resendInterval
        self.perPhonePerDay = perPhonePerDay
        self.perAddressPerHour = perAddressPerHour
        self.perAddressPerDay = perAddressPerDay
    }

    static let hour: TimeInterval = 3_600
    static let day: TimeInterval = 86_400

    /// How far back `decideCodeRequest` needs to see earlier requests.
    public static let lookback: TimeInterval = day

    /// Which limit a code request ran into.
    public enum Limit: String, Sendable, Equatable {
        case resendInterval = "resend_interval"
        case phonePerDay = "phone_daily_limit"
        case addressPerHour = "address_hourly_limit"
        case addressPerDay = "address_daily_limit"
    }

    public enum CodeRequestDecision: Sendable, Equatable {
        case allowed
        /// `retryAfter` whole seconds, at least 1; `limit` is the one that holds longest.
        case limited(limit: Limit, retryAfter: Int)
    }

    /// Decides whether a new code may be sent, from the times of earlier requests for the same
    /// phone and from the same client address within `lookback`. Pure: `now` is a parameter.
    public func decideCodeRequest(now: Date, phoneRequests: [Date], addressRequests: [Date]) -> CodeRequestDecision {
        var worst: (Limit, TimeInterval)?
        func consider(_ limit: Limit, _ wait: TimeInterval) {
            guard wait > 0 else { return }
            if worst == nil || wait > worst!.1 { worst = (limit, wait) }
        }
        let phone = phoneRequests.filter { now.timeIntervalSince($0) < Self.day }.sorted()
        if let last = phone.last {
            consider(.resendInterval, last.addingTimeInterval(resendInterval).timeIntervalSince(now))
        }
        consider(.phonePerDay, Self.waitForWindow(phone, cap: perPhonePerDay, window: Self.day, now: now))
        let address = addressRequests.filter { now.timeIntervalSince($0) < Self.day }.sorted()
        consider(.addressPerHour, Self.waitForWindow(address, cap: perAddressPerHour, window: Self.hour, now: now))
        consider(.addressPerDay, Self.waitForWindow(address, cap: perAddressPerDay, window: Self.day, now: now))
        guard let (limit, wait) = worst else { return .allowed }
        return .limited(limit: limit, retryAfter: max(1, Int(wait.rounded(.up))))
    }

    /// Seconds until fewer than `cap` of `sortedTimes` fall inside the trailing `window`; 0 if already so.
    static func waitForWindow(_ sortedTimes: [Date], cap: Int, window: TimeInterval, now: Date) -> TimeInterval {
        let inWindow = sortedTimes.filter { now.timeIntervalSince($0) < window }
        guard inWindow.count >= cap else { return 0 }
        // The request that must age out so the count drops below the cap.
        let blocker = inWindow[inWindow.count - cap]
        return blocker.addingTimeInterval(window).timeIntervalSince(now)
    }

    /// The state of the most recent code issued for a phone.
    public struct IssuedCode: Sendable, Equatable {
        public var issuedAt: Date
        public var expiresAt: Date
        public var attempts: Int
        public var used: Bool

        public init(issuedAt: Date, expiresAt: Date, attempts: Int, used: Bool) {
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.attempts = attempts
            self.used = used
        }
    }

    public enum CodeCheck: Sendable, Equatable {
        case accepted
        /// Wrong code; `attemptsLeft` more tries on this code.
        case wrong(attemptsLeft: Int)
        /// No code was requested, it was already used, or it expired.
        case expired
        /// The code had its `maxAttempts` wrong tries; a new one must be requested.
        case locked
    }

    /// Decides a verification attempt. `matches` says whether the typed code equals the issued
    /// one (compared in constant time by the caller).
    public func checkCode(_ issued: IssuedCode?, matches: Bool, now: Date) -> CodeCheck {
        guard let issued, !issued.used, now < issued.expiresAt else { return .expired }
        guard issued.attempts < maxAttempts else { return .locked }
        if matches { return .accepted }
        return .wrong(attemptsLeft: maxAttempts - issued.attempts - 1)
    }

    /// A code as typed: digits only after removing spaces and dashes, of the right length.
    public func cleanCode(_ input: String) throws(PartaError) -> String {
        let digits = input.filter { $0 != " " && $0 != "-" }
        guard digits.count == codeLength, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw PartaError.invalid("invalid_code_format", "The code is \(codeLength) digits from the SMS.")
        }
        return digits
    }

    /// The SMS text carrying a code; says what it is for and warns against sharing it.
    public func smsText(code: String) -> String {
        "Parta: код для входа \(code). Никому не сообщайте этот код."
    }

    /// The code in a text written by `smsText(code:)`: the first run of exactly `codeLength` digits.
    /// For the demo page and the test gateways that stand in for a phone.
    public func code(inSMS text: String) -> String? {
        var run = ""
        for character in text + " " {
            if character.isASCII && character.isNumber {
                run.append(character)
            } else {
                if run.count == codeLength { return run }
                run = ""
            }
        }
        return nil
    }
}
