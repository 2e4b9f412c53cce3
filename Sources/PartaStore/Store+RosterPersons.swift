public import Foundation
public import PartaDomain
import SQLKit

/// A filter for the roster's people list.
public struct PersonFilter: Sendable, Equatable {
    public var role: RosterRole?
    /// Students in this class on `date`.
    public var classID: ClassID?
    public var date: LocalDate?
    /// Words of the name (folded).
    public var words: [String]
    public var active: Bool?
    public var linked: Bool?

    public init(
        role: RosterRole? = nil, classID: ClassID? = nil, date: LocalDate? = nil, words: [String] = [],
        active: Bool? = nil, linked: Bool? = nil
    ) {
        self.role = role
        self.classID = classID
        self.date = date
        self.words = words
        self.active = active
        self.linked = linked
    }
}

extension Store {
    static let personColumnNames = """
        id, organization_id, role, surname, given_name, patronymic, gender, birth_date, external_id, account_id, active,
        position, parents_committee, student_council
        """
    static let personColumns = personColumnNames.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .joined(separator: ", ")

    static func person(from row: any SQLRow) throws -> RosterPerson {
        RosterPerson(
            id: try row.id("id"), organizationID: try row.id("organization_id"),
            role: RosterRole(rawValue: try row.string("role")) ?? .employee,
            name: PersonName(
                surname: try row.string("surname"), givenName: try row.string("given_name"),
                patronymic: try row.string("patronymic")),
            gender: Gender(rawValue: try row.string("gender")) ?? .unspecified,
            birthDate: try row.optionalLocalDate("birth_date"), externalID: try row.optionalString("external_id"),
            accountID: try row.optionalID("account_id"), active: try row.bool("active"), position: try row.string("position"),
            parentsCommittee: try row.bool("parents_committee"), studentCouncil: try row.bool("student_council"))
    }

    public func insertPerson(
        organization: OrganizationID, role: RosterRole, name: PersonName, gender: Gender, birthDate: LocalDate?,
        externalID: String?, active: Bool = true, now: Date
    ) async throws -> RosterPerson {
        let row = try await sql.raw("""
            INSERT INTO roster_persons (organization_id, role, surname, given_name, patronymic, gender, birth_date,
                external_id, active, search_name, created_at, updated_at)
            VALUES (\(bind: organization.rawValue), \(bind: role.rawValue), \(bind: name.surname), \(bind: name.givenName),
                \(bind: name.patronymic), \(bind: gender.rawValue), \(bind: birthDate?.iso), \(bind: externalID), \(bind: active),
                \(bind: SearchText.fold(name.full)), \(bind: now.millis), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.personColumnNames)
            """).first()
        return try Self.person(from: row!)
    }

    public func person(_ id: RosterPersonID, in organization: OrganizationID) async throws -> RosterPerson? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p
            WHERE p.id = \(bind: id.rawValue) AND p.organization_id = \(bind: organization.rawValue)
            """).first().map(Self.person(from:))
    }

    public func person(externalID: String, in organization: OrganizationID) async throws -> RosterPerson? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p
            WHERE p.external_id = \(bind: externalID) AND p.organization_id = \(bind: organization.rawValue)
            """).first().map(Self.person(from:))
    }

    /// People by id, only those of `organization`.
    public func persons(_ ids: [RosterPersonID], in organization: OrganizationID) async throws -> [RosterPersonID: RosterPerson] {
        guard !ids.isEmpty else { return [:] }
        var result: [RosterPersonID: RosterPerson] = [:]
        for chunk in ids.chunked(500) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p
                WHERE p.organization_id = \(bind: organization.rawValue)
                  AND p.id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let person = try Self.person(from: row)
                result[person.id] = person
            }
        }
        return result
    }

    /// Every person of an organization (imports compare the whole roster with a file).
    public func allPersons(of organization: OrganizationID) async throws -> [RosterPerson] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p WHERE p.organization_id = \(bind: organization.rawValue)
            """).all().map(Self.person(from:))
    }

    public func updatePerson(_ person: RosterPerson, now: Date) async throws {
        try await sql.raw("""
            UPDATE roster_persons SET role = \(bind: person.role.rawValue), surname = \(bind: person.name.surname),
                given_name = \(bind: person.name.givenName), patronymic = \(bind: person.name.patronymic),
                gender = \(bind: person.gender.rawValue), birth_date = \(bind: person.birthDate?.iso),
                external_id = \(bind: person.externalID), active = \(bind: person.active), position = \(bind: person.position),
                parents_committee = \(bind: person.parentsCommittee), student_council = \(bind: person.studentCouncil),
                search_name = \(bind: SearchText.fold(person.name.full)), updated_at = \(bind: now.millis)
            WHERE id = \(bind: person.id.rawValue)
            """).run()
    }

    public func deletePerson(_ id: RosterPersonID) async throws {
        try await sql.raw("DELETE FROM roster_persons WHERE id = \(bind: id.rawValue)").run()
    }

    public func setAccount(_ account: AccountID?, for person: RosterPersonID, now: Date) async throws {
        try await sql.raw("""
            UPDATE roster_persons SET account_id = \(bind: account?.rawValue), updated_at = \(bind: now.millis)
            WHERE id = \(bind: person.rawValue)
            """).run()
    }

    /// The roster persons linked to an account, in every organization.
    public func persons(linkedTo account: AccountID) async throws -> [RosterPerson] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p WHERE p.account_id = \(bind: account.rawValue)
            ORDER BY p.organization_id, p.id
            """).all().map(Self.person(from:))
    }

    /// One page of people, by name.
    public func listPersons(of organization: OrganizationID, filter: PersonFilter, page: PageRequest) async throws -> Page<RosterPerson> {
        var conditions: [any SQLExpression] = [SQLQueryString("p.organization_id = \(bind: organization.rawValue)")]
        if let role = filter.role { conditions.append(SQLQueryString("p.role = \(bind: role.rawValue)")) }
        if let active = filter.active { conditions.append(SQLQueryString("p.active = \(bind: active)")) }
        if let linked = filter.linked {
            conditions.append(SQLRaw(linked ? "p.account_id IS NOT NULL" : "p.account_id IS NULL"))
        }
        for word in filter.words {
            conditions.append(SQLQueryString("p.search_name LIKE \(bind: SearchText.containsPattern(word)) ESCAPE '\\'"))
        }
        if let classID = filter.classID {
            let date = (filter.date ?? LocalDate(year: 2000, month: 1, day: 1)!).iso
            conditions.append(SQLQueryString("""
                p.id IN (SELECT student_id FROM enrollment_periods WHERE class_id = \(bind: classID.rawValue)
                  AND start_date <= \(bind: date) AND (end_date IS NULL OR end_date > \(bind: date)))
                """))
        }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM roster_persons p WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p WHERE \(predicate)
            ORDER BY p.search_name, p.id LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        return Page(items: try rows.map(Self.person(from:)), page: page.page, perPage: page.perPage, total: total)
    }

    /// What refers to a person besides guardianships: orders, assignments, homerooms.
    public func personReferences(_ id: RosterPersonID) async throws -> Int {
        let orders = try await sql.raw("SELECT COUNT(*) AS n FROM movement_orders WHERE student_id = \(bind: id.rawValue)").first()!.int("n")
        let assignments = try await sql.raw("SELECT COUNT(*) AS n FROM teaching_assignments WHERE teacher_id = \(bind: id.rawValue)").first()!.int("n")
        let homerooms = try await sql.raw("SELECT COUNT(*) AS n FROM classes WHERE homeroom_teacher_id = \(bind: id.rawValue)").first()!.int("n")
        let lessons = try await sql.raw("SELECT COUNT(*) AS n FROM lessons WHERE teacher_id = \(bind: id.rawValue)").first()!.int("n")
        return orders + assignments + homerooms + lessons
    }

    // MARK: Guardianships

    @discardableResult
    public func addGuardianship(organization: OrganizationID, parent: RosterPersonID, student: RosterPersonID, now: Date) async throws -> Bool {
        let exists = try await sql.raw("""
            SELECT 1 AS one FROM guardianships WHERE parent_id = \(bind: parent.rawValue) AND student_id = \(bind: student.rawValue)
            """).first() != nil
        guard !exists else { return false }
        try await sql.raw("""
            INSERT INTO guardianships (organization_id, parent_id, student_id, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: parent.rawValue), \(bind: student.rawValue), \(bind: now.millis))
            """).run()
        return true
    }

    @discardableResult
    public func removeGuardianship(parent: RosterPersonID, student: RosterPersonID) async throws -> Bool {
        try await !sql.raw("""
            DELETE FROM guardianships WHERE parent_id = \(bind: parent.rawValue) AND student_id = \(bind: student.rawValue)
            RETURNING parent_id
            """).all().isEmpty
    }

    public func children(of parent: RosterPersonID) async throws -> [RosterPersonID] {
        try await sql.raw("SELECT student_id FROM guardianships WHERE parent_id = \(bind: parent.rawValue) ORDER BY student_id")
            .all().map { try $0.id("student_id") }
    }

    public func parents(of student: RosterPersonID) async throws -> [RosterPersonID] {
        try await sql.raw("SELECT parent_id FROM guardianships WHERE student_id = \(bind: student.rawValue) ORDER BY parent_id")
            .all().map { try $0.id("parent_id") }
    }

    /// Every guardianship of an organization as (parent, student) pairs.
    public func guardianships(of organization: OrganizationID) async throws -> Set<Guardianship> {
        let rows = try await sql.raw("""
            SELECT parent_id, student_id FROM guardianships WHERE organization_id = \(bind: organization.rawValue)
            """).all()
        return Set(try rows.map { Guardianship(parent: try $0.id("parent_id"), student: try $0.id("student_id")) })
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements (for bounded `IN (…)` lists and batches).
    public func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
