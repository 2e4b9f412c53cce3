public import Foundation
public import PartaDomain
import SQLKit

extension SQLRow {
    func localDate(_ column: String) throws -> LocalDate {
        let text = try string(column)
        guard let date = LocalDate(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad date \(text) in \(column)"))
        }
        return date
    }

    func optionalLocalDate(_ column: String) throws -> LocalDate? {
        try decode(column: column, as: String?.self).flatMap(LocalDate.init(parsing:))
    }

    func optionalString(_ column: String) throws -> String? {
        try decode(column: column, as: String?.self)
    }
}

/// School years, subjects and classes. Every lookup is scoped by organization.
extension Store {
    // MARK: School years

    static func schoolYear(from row: any SQLRow) throws -> SchoolYear {
        SchoolYear(
            id: try row.id("id"), organizationID: try row.id("organization_id"), name: try row.string("name"),
            startDate: try row.localDate("start_date"), endDate: try row.localDate("end_date"))
    }

    public func insertSchoolYear(
        organization: OrganizationID, name: String, start: LocalDate, end: LocalDate, now: Date
    ) async throws -> SchoolYear {
        let row = try await sql.raw("""
            INSERT INTO school_years (organization_id, name, start_date, end_date, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: name), \(bind: start.iso), \(bind: end.iso), \(bind: now.millis))
            RETURNING id, organization_id, name, start_date, end_date
            """).first()
        return try Self.schoolYear(from: row!)
    }

    public func schoolYears(of organization: OrganizationID) async throws -> [SchoolYear] {
        try await sql.raw("""
            SELECT id, organization_id, name, start_date, end_date FROM school_years
            WHERE organization_id = \(bind: organization.rawValue) ORDER BY start_date DESC
            """).all().map(Self.schoolYear(from:))
    }

    public func schoolYear(_ id: SchoolYearID, in organization: OrganizationID) async throws -> SchoolYear? {
        try await sql.raw("""
            SELECT id, organization_id, name, start_date, end_date FROM school_years
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.schoolYear(from:))
    }

    public func schoolYear(named name: String, in organization: OrganizationID) async throws -> SchoolYear? {
        try await sql.raw("""
            SELECT id, organization_id, name, start_date, end_date FROM school_years
            WHERE name = \(bind: name) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.schoolYear(from:))
    }

    public func updateSchoolYearDates(_ id: SchoolYearID, start: LocalDate, end: LocalDate) async throws {
        try await sql.raw("""
            UPDATE school_years SET start_date = \(bind: start.iso), end_date = \(bind: end.iso) WHERE id = \(bind: id.rawValue)
            """).run()
    }

    // MARK: Subjects

    static func subject(from row: any SQLRow) throws -> Subject {
        Subject(
            id: try row.id("id"), organizationID: try row.id("organization_id"), name: try row.string("name"),
            externalID: try row.optionalString("external_id"))
    }

    public func insertSubject(organization: OrganizationID, name: String, externalID: String?, now: Date) async throws -> Subject {
        let row = try await sql.raw("""
            INSERT INTO subjects (organization_id, name, search_name, external_id, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: name), \(bind: SearchText.fold(name)), \(bind: externalID), \(bind: now.millis))
            RETURNING id, organization_id, name, external_id
            """).first()
        return try Self.subject(from: row!)
    }

    public func subjects(of organization: OrganizationID) async throws -> [Subject] {
        try await sql.raw("""
            SELECT id, organization_id, name, external_id FROM subjects WHERE organization_id = \(bind: organization.rawValue)
            ORDER BY search_name
            """).all().map(Self.subject(from:))
    }

    public func subject(_ id: SubjectID, in organization: OrganizationID) async throws -> Subject? {
        try await sql.raw("""
            SELECT id, organization_id, name, external_id FROM subjects
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.subject(from:))
    }

    /// The subject with this name, compared folded (`химия` is `Химия`).
    public func subject(named name: String, in organization: OrganizationID) async throws -> Subject? {
        try await sql.raw("""
            SELECT id, organization_id, name, external_id FROM subjects
            WHERE search_name = \(bind: SearchText.fold(name)) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.subject(from:))
    }

    public func subject(externalID: String, in organization: OrganizationID) async throws -> Subject? {
        try await sql.raw("""
            SELECT id, organization_id, name, external_id FROM subjects
            WHERE external_id = \(bind: externalID) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.subject(from:))
    }

    public func updateSubject(_ id: SubjectID, name: String, externalID: String?) async throws {
        try await sql.raw("""
            UPDATE subjects SET name = \(bind: name), search_name = \(bind: SearchText.fold(name)), external_id = \(bind: externalID)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    public func deleteSubject(_ id: SubjectID) async throws {
        try await sql.raw("DELETE FROM subjects WHERE id = \(bind: id.rawValue)").run()
    }

    public func assignmentCount(subject id: SubjectID) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM teaching_assignments WHERE subject_id = \(bind: id.rawValue)").first()!.int("n")
    }

    // MARK: Classes

    static let classColumns = "id, organization_id, school_year_id, grade, letter, homeroom_teacher_id, external_id"

    static func schoolClass(from row: any SQLRow) throws -> SchoolClass {
        SchoolClass(
            id: try row.id("id"), organizationID: try row.id("organization_id"), schoolYearID: try row.id("school_year_id"),
            label: ClassLabel(grade: try row.int("grade"), letter: try row.string("letter")),
            homeroomTeacherID: try row.optionalID("homeroom_teacher_id"), externalID: try row.optionalString("external_id"))
    }

    public func insertClass(
        organization: OrganizationID, schoolYear: SchoolYearID, label: ClassLabel, homeroomTeacher: RosterPersonID?,
        externalID: String?, now: Date
    ) async throws -> SchoolClass {
        let row = try await sql.raw("""
            INSERT INTO classes (organization_id, school_year_id, grade, letter, homeroom_teacher_id, external_id, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: schoolYear.rawValue), \(bind: label.grade), \(bind: label.letter),
                \(bind: homeroomTeacher?.rawValue), \(bind: externalID), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.classColumns)
            """).first()
        return try Self.schoolClass(from: row!)
    }

    /// Classes of an organization, optionally of one school year and grade, or led by some
    /// homeroom teachers; by grade and letter.
    public func classes(
        of organization: OrganizationID, schoolYear: SchoolYearID? = nil, grade: Int? = nil, homeroomTeachers: Set<RosterPersonID>? = nil
    ) async throws -> [SchoolClass] {
        var conditions: [any SQLExpression] = [SQLQueryString("organization_id = \(bind: organization.rawValue)")]
        if let schoolYear { conditions.append(SQLQueryString("school_year_id = \(bind: schoolYear.rawValue)")) }
        if let grade { conditions.append(SQLQueryString("grade = \(bind: grade)")) }
        if let homeroomTeachers {
            guard !homeroomTeachers.isEmpty else { return [] }
            conditions.append(SQLQueryString("homeroom_teacher_id IN \(Self.ids(homeroomTeachers.sorted()))"))
        }
        return try await sql.raw("""
            SELECT \(unsafeRaw: Self.classColumns) FROM classes WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY school_year_id DESC, grade, letter
            """).all().map(Self.schoolClass(from:))
    }

    public func schoolClass(_ id: ClassID, in organization: OrganizationID) async throws -> SchoolClass? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.classColumns) FROM classes
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.schoolClass(from:))
    }

    public func schoolClass(externalID: String, in organization: OrganizationID) async throws -> SchoolClass? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.classColumns) FROM classes
            WHERE external_id = \(bind: externalID) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.schoolClass(from:))
    }

    public func schoolClass(_ label: ClassLabel, in schoolYear: SchoolYearID) async throws -> SchoolClass? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.classColumns) FROM classes
            WHERE school_year_id = \(bind: schoolYear.rawValue) AND grade = \(bind: label.grade) AND letter = \(bind: label.letter)
            """).first().map(Self.schoolClass(from:))
    }

    public func updateClass(_ id: ClassID, label: ClassLabel, homeroomTeacher: RosterPersonID?, externalID: String?) async throws {
        try await sql.raw("""
            UPDATE classes SET grade = \(bind: label.grade), letter = \(bind: label.letter),
                homeroom_teacher_id = \(bind: homeroomTeacher?.rawValue), external_id = \(bind: externalID)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    public func deleteClass(_ id: ClassID) async throws {
        try await sql.raw("DELETE FROM classes WHERE id = \(bind: id.rawValue)").run()
    }

    /// How many orders and assignments refer to a class (it cannot be deleted while any do).
    public func classReferences(_ id: ClassID) async throws -> Int {
        let orders = try await sql.raw("SELECT COUNT(*) AS n FROM movement_orders WHERE class_id = \(bind: id.rawValue)").first()!.int("n")
        let assignments = try await sql.raw("SELECT COUNT(*) AS n FROM teaching_assignments WHERE class_id = \(bind: id.rawValue)").first()!.int("n")
        let lessons = try await sql.raw("SELECT COUNT(*) AS n FROM lessons WHERE class_id = \(bind: id.rawValue)").first()!.int("n")
        return orders + assignments + lessons
    }

    /// The students in a class on a date, from the derived enrollment periods.
    public func students(in classID: ClassID, on date: LocalDate) async throws -> [RosterPersonID] {
        try await sql.raw("""
            SELECT student_id FROM enrollment_periods
            WHERE class_id = \(bind: classID.rawValue) AND start_date <= \(bind: date.iso)
              AND (end_date IS NULL OR end_date > \(bind: date.iso))
            ORDER BY student_id
            """).all().map { try $0.id("student_id") }
    }

    /// How many students each class has on a date.
    public func classSizes(of organization: OrganizationID, on date: LocalDate) async throws -> [ClassID: Int] {
        let rows = try await sql.raw("""
            SELECT p.class_id, COUNT(*) AS n FROM enrollment_periods p JOIN classes c ON c.id = p.class_id
            WHERE c.organization_id = \(bind: organization.rawValue) AND p.start_date <= \(bind: date.iso)
              AND (p.end_date IS NULL OR p.end_date > \(bind: date.iso))
            GROUP BY p.class_id
            """).all()
        var sizes: [ClassID: Int] = [:]
        for row in rows { sizes[try row.id("class_id")] = try row.int("n") }
        return sizes
    }
}
