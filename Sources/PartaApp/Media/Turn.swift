import Crypto
public import Foundation

/// coturn's time-limited credentials (the "TURN REST API" scheme, `use-auth-secret`): minted per
/// join, valid for a few hours, never stored. `PARTA_TURN_URLS` (comma-separated `turn:` URLs as
/// browsers reach them) and `PARTA_TURN_SECRET` (coturn's `static-auth-secret`).
public struct TurnConfiguration: Sendable, Equatable {
    public var urls: [String]
    public var secret: String
    public var lifetime: TimeInterval
    /// Browsers send media only through coturn (`iceTransportPolicy: "relay"`): for networks that
    /// let nothing else through, and so that no participant's address reaches the media server
    /// (`PARTA_TURN_RELAY_ONLY`).
    public var relayOnly: Bool

    public init(urls: [String], secret: String, lifetime: TimeInterval = 4 * 3600, relayOnly: Bool = false) {
        self.urls = urls
        self.secret = secret
        self.lifetime = lifetime
        self.relayOnly = relayOnly
    }

    public static func fromEnvironment(_ env: [String: String]) -> TurnConfiguration? {
        let urls = (env["PARTA_TURN_URLS"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !urls.isEmpty, let secret = env["PARTA_TURN_SECRET"], !secret.isEmpty else { return nil }
        return TurnConfiguration(urls: urls, secret: secret)
    }

    /// A username `"<unix expiry>:<user>"` and its password, base64(HMAC-SHA1(secret, username)).
    public func credentials(for user: String, now: Date) -> TurnCredentials {
        let expiry = Int64(now.timeIntervalSince1970 + lifetime)
        let username = "\(expiry):\(user)"
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(username.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return TurnCredentials(
            urls: urls, username: username, credential: Data(mac).base64EncodedString(), expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)),
            relayOnly: relayOnly)
    }
}

/// What a browser puts in its `RTCPeerConnection`'s `iceServers`.
public struct TurnCredentials: Sendable, Equatable {
    public var urls: [String]
    public var username: String
    public var credential: String
    public var expiresAt: Date
    /// Use only relayed candidates.
    public var relayOnly: Bool

    public init(urls: [String], username: String, credential: String, expiresAt: Date, relayOnly: Bool = false) {
        self.urls = urls
        self.username = username
        self.credential = credential
        self.expiresAt = expiresAt
        self.relayOnly = relayOnly
    }
}
