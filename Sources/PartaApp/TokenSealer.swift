import Crypto
import Foundation

/// Seals secrets the server must be able to show again — an organization invite's token — with
/// AES-256-GCM under a key that is not in the database: someone who reads the database (a dump, a
/// backup, a replica) learns no link that lets a stranger apply. A sealed value names its key
/// (`v1.<key id>.<nonce ‖ ciphertext ‖ tag, base64url>`) and is bound to what it belongs to (the
/// token's hash as associated data), so it cannot be moved to another row.
///
/// Keys rotate: the first seals, every one opens. A value sealed with a key the server no longer
/// has stays unreadable — the link still works (links are found by hash), it just cannot be shown.
public struct TokenSealer: Sendable, Equatable, CustomStringConvertible {
    /// Never the keys.
    public var description: String { "TokenSealer(\(keyIDs.joined(separator: ", ")))" }

    /// Raw 32-byte keys, the sealing one first.
    private let keys: [[UInt8]]
    /// Each key's short public name: the first 8 hex digits of a hash of it.
    public let keyIDs: [String]

    public static let keyBytes = 32

    /// `keys`: 32 bytes each, the one that seals first. Throws when one has another length.
    public init(keys: [[UInt8]]) throws(KeyProblem) {
        guard !keys.isEmpty else { throw KeyProblem(description: "no sealing key") }
        guard keys.allSatisfy({ $0.count == Self.keyBytes }) else {
            throw KeyProblem(description: "a sealing key is 32 bytes (44 characters of base64)")
        }
        self.keys = keys
        keyIDs = keys.map { Self.keyID($0) }
    }

    /// A sealer with a fresh random key that lives as long as the process (tests; a server is
    /// always given its key from the data directory or `PARTA_SEALING_KEY`).
    public static func ephemeral() -> TokenSealer {
        try! TokenSealer(keys: [Secrets.randomBytes(keyBytes)])
    }

    /// Keys written as base64 (standard or URL alphabet), separated by commas or new lines.
    public init(encoded: String) throws(KeyProblem) {
        var keys: [[UInt8]] = []
        for part in encoded.split(whereSeparator: { $0 == "," || $0.isNewline }) {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            guard let bytes = Self.decodeBase64(text), bytes.count == Self.keyBytes else {
                throw KeyProblem(description: "a sealing key is 32 random bytes in base64 (`openssl rand -base64 32`)")
            }
            keys.append(bytes)
        }
        try self.init(keys: keys)
    }

    /// A new random key, base64, for a key file or `PARTA_SEALING_KEY`.
    public static func newEncodedKey() -> String {
        Data(Secrets.randomBytes(keyBytes)).base64EncodedString()
    }

    /// `secret` sealed under the first key, bound to `context`.
    public func seal(_ secret: String, context: String) -> String {
        let box = try! AES.GCM.seal(
            Data(secret.utf8), using: SymmetricKey(data: keys[0]), authenticating: Data(Self.associated(context).utf8))
        return "v1.\(keyIDs[0]).\(Secrets.base64url(Array(box.combined!)))"
    }

    /// The secret inside `sealed`, or `nil` when its key is not among ours, it was changed, or it
    /// belongs to another `context`.
    public func open(_ sealed: String, context: String) -> String? {
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let index = keyIDs.firstIndex(of: String(parts[1])),
              let combined = Self.decodeBase64(String(parts[2])),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: SymmetricKey(data: keys[index]),
                                            authenticating: Data(Self.associated(context).utf8))
        else { return nil }
        return String(data: plain, encoding: .utf8)
    }

    /// `code`'s keyed hashes, one under each key (the sealing one first): HMAC-SHA-256 under a key
    /// derived from ours for link codes alone. A short code has too few bits for a plain hash in
    /// a database copy to keep it: without the key, none of these can be tried offline.
    public func codeHashes(_ code: String) -> [String] {
        keys.map { key in
            let derived = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: key), info: Data("parta.link-code".utf8), outputByteCount: 32)
            return "k1:" + Secrets.hex(HMAC<SHA256>.authenticationCode(for: Data(code.utf8), using: derived))
        }
    }

    /// Whether `sealed` was sealed under one of our keys (it may still fail to open if altered).
    public func canOpen(_ sealed: String) -> Bool {
        let parts = sealed.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "v1" && keyIDs.contains(String(parts[1]))
    }

    public static func == (a: TokenSealer, b: TokenSealer) -> Bool { a.keyIDs == b.keyIDs }

    public struct KeyProblem: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    static func keyID(_ key: [UInt8]) -> String {
        String(Secrets.hex(SHA256.hash(data: Data("parta.sealing-key:".utf8) + Data(key))).prefix(8))
    }

    static func associated(_ context: String) -> String { "parta.sealed:" + context }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map(Array.init)
    }
}
