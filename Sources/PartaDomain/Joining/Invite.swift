public import Foundation

public typealias InviteID = Identifier<Invite>

/// An invite link an administrator hands out: `/join/<token>` lets people apply to the
/// organization in a role (and, for students and parents, a class). The token is stored hashed.
public struct Invite: Hashable, Sendable {
    public var id: InviteID
    public var organizationID: OrganizationID
    public var role: RosterRole
    public var classID: ClassID?
    public var note: String
    public var createdAt: Date
    public var createdBy: AccountID?
    public var expiresAt: Date
    /// `nil`: any number of people may apply through it.
    public var maxUses: Int?
    public var useCount: Int
    public var revokedAt: Date?

    public init(
        id: InviteID, organizationID: OrganizationID, role: RosterRole, classID: ClassID?, note: String, createdAt: Date,
        createdBy: AccountID?, expiresAt: Date, maxUses: Int?, useCount: Int, revokedAt: Date?
    ) {
        self.id = id
        self.organizationID = organizationID
        self.role = role
        self.classID = classID
        self.note = note
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.maxUses = maxUses
        self.useCount = useCount
        self.revokedAt = revokedAt
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case active
        case expired
        case revoked
        case usedUp = "used_up"
    }

}

/// A link that works until it is revoked, used up or expires: organization and chat invites.
public protocol CountedLink {
    var expiresAt: Date { get }
    /// `nil`: any number of uses.
    var maxUses: Int? { get }
    var useCount: Int { get }
    var revokedAt: Date? { get }
}

extension CountedLink {
    /// Revocation wins over exhaustion, exhaustion over expiry: the most deliberate reason is named.
    public func status(at now: Date) -> Invite.Status {
        if revokedAt != nil { return .revoked }
        if let maxUses, useCount >= maxUses { return .usedUp }
        if now >= expiresAt { return .expired }
        return .active
    }

    public var remainingUses: Int? { maxUses.map { max(0, $0 - useCount) } }
}

extension Invite: CountedLink {}

/// How many people may use an invite, as the administrator asked.
public enum InviteUseLimit: Sendable, Equatable {
    /// Unlimited for class invites (students, parents), one for staff invites.
    case `default`
    case unlimited
    case limited(Int)
}

/// What an administrator asks an invite to be, once checked.
public struct InviteTerms: Sendable, Equatable {
    public var role: RosterRole
    public var classID: ClassID?
    public var expiresAt: Date
    public var maxUses: Int?
    public var note: String
}

/// The rules of invites (SPEC §2): who they are for, how long they last, how often they work.
public enum InviteRules {
    public static let defaultLifetime: TimeInterval = 7 * 86_400
    public static let minimumLifetime: TimeInterval = 3_600
    public static let maximumLifetime: TimeInterval = 90 * 86_400
    public static let maximumUses = 10_000
    public static let maximumNoteLength = 200

    /// Checks an administrator's request for a new invite and fills the defaults.
    public static func terms(
        role: RosterRole, classID: ClassID?, expiresAt: Date?, useLimit: InviteUseLimit, note: String?, now: Date
    ) throws(PartaError) -> InviteTerms {
        if role.isStaff, classID != nil {
            throw PartaError.invalid(
                "class_not_allowed", "Invites for teachers and employees have no class; leave the class out.",
                details: ["field": .string("class_id")])
        }
        if !role.isStaff, classID == nil {
            throw PartaError.invalid(
                "class_required", "Invites for students and parents name their class.", details: ["field": .string("class_id")])
        }
        let expiresAt = try expiry(expiresAt, now: now)
        let maxUses: Int?
        switch useLimit {
        case .default: maxUses = role.isStaff ? 1 : nil
        case .unlimited: maxUses = nil
        case .limited(let n): maxUses = try InviteRules.useLimit(n)
        }
        let note = try TextRules.checkText(
            (note ?? "").trimmingWhitespace(), field: "note", maxCharacters: maximumNoteLength, multiline: true, tooLong: "invalid_note")
        return InviteTerms(role: role, classID: classID, expiresAt: expiresAt, maxUses: maxUses, note: note)
    }

    /// The expiry a request asks for, as an instant or in days from now (not both); `nil`: the default.
    public static func requestedExpiry(at: Date?, inDays days: Int?, now: Date) throws(PartaError) -> Date? {
        if at != nil, days != nil {
            throw PartaError.invalid("invalid_expiry", "Give either expires_at or expires_in_days, not both.")
        }
        // The range of lifetimes is checked by `expiry`: a day count outside it is refused there.
        return at ?? days.map { now.addingTimeInterval(TimeInterval($0) * 86_400) }
    }

    /// When a link asked to expire at `requested` (a week from now if not given) expires: between
    /// an hour and 90 days from now.
    public static func expiry(_ requested: Date?, now: Date) throws(PartaError) -> Date {
        let expiresAt = requested ?? now.addingTimeInterval(defaultLifetime)
        let lifetime = expiresAt.timeIntervalSince(now)
        guard lifetime >= minimumLifetime, lifetime <= maximumLifetime else {
            throw PartaError.invalid(
                "invalid_expiry", "An invite lasts between one hour and 90 days.", details: ["field": .string("expires_at")])
        }
        return expiresAt
    }

    /// A link's use limit as asked: 1 to 10 000.
    public static func useLimit(_ n: Int) throws(PartaError) -> Int {
        guard (1...maximumUses).contains(n) else {
            throw PartaError.invalid(
                "invalid_max_uses", "The use limit is between 1 and \(maximumUses), or none for unlimited.",
                details: ["field": .string("max_uses")])
        }
        return n
    }

    /// Throws why `invite` cannot be used now to join `organization` (when one is named):
    /// another organization's invite, revoked, used up, or expired — each with its own code.
    public static func check(_ invite: Invite, organization: OrganizationID?, now: Date) throws(PartaError) {
        if let organization, invite.organizationID != organization {
            throw PartaError.invalid(
                "invite_wrong_organization", "This invite is for another organization.",
                details: ["field": .string("invite_token")])
        }
        switch invite.status(at: now) {
        case .active:
            return
        case .revoked:
            throw PartaError(.gone, code: "invite_revoked", message: "The school has revoked this invite. Ask it for a new one.")
        case .usedUp:
            throw PartaError(
                .gone, code: "invite_used_up",
                message: "This invite has been used as many times as the school allowed. Ask it for a new one.")
        case .expired:
            throw PartaError(.gone, code: "invite_expired", message: "This invite has expired. Ask the school for a new one.")
        }
    }
}
