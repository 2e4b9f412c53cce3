/// Whether an organization counts as active (SPEC §1), computed from facts, never set by hand:
/// an administrator has signed in, the profile is filled, and at least three verified
/// teachers are attached.
public struct OrganizationActivity: Sendable, Equatable {
    public enum Condition: String, Sendable, Codable, CaseIterable {
        case administratorSignedIn = "administrator_signed_in"
        case profileComplete = "profile_complete"
        case verifiedTeachers = "three_verified_teachers"
    }

    public static let requiredVerifiedTeachers = 3

    /// The conditions not yet met, in the order of `Condition.allCases`.
    public var missing: [Condition]
    public var missingProfileFields: [String]
    public var verifiedTeachers: Int

    public var isActive: Bool { missing.isEmpty }

    public static func evaluate(
        administratorSignedIn: Bool, missingProfileFields: [String], verifiedTeachers: Int
    ) -> OrganizationActivity {
        var missing: [Condition] = []
        if !administratorSignedIn { missing.append(.administratorSignedIn) }
        if !missingProfileFields.isEmpty { missing.append(.profileComplete) }
        if verifiedTeachers < requiredVerifiedTeachers { missing.append(.verifiedTeachers) }
        return OrganizationActivity(
            missing: missing, missingProfileFields: missingProfileFields, verifiedTeachers: verifiedTeachers)
    }
}
