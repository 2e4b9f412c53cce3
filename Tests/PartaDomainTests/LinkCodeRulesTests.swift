import Foundation
import PartaDomain
import Testing

@Suite("Link codes")
struct LinkCodeRulesTests {
    static let issued = Date(timeIntervalSince1970: 1_800_000_000)
    static let expires = issued.addingTimeInterval(LinkCodeRules.lifetime)

    @Test("the table", arguments: [
        (0.0, false, false, nil),
        (86_399.0, false, false, nil),
        (86_400.0, false, false, "link_code_expired"),
        (10.0, true, false, "link_code_used"),
        (90_000.0, true, false, "link_code_used"),
        (10.0, false, true, "already_linked"),
    ] as [(Double, Bool, Bool, String?)])
    func rules(after: Double, used: Bool, linked: Bool, refusal: String?) {
        do {
            try LinkCodeRules.check(
                expiresAt: Self.expires, usedAt: used ? Self.issued : nil, personLinked: linked,
                now: Self.issued.addingTimeInterval(after))
            #expect(refusal == nil)
        } catch {
            #expect(error.code == refusal)
        }
    }
}
