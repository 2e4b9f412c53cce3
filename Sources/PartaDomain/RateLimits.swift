public import Foundation

/// At most `limit` actions in any `window` seconds, with bursts up to `limit` (a token bucket of
/// `limit` tokens refilled evenly over `window`).
public struct RateRule: Sendable, Equatable, CustomStringConvertible {
    public var limit: Int
    public var window: TimeInterval

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    public static func perMinute(_ limit: Int) -> RateRule { RateRule(limit: limit, window: 60) }
    public static func perHour(_ limit: Int) -> RateRule { RateRule(limit: limit, window: 3_600) }
    public static func perDay(_ limit: Int) -> RateRule { RateRule(limit: limit, window: 86_400) }

    /// `30/min`, `600/h`, `10/d`, `5/30s`.
    public var description: String {
        switch window {
        case 60: "\(limit)/min"
        case 3_600: "\(limit)/h"
        case 86_400: "\(limit)/d"
        default: "\(limit)/\(Int(window))s"
        }
    }

    /// Reads `30/min,600/h` (also `s`, `d`, `5/30s`); `nil` for anything else. `off` is no rule.
    public static func parseList(_ text: String) -> [RateRule]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "off" { return [] }
        var rules: [RateRule] = []
        for part in trimmed.split(separator: ",") {
            let pieces = part.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
            guard pieces.count == 2, let limit = Int(pieces[0]), limit > 0 else { return nil }
            let unit = pieces[1].lowercased()
            let window: TimeInterval
            switch unit {
            case "s", "sec": window = 1
            case "min", "m": window = 60
            case "h", "hour": window = 3_600
            case "d", "day": window = 86_400
            default:
                guard unit.hasSuffix("s"), let seconds = Double(unit.dropLast()), seconds > 0 else { return nil }
                window = seconds
            }
            rules.append(RateRule(limit: limit, window: window))
        }
        return rules.isEmpty ? nil : rules
    }
}

/// One account's (or key's) allowance under one rule. Pure: time is a parameter.
public struct RateBucket: Sendable, Equatable {
    public var tokens: Double
    public var updated: Date

    /// A bucket with its whole allowance.
    public init(_ rule: RateRule, now: Date) {
        tokens = Double(rule.limit)
        updated = now
    }

    /// The allowance at `now`.
    func refilled(_ rule: RateRule, now: Date) -> Double {
        let rate = Double(rule.limit) / rule.window
        return min(Double(rule.limit), tokens + max(0, now.timeIntervalSince(updated)) * rate)
    }

    /// Seconds until one action is allowed (0: now).
    public func wait(_ rule: RateRule, now: Date) -> TimeInterval {
        let available = refilled(rule, now: now)
        return available >= 1 ? 0 : (1 - available) * rule.window / Double(rule.limit)
    }

    /// Spends one action.
    public mutating func take(_ rule: RateRule, now: Date) {
        tokens = refilled(rule, now: now) - 1
        updated = now
    }

    /// Whether it holds its whole allowance again at `now` (and can be forgotten).
    public func isFull(_ rule: RateRule, now: Date) -> Bool { refilled(rule, now: now) >= Double(rule.limit) }
}

/// What is limited per account (or per API key), and how (SPEC §9, "sending, uploading and
/// joining are rate-limited per account").
public enum RateKind: String, Sendable, CaseIterable {
    case messages
    case uploads
    case joinRequests = "join_requests"
    case invites
    case apiKey = "api_key"
    /// Starting or entering a call (each first entry may make a room on the media server).
    case calls
    /// Counting a provisional statistics page now (it reads every school of the territory).
    case statisticsNow = "statistics_now"
    /// Looking up a link code that does not exist, per client address: guessing codes.
    case linkCodes = "link_codes"
}

/// The limits a server applies; every one is configurable (docs/operations.md).
public struct RateLimits: Sendable, Equatable {
    public var rules: [RateKind: [RateRule]]
    /// Live connections one account may hold open on one server.
    public var liveConnections: Int
    /// Bytes one account may upload in any 24 hours.
    public var uploadBytesPerDay: Int64

    public init(
        rules: [RateKind: [RateRule]] = RateLimits.defaultRules, liveConnections: Int = 10, uploadBytesPerDay: Int64 = 500 << 20
    ) {
        self.rules = rules
        self.liveConnections = liveConnections
        self.uploadBytesPerDay = uploadBytesPerDay
    }

    /// A person typing and sending files fits well inside; a script does not.
    public static let defaultRules: [RateKind: [RateRule]] = [
        .messages: [.perMinute(30), .perHour(600)],
        .uploads: [.perHour(30), .perDay(200)],
        .joinRequests: [.perDay(10)],
        .invites: [.perHour(100), .perDay(500)],
        .apiKey: [.perMinute(1_200)],
        .calls: [.perMinute(20), .perHour(300)],
        .statisticsNow: [.perMinute(2), .perHour(20)],
        .linkCodes: [.perMinute(10), .perHour(60)],
    ]

    /// No rate limits (benchmarks, tests that send in bulk); the quota and connection cap stay.
    public static let unlimitedRates = RateLimits(rules: [:])

    /// What holds `kind` back at `now`: the longest wait over its rules, with every bucket spent
    /// once when nothing does. `buckets` holds one per rule (made full when missing).
    public func admit(_ kind: RateKind, buckets: inout [RateBucket], now: Date) -> TimeInterval {
        let rules = self.rules[kind] ?? []
        if buckets.count != rules.count { buckets = rules.map { RateBucket($0, now: now) } }
        let wait = zip(buckets, rules).map { $0.wait($1, now: now) }.max() ?? 0
        guard wait == 0 else { return wait }
        for index in rules.indices { buckets[index].take(rules[index], now: now) }
        return 0
    }

    /// The refusal for `kind` with `wait` seconds to go: 429 with `Retry-After`.
    public static func refusal(_ kind: RateKind, wait: TimeInterval) -> PartaError {
        let seconds = max(1, Int(wait.rounded(.up)))
        return PartaError(
            .tooManyRequests(retryAfterSeconds: seconds), code: "too_many_requests",
            message: "Too many \(kind.rawValue.replacingUnderscores()) in a short time; try again in \(seconds) s.",
            details: ["limit": .string(kind.rawValue), "retry_after": .int(seconds)])
    }
}

/// Where sign-in codes may be sent: numbers with one of these country calling codes (SMS pumping
/// to premium numbers abroad costs the school money).
public struct PhoneCountries: Sendable, Equatable {
    public var codes: [String]

    public init(codes: [String] = ["7"]) {
        self.codes = codes
    }

    /// Refuses a number outside the allowed countries with 400 `phone_country_not_allowed`.
    public func check(_ phone: PhoneNumber) throws(PartaError) {
        let digits = phone.e164.dropFirst()
        guard codes.contains(where: { digits.hasPrefix($0) }) else {
            throw PartaError.invalid(
                "phone_country_not_allowed",
                "Codes are sent only to numbers starting with \(codes.map { "+\($0)" }.joined(separator: ", ")).",
                details: ["allowed": .strings(codes.map { "+\($0)" })])
        }
    }
}
