/// A typed database identifier: `Identifier<Account>` cannot be passed where an
/// `Identifier<Organization>` is expected, yet both encode as a plain JSON number.
public struct Identifier<Entity>: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// Parses a decimal identifier as it appears in a URL path; `nil` for anything else.
    public init?(string: String) {
        guard let value = Int64(string), value > 0 else { return nil }
        self.rawValue = value
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { String(rawValue) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public typealias AccountID = Identifier<Account>
public typealias SessionID = Identifier<Session>
public typealias RegionID = Identifier<Region>
public typealias MunicipalityID = Identifier<Municipality>
public typealias OrganizationID = Identifier<Organization>
public typealias AuditEntryID = Identifier<AuditEntry>
