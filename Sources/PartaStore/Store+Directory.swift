public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    // MARK: Regions and municipalities

    public func regions() async throws -> [Region] {
        try await sql.raw("SELECT id, name FROM regions ORDER BY search_name").all().map {
            Region(id: try $0.id("id"), name: try $0.string("name"))
        }
    }

    public func region(_ id: RegionID) async throws -> Region? {
        try await sql.raw("SELECT id, name FROM regions WHERE id = \(bind: id.rawValue)").first().map {
            Region(id: try $0.id("id"), name: try $0.string("name"))
        }
    }

    /// The region named `name` (compared folded: case and `ё` do not matter); created if missing.
    public func findOrCreateRegion(name: String, now: Date) async throws -> (Region, created: Bool) {
        let folded = SearchText.fold(name)
        if let row = try await sql.raw("SELECT id, name FROM regions WHERE search_name = \(bind: folded)").first() {
            return (Region(id: try row.id("id"), name: try row.string("name")), false)
        }
        let id: RegionID = try await sql.raw("""
            INSERT INTO regions (name, search_name, created_at) VALUES (\(bind: name), \(bind: folded), \(bind: now.millis))
            RETURNING id
            """).first()!.id("id")
        return (Region(id: id, name: name), true)
    }

    public func municipalities(in region: RegionID) async throws -> [Municipality] {
        try await sql.raw("""
            SELECT id, region_id, name FROM municipalities WHERE region_id = \(bind: region.rawValue) ORDER BY search_name
            """).all().map(Self.municipality(from:))
    }

    public func municipality(_ id: MunicipalityID) async throws -> Municipality? {
        try await sql.raw("SELECT id, region_id, name FROM municipalities WHERE id = \(bind: id.rawValue)")
            .first().map(Self.municipality(from:))
    }

    /// The municipalities of `ids` (a page's or an export's rows), a bounded `IN` list at a time.
    public func municipalities(_ ids: some Collection<MunicipalityID>) async throws -> [Municipality] {
        var found: [Municipality] = []
        for chunk in Array(ids).chunked(400) {
            found += try await sql.raw("SELECT id, region_id, name FROM municipalities WHERE id IN \(Self.ids(chunk))")
                .all().map(Self.municipality(from:))
        }
        return found
    }

    static func municipality(from row: any SQLRow) throws -> Municipality {
        Municipality(id: try row.id("id"), regionID: try row.id("region_id"), name: try row.string("name"))
    }

    public func findOrCreateMunicipality(name: String, region: RegionID, now: Date) async throws -> (Municipality, created: Bool) {
        let folded = SearchText.fold(name)
        if let row = try await sql.raw("""
            SELECT id, region_id, name FROM municipalities
            WHERE region_id = \(bind: region.rawValue) AND search_name = \(bind: folded)
            """).first() {
            return (try Self.municipality(from: row), false)
        }
        let id: MunicipalityID = try await sql.raw("""
            INSERT INTO municipalities (region_id, name, search_name, created_at)
            VALUES (\(bind: region.rawValue), \(bind: name), \(bind: folded), \(bind: now.millis))
            RETURNING id
            """).first()!.id("id")
        return (Municipality(id: id, regionID: region, name: name), true)
    }

    // MARK: Organizations

    static let organizationColumns = """
        o.id, o.municipality_id, m.region_id, o.kind, o.full_name, o.short_name, o.address, o.contact_phone,
        o.email, o.website, o.time_zone, o.community_id, o.created_at
        """

    static func organization(from row: any SQLRow) throws -> Organization {
        Organization(
            id: try row.id("id"), municipalityID: try row.id("municipality_id"), regionID: try row.id("region_id"),
            profile: OrganizationProfile(
                kind: OrganizationKind(rawValue: try row.string("kind")) ?? .school,
                fullName: try row.string("full_name"), shortName: try row.string("short_name"),
                address: try row.string("address"), contactPhone: try row.string("contact_phone"),
                email: try row.string("email"), website: try row.string("website"),
                timeZone: try row.string("time_zone")),
            communityID: CommunityID(trusted: try row.string("community_id")),
            createdAt: try row.date("created_at"))
    }

    public func insertOrganization(
        municipality: MunicipalityID, profile: OrganizationProfile, communityID: CommunityID, now: Date
    ) async throws -> OrganizationID {
        try await sql.raw("""
            INSERT INTO organizations (municipality_id, kind, full_name, short_name, address, contact_phone, email,
                website, time_zone, community_id, search_text, created_at, updated_at)
            VALUES (\(bind: municipality.rawValue), \(bind: profile.kind.rawValue), \(bind: profile.fullName),
                \(bind: profile.shortName), \(bind: profile.address), \(bind: profile.contactPhone), \(bind: profile.email),
                \(bind: profile.website), \(bind: profile.timeZone), \(bind: communityID.value), \(bind: profile.searchText),
                \(bind: now.millis), \(bind: now.millis))
            RETURNING id
            """).first()!.id("id")
    }

    public func organization(_ id: OrganizationID) async throws -> Organization? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.organizationColumns) FROM organizations o
            JOIN municipalities m ON m.id = o.municipality_id WHERE o.id = \(bind: id.rawValue)
            """).first().map(Self.organization(from:))
    }

    /// The organizations of `ids` (a page's or an export's rows), a bounded `IN` list at a time.
    public func organizations(_ ids: some Collection<OrganizationID>) async throws -> [Organization] {
        var found: [Organization] = []
        for chunk in Array(ids).chunked(400) {
            found += try await sql.raw("""
                SELECT \(unsafeRaw: Self.organizationColumns) FROM organizations o
                JOIN municipalities m ON m.id = o.municipality_id WHERE o.id IN \(Self.ids(chunk))
                """).all().map(Self.organization(from:))
        }
        return found
    }

    public func organization(communityID: CommunityID) async throws -> Organization? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.organizationColumns) FROM organizations o
            JOIN municipalities m ON m.id = o.municipality_id WHERE o.community_id = \(bind: communityID.value)
            """).first().map(Self.organization(from:))
    }

    /// An organization in `municipality` with the same folded full name, if any.
    public func organization(named fullName: String, in municipality: MunicipalityID) async throws -> Organization? {
        let folded = SearchText.fold(fullName)
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.organizationColumns) FROM organizations o
            JOIN municipalities m ON m.id = o.municipality_id WHERE o.municipality_id = \(bind: municipality.rawValue)
            """).all()
        return try rows.map(Self.organization(from:)).first { SearchText.fold($0.profile.fullName) == folded }
    }

    public func updateOrganizationProfile(_ id: OrganizationID, _ profile: OrganizationProfile, now: Date) async throws {
        try await sql.raw("""
            UPDATE organizations SET kind = \(bind: profile.kind.rawValue), full_name = \(bind: profile.fullName),
                short_name = \(bind: profile.shortName), address = \(bind: profile.address),
                contact_phone = \(bind: profile.contactPhone), email = \(bind: profile.email),
                website = \(bind: profile.website), time_zone = \(bind: profile.timeZone),
                search_text = \(bind: profile.searchText), updated_at = \(bind: now.millis)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    /// Organizations whose folded names contain every word of `words`, optionally in one region or
    /// municipality, sorted by short name.
    public func searchOrganizations(
        words: [String], region: RegionID?, municipality: MunicipalityID?, page: PageRequest
    ) async throws -> Page<Organization> {
        var conditions: [any SQLExpression] = [SQLRaw("1 = 1")]
        for word in words {
            conditions.append(SQLQueryString("o.search_text LIKE \(bind: SearchText.containsPattern(word)) ESCAPE '\\'"))
        }
        if let region { conditions.append(SQLQueryString("m.region_id = \(bind: region.rawValue)")) }
        if let municipality { conditions.append(SQLQueryString("o.municipality_id = \(bind: municipality.rawValue)")) }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("""
            SELECT COUNT(*) AS n FROM organizations o JOIN municipalities m ON m.id = o.municipality_id WHERE \(predicate)
            """).first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.organizationColumns) FROM organizations o
            JOIN municipalities m ON m.id = o.municipality_id WHERE \(predicate)
            ORDER BY o.search_text, o.id LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        return Page(items: try rows.map(Self.organization(from:)), page: page.page, perPage: page.perPage, total: total)
    }
}
