public import Foundation

/// A learning profile: a phone number to sign in with and a school identity. No social profile.
public struct Account: Hashable, Sendable, Codable {
    public var id: AccountID
    public var phone: PhoneNumber
    public var name: PersonName
    public var createdAt: Date
    /// When the person first completed sign-in; `nil` for accounts an operator created.
    public var firstSignInAt: Date?
    public var lastSignInAt: Date?

    public init(
        id: AccountID, phone: PhoneNumber, name: PersonName, createdAt: Date,
        firstSignInAt: Date? = nil, lastSignInAt: Date? = nil
    ) {
        self.id = id
        self.phone = phone
        self.name = name
        self.createdAt = createdAt
        self.firstSignInAt = firstSignInAt
        self.lastSignInAt = lastSignInAt
    }

    public var hasSignedIn: Bool { firstSignInAt != nil }
}

/// One signed-in device. The token itself is never stored, only its hash.
public struct Session: Hashable, Sendable, Codable {
    public var id: SessionID
    public var accountID: AccountID
    public var deviceName: String
    public var userAgent: String
    public var clientAddress: String
    public var createdAt: Date
    public var lastUsedAt: Date

    public init(
        id: SessionID, accountID: AccountID, deviceName: String, userAgent: String,
        clientAddress: String, createdAt: Date, lastUsedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.deviceName = deviceName
        self.userAgent = userAgent
        self.clientAddress = clientAddress
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// How long a session lives and how often its last use is written down.
public struct SessionPolicy: Sendable, Equatable {
    /// A session unused for this long is over ("stay signed in" for a school term).
    public var idleLifetime: TimeInterval
    /// `last_used_at` is rewritten at most this often, so reading is not a write per request.
    public var touchInterval: TimeInterval

    public init(idleLifetime: TimeInterval = 90 * 86_400, touchInterval: TimeInterval = 300) {
        self.idleLifetime = idleLifetime
        self.touchInterval = touchInterval
    }

    public func isAlive(lastUsedAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastUsedAt) < idleLifetime
    }

    public func needsTouch(lastUsedAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastUsedAt) >= touchInterval
    }

    /// A device name as the client sent it, trimmed to one short line; a default when empty.
    public static func cleanDeviceName(_ raw: String?, userAgent: String) -> String {
        let visible = String((raw ?? "").unicodeScalars.filter { !TextRules.isForbiddenControl($0, multiline: false) && !TextRules.isBidiControl($0) })
        let name = String(visible.trimmingWhitespace().prefix(80))
        if !name.isEmpty { return name }
        return Self.describe(userAgent: userAgent)
    }

    /// A human label for a user agent: `Chrome on Android`, `Firefox on Windows`, or `Unknown device`.
    public static func describe(userAgent: String) -> String {
        let ua = userAgent.lowercased()
        let browser: String? =
            if ua.contains("edg/") { "Edge" }
            else if ua.contains("yabrowser") { "Yandex Browser" }
            else if ua.contains("firefox/") { "Firefox" }
            else if ua.contains("chrome/") || ua.contains("chromium/") { "Chrome" }
            else if ua.contains("safari/") { "Safari" }
            else if ua.contains("curl/") { "curl" }
            else { nil }
        let system: String? =
            if ua.contains("android") { "Android" }
            else if ua.contains("iphone") || ua.contains("ipad") { "iOS" }
            else if ua.contains("windows") { "Windows" }
            else if ua.contains("mac os") { "macOS" }
            else if ua.contains("linux") { "Linux" }
            else { nil }
        switch (browser, system) {
        case (let b?, let s?): return "\(b) on \(s)"
        case (let b?, nil): return b
        case (nil, let s?): return s
        case (nil, nil): return "Unknown device"
        }
    }
}
