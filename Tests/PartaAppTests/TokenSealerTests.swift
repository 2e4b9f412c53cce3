import Foundation
import PartaApp
import Testing

@Suite("Sealing invite tokens")
struct TokenSealerTests {
    static let keyA = Data(repeating: 0x11, count: 32).base64EncodedString()
    static let keyB = Data(repeating: 0x22, count: 32).base64EncodedString()

    @Test("a sealed token opens with its key and context, and with nothing else")
    func sealAndOpen() throws {
        let sealer = try TokenSealer(encoded: Self.keyA)
        let token = "kXy3_TsN-0aQv9bYp1LmR7wE2cF8dGhJ4iK5lMnOpQr"
        let sealed = sealer.seal(token, context: "invite:abc")
        #expect(sealed.hasPrefix("v1.\(sealer.keyIDs[0])."))
        #expect(!sealed.contains(token))
        #expect(sealer.open(sealed, context: "invite:abc") == token)
        // Sealing twice gives two different values (a fresh nonce each time) that open the same.
        let twice = sealer.seal(token, context: "invite:abc")
        #expect(twice != sealed)
        #expect(sealer.open(twice, context: "invite:abc") == token)
        // Another row's context, another key, or any altered character: nothing.
        #expect(sealer.open(sealed, context: "invite:abd") == nil)
        #expect(try TokenSealer(encoded: Self.keyB).open(sealed, context: "invite:abc") == nil)
        #expect(!(try TokenSealer(encoded: Self.keyB)).canOpen(sealed))
        var altered = Array(sealed)
        altered[altered.count - 5] = altered[altered.count - 5] == "A" ? "B" : "A"
        #expect(sealer.open(String(altered), context: "invite:abc") == nil)
        for broken in ["", "v1", "v2.\(sealer.keyIDs[0]).AAAA", "v1.\(sealer.keyIDs[0]).", "v1.\(sealer.keyIDs[0]).!!!!", token] {
            #expect(sealer.open(broken, context: "invite:abc") == nil, "\(broken)")
        }
    }

    @Test("keys rotate: the newest seals, every key listed opens")
    func rotation() throws {
        let old = try TokenSealer(encoded: Self.keyA)
        let rotated = try TokenSealer(encoded: "\(Self.keyB),\(Self.keyA)")
        let fromOld = old.seal("first", context: "c")
        let fromNew = rotated.seal("second", context: "c")
        #expect(rotated.open(fromOld, context: "c") == "first")
        #expect(rotated.open(fromNew, context: "c") == "second")
        #expect(fromNew.hasPrefix("v1.\(rotated.keyIDs[0])."))
        #expect(old.open(fromNew, context: "c") == nil)
        // A key file: comments and blank lines skipped, one key a line, the URL alphabet accepted.
        let urlSafe = Self.keyB.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let file = try TokenSealer(encoded: "# keys\n\n\(urlSafe)\n\(Self.keyA)\n")
        #expect(file == rotated)
        #expect(file.keyIDs.count == 2 && file.keyIDs[0] != file.keyIDs[1])
    }

    @Test("a key that is not 32 bytes of base64 is refused, and the keys are never printed")
    func badKeys() throws {
        for bad in ["", "# only a comment", "c2hvcnQ=", Data(repeating: 1, count: 31).base64EncodedString(),
                    Data(repeating: 1, count: 33).base64EncodedString(), "not base64 at all!", "\(Self.keyA),xyz"] {
            #expect(throws: TokenSealer.KeyProblem.self, "\(bad)") { try TokenSealer(encoded: bad) }
        }
        let sealer = try TokenSealer(encoded: Self.keyA)
        #expect(!"\(sealer)".contains(Self.keyA) && "\(sealer)".contains(sealer.keyIDs[0]))
        #expect(try TokenSealer(encoded: TokenSealer.newEncodedKey()).keyIDs.count == 1)
    }
}

@Suite("Link codes to type")
struct LinkCodeFormatTests {
    @Test("new codes: 12 characters of Crockford's base32, each different")
    func newCodes() {
        let codes = (0..<200).map { _ in Secrets.newLinkCode() }
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.count == 12 && $0.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) } })
        #expect(codes.allSatisfy { Secrets.linkCodeKey($0) == $0 })
    }

    @Test("what a person types is read as the code, or refused before any lookup", arguments: [
        ("K7QM4XPD2R9A", "K7QM4XPD2R9A"), ("K7QM-4XPD-2R9A", "K7QM4XPD2R9A"), ("k7qm-4xpd-2r9a", "K7QM4XPD2R9A"),
        ("K7QM 4XPD 2R9A", "K7QM4XPD2R9A"), ("K7QM-4XPD-2R9A ", "K7QM4XPD2R9A"), ("O0IL-1ABC-DEFG", "0011-1ABC-DEFG".replacingOccurrences(of: "-", with: "")),
        ("К7QМ-4ХРD-2R9А", "K7QM4XPD2R9A"), ("к7qм 4хрd 2r9а", "K7QM4XPD2R9A"), ("ВЕНС-ТО00-0000", "BEHCT0000000"),
        ("K7QM-4XPD-2R9", nil), ("K7QM-4XPD-2R9AB", nil), ("K7QM-4XPD-2R9U", nil), ("K7QM-4XPD-2R9Я", nil), ("", nil), ("----", nil),
        ("K7QM_4XPD_2R9A", nil), ("../../etc/passw", nil),
        ("kXy3_TsN-0aQv9bYp1LmR7wE2cF8dGhJ4iK5lMnOpQr", "kXy3_TsN-0aQv9bYp1LmR7wE2cF8dGhJ4iK5lMnOpQr"),
    ] as [(String, String?)])
    func typed(text: String, key: String?) {
        #expect(Secrets.linkCodeKey(text) == key)
    }

    @Test func printedInFours() {
        #expect(Secrets.displayLinkCode("K7QM4XPD2R9A") == "K7QM-4XPD-2R9A")
        let old = "kXy3_TsN-0aQv9bYp1LmR7wE2cF8dGhJ4iK5lMnOpQr"
        #expect(Secrets.displayLinkCode(old) == old)
    }
}
