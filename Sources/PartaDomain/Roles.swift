/// A role a member holds inside one organization. One account may hold several.
public enum OrganizationRole: String, Sendable, Codable, CaseIterable, Comparable {
    case administrator
    case teacher
    case employee
    case student
    case parent

    public var isStaff: Bool { self == .teacher || self == .employee }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    public static func parse(_ raw: String) throws(PartaError) -> OrganizationRole {
        guard let role = OrganizationRole(rawValue: raw) else {
            throw PartaError.invalid(
                "invalid_role", "Unknown role «\(raw)»; use one of: \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return role
    }
}

/// A role on the platform itself, above organizations.
public enum PlatformRole: Hashable, Sendable {
    /// The support desk: registers organizations and changes their administrators.
    case `operator`
    /// Reads statistics of one municipality's organizations.
    case municipalOfficer(MunicipalityID)
    /// Reads statistics of one region's organizations.
    case regionalOfficer(RegionID)

    public var kind: PlatformRoleKind {
        switch self {
        case .operator: .operator
        case .municipalOfficer: .municipalOfficer
        case .regionalOfficer: .regionalOfficer
        }
    }
}

public enum PlatformRoleKind: String, Sendable, Codable, CaseIterable {
    case `operator` = "operator"
    case municipalOfficer = "municipal_officer"
    case regionalOfficer = "regional_officer"
}
