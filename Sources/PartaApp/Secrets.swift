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

    /// Crockford's base32: no I, L, O or U, so a code read off paper is typed right.
    static let codeAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let linkCodeLength = 12

    /// A link code a person can type from a printed card: 12 characters of Crockford's base32
    /// (60 random bits), shown in groups of four (`displayLinkCode`). Guessing is held off by the
    /// limit on missed lookups per address (`RateKind.linkCodes`), and a database copy by storing
    /// them under a keyed hash (`TokenSealer.codeHashes`).
    public static func newLinkCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<linkCodeLength).map { _ in codeAlphabet[Int.random(in: 0..<32, using: &generator)] })
    }

    /// The form a link code is stored (hashed) and found by: a typed short code with its case,
    /// dashes and spaces forgiven and the look-alikes read as Crockford does (O → 0, I and L → 1),
    /// Cyrillic look-alikes as their Latin letters; a 43-character code as it is. `nil` for
    /// anything else, before any database lookup.
    public static func linkCodeKey(_ text: String) -> String? {
        if looksLikeToken(text) { return text }
        var key = ""
        for character in text.uppercased() where character != "-" && character != " " {
            let read: Character = switch character {
            case "O", "О": "0"
            case "I", "L": "1"
            // The Cyrillic letters that look like Latin ones, typed on a phone left in Russian.
            case "А": "A"
            case "В": "B"
            case "Е": "E"
            case "К": "K"
            case "М": "M"
            case "Н": "H"
            case "Р": "P"
            case "С": "C"
            case "Т": "T"
            case "Х": "X"
            default: character
            }
            guard codeAlphabet.contains(read) else { return nil }
            key.append(read)
        }
        return key.count == linkCodeLength ? key : nil
    }

    /// `K7QM4XPD2R9A` as `K7QM-4XPD-2R9A`; an older long code as it is.
    public static func displayLinkCode(_ code: String) -> String {
        guard code.count == linkCodeLength else { return code }
        let characters = Array(code)
        return stride(from: 0, to: characters.count, by: 4).map { String(characters[$0..<min($0 + 4, characters.count)]) }
            .joined(separator: "-")
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
