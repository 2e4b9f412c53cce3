/// What statistics page is asked for: the whole platform, a region, a municipality, a school —
/// with where it sits in the directory (a school's municipality and region; a municipality's region).
public enum StatisticsScope: Hashable, Sendable {
    case platform
    case region(RegionID)
    case municipality(MunicipalityID, region: RegionID)
    case organization(OrganizationID, municipality: MunicipalityID, region: RegionID)

    /// Whether a school in `municipality` of `region` is read for a page of this scope: a
    /// territory's schools; for a school's page its whole municipality (the average it is
    /// compared with).
    public func reads(municipality: MunicipalityID, region: RegionID) -> Bool {
        switch self {
        case .platform: true
        case .region(let mine): region == mine
        case .municipality(let mine, _), .organization(_, let mine, _): municipality == mine
        }
    }
}

/// Who reads which statistics (SPEC §1, §8): the operator everything; a regional officer their
/// region and everything in it; a municipal officer their municipality and its schools; a school's
/// administrator their own school's page. Everyone else: 403.
public enum StatisticsAccess {
    public static func decide(_ actor: ActorRoles, _ scope: StatisticsScope) -> Decision {
        if actor.isSystem || (actor.isOperator && actor.integrationFor == nil) { return .allowed }
        guard actor.integrationFor == nil else { return .denied("An API key does not read statistics.") }
        if actor.platform.contains(where: { covers($0, scope) }) { return .allowed }
        if case .organization(let organization, _, _) = scope, actor.roles(in: organization).contains(.administrator) {
            return .allowed
        }
        return .denied("Statistics are read by the education authorities of their territory and by a school's administrators for their school.")
    }

    /// Whether an officer's territory holds the scope.
    static func covers(_ role: PlatformRole, _ scope: StatisticsScope) -> Bool {
        switch role {
        case .operator:
            return true
        case .regionalOfficer(let mine):
            switch scope {
            case .platform: return false
            case .region(let region), .municipality(_, let region), .organization(_, _, let region): return region == mine
            }
        case .municipalOfficer(let mine):
            switch scope {
            case .platform, .region: return false
            case .municipality(let municipality, _), .organization(_, let municipality, _): return municipality == mine
            }
        }
    }
}
