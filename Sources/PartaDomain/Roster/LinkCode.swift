public import Foundation

/// The rules of one-time link codes: valid for a day, usable once, for a person not yet linked.
public enum LinkCodeRules {
    public static let lifetime: TimeInterval = 24 * 3600

    /// Throws the reason a code cannot be used now.
    public static func check(expiresAt: Date, usedAt: Date?, personLinked: Bool, now: Date) throws(PartaError) {
        if usedAt != nil {
            throw PartaError.conflict("link_code_used", "This link code was already used. Ask the school for a new one.")
        }
        guard now < expiresAt else {
            throw PartaError.invalid("link_code_expired", "This link code has expired (codes are valid for 24 hours). Ask the school for a new one.")
        }
        if personLinked {
            throw PartaError.conflict("already_linked", "This person is already linked to an account.")
        }
    }
}
