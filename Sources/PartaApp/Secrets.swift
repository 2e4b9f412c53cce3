import Crypto
import Foundation

/// Session tokens and sign-in codes: generated from the system's cryptographic random source,
/// stored only as SHA-256 hashes, compared in constant time.
public enum Secrets {
    /// 32 random bytes (256 bits) as unpadded base64url: 43 characters.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64url(bytes)
    }

    /// `count` uniformly random decimal digits.
    public static func digits(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A link the server hands out (`/join/…`, `/link/…`, `/chat-invite/…`) under the address
    /// people reach it at, whether or not that ends in a slash.
    public static func link(base: String, path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// Whether `token` can be one of ours, before any database lookup.
    public static func looksLikeToken(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }
    }

    public static func hashToken(_ token: String) -> String {
        hex(SHA256.hash(data: Data(("parta.session:" + token).utf8)))
    }

    /// Hash of a sign-in code bound to its phone, so a stored hash is useless for any other number.
    public static func hashCode(_ code: String, phone: String) -> String {
        hex(SHA256.hash(data: Data(("parta.code:" + phone + ":" + code).utf8)))
    }

    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
