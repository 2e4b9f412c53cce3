public import Foundation

/// A region of the country (субъект РФ): the top of the directory.
public struct Region: Hashable, Sendable, Codable {
    public var id: RegionID
    public var name: String

    public init(id: RegionID, name: String) {
        self.id = id
        self.name = name
    }
}

/// A municipality (муниципальное образование) inside a region.
public struct Municipality: Hashable, Sendable, Codable {
    public var id: MunicipalityID
    public var regionID: RegionID
    public var name: String

    public init(id: MunicipalityID, regionID: RegionID, name: String) {
        self.id = id
        self.regionID = regionID
        self.name = name
    }
}

public enum OrganizationKind: String, Sendable, Codable, CaseIterable {
    case school
    case college
    case kindergarten
    case additionalEducation = "additional_education"

    public static func parse(_ raw: String) throws(PartaError) -> OrganizationKind {
        guard let kind = OrganizationKind(rawValue: raw) else {
            throw PartaError.invalid(
                "invalid_kind",
                "Unknown organization kind «\(raw)»; use one of: \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return kind
    }
}

/// The part of an organization its administrator edits.
public struct OrganizationProfile: Hashable, Sendable, Codable {
    public var kind: OrganizationKind
    public var fullName: String
    public var shortName: String
    public var address: String
    public var contactPhone: String
    public var email: String
    public var website: String
    public var timeZone: String

    public static let defaultTimeZone = "Europe/Moscow"

    public init(
        kind: OrganizationKind,
        fullName: String,
        shortName: String,
        address: String = "",
        contactPhone: String = "",
        email: String = "",
        website: String = "",
        timeZone: String = OrganizationProfile.defaultTimeZone
    ) {
        self.kind = kind
        self.fullName = fullName
        self.shortName = shortName
        self.address = address
        self.contactPhone = contactPhone
        self.email = email
        self.website = website
        self.timeZone = timeZone
    }

    /// Limits on each text field, in characters.
    public static let limits: [String: Int] = [
        "full_name": 300, "short_name": 100, "address": 300, "contact_phone": 40, "email": 120, "website": 200,
    ]

    /// Trims every field and checks it; returns the cleaned profile or throws the first problem.
    public func validated() throws(PartaError) -> OrganizationProfile {
        var p = self
        p.fullName = fullName.trimmingWhitespace()
        p.shortName = shortName.trimmingWhitespace()
        p.address = address.trimmingWhitespace()
        p.contactPhone = contactPhone.trimmingWhitespace()
        p.email = email.trimmingWhitespace()
        p.website = website.trimmingWhitespace()
        p.timeZone = timeZone.trimmingWhitespace()
        if p.shortName.isEmpty { p.shortName = p.fullName }
        guard !p.fullName.isEmpty else {
            throw PartaError.invalid("invalid_profile", "The full name of the organization is required.",
                                     details: ["field": .string("full_name")])
        }
        let values: [(String, String)] = [
            ("full_name", p.fullName), ("short_name", p.shortName), ("address", p.address),
            ("contact_phone", p.contactPhone), ("email", p.email), ("website", p.website),
        ]
        for (field, value) in values {
            // One line each, bounded; the names people see without direction tricks.
            if field == "full_name" || field == "short_name" {
                _ = try TextRules.checkName(value, field: field, maxCharacters: Self.limits[field]!, code: "invalid_profile")
            } else {
                _ = try TextRules.checkText(
                    value, field: field, maxCharacters: Self.limits[field]!, multiline: false, tooLong: "invalid_profile", invalid: "invalid_profile")
            }
        }
        if !p.email.isEmpty && !Self.looksLikeEmail(p.email) {
            throw PartaError.invalid("invalid_profile", "The e-mail address «\(p.email)» is not valid.",
                                     details: ["field": .string("email")])
        }
        guard TimeZone(identifier: p.timeZone) != nil, p.timeZone.contains("/") || p.timeZone == "UTC" else {
            throw PartaError.invalid(
                "invalid_profile", "Unknown time zone «\(p.timeZone)»; use a name such as Europe/Moscow or Asia/Yekaterinburg.",
                details: ["field": .string("time_zone")])
        }
        return p
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !s.contains(" ")
    }

    /// The fields an organization must fill before it counts as active (SPEC §1).
    public var missingRequiredFields: [String] {
        var missing: [String] = []
        if fullName.isEmpty { missing.append("full_name") }
        if shortName.isEmpty { missing.append("short_name") }
        if address.isEmpty { missing.append("address") }
        if contactPhone.isEmpty && email.isEmpty { missing.append("contact_phone_or_email") }
        return missing
    }

    /// The text stored for organization search.
    public var searchText: String {
        SearchText.fold(fullName + " " + shortName)
    }
}

/// An educational organization and where it sits in the directory.
public struct Organization: Hashable, Sendable, Codable {
    public var id: OrganizationID
    public var municipalityID: MunicipalityID
    public var regionID: RegionID
    public var profile: OrganizationProfile
    public var communityID: CommunityID
    public var createdAt: Date

    public init(
        id: OrganizationID, municipalityID: MunicipalityID, regionID: RegionID,
        profile: OrganizationProfile, communityID: CommunityID, createdAt: Date
    ) {
        self.id = id
        self.municipalityID = municipalityID
        self.regionID = regionID
        self.profile = profile
        self.communityID = communityID
        self.createdAt = createdAt
    }

    /// The name people read: the short name, or the full one where there is none.
    public var displayName: String { profile.shortName.isEmpty ? profile.fullName : profile.shortName }
}

/// The identifier an administrator reads out to the support desk: `PRT-7K3F-9QX2`.
/// Crockford's base-32 alphabet, so it survives being spoken and retyped (no I, L, O, U).
public struct CommunityID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public init(trusted value: String) { self.value = value }

    /// Derives an identifier from eight random bytes supplied by the caller.
    public init(randomBytes bytes: [UInt8]) {
        precondition(bytes.count >= 8)
        let symbols = bytes.prefix(8).map { Self.alphabet[Int($0) % 32] }
        self.value = "PRT-" + String(symbols[0..<4]) + "-" + String(symbols[4..<8])
    }

    /// Accepts what a person reads back: any case, with or without dashes, `O` for `0`, `I`/`L` for `1`.
    public init?(parsing input: String) {
        var symbols: [Character] = []
        for c in input.uppercased() where c != "-" && c != " " {
            switch c {
            case "O": symbols.append("0")
            case "I", "L": symbols.append("1")
            default: symbols.append(c)
            }
        }
        if symbols.starts(with: ["P", "R", "T"]) { symbols.removeFirst(3) }
        guard symbols.count == 8, symbols.allSatisfy(Self.alphabet.contains) else { return nil }
        self.value = "PRT-" + String(symbols[0..<4]) + "-" + String(symbols[4..<8])
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        self.value = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Validates a region or municipality name and returns it trimmed.
public func checkPlaceName(_ raw: String, field: String) throws(PartaError) -> String {
    let name = raw.trimmingWhitespace()
    guard !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline) else {
        throw PartaError.invalid("invalid_\(field)", "The \(field) name is required (one line, at most 200 characters).")
    }
    return name
}
