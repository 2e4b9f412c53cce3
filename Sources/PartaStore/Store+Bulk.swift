public import Foundation
public import PartaDomain
import SQLKit

/// Many rows per statement, for imports: each call writes one chunk, inside the caller's transaction.
extension Store {
    public func insertPersons(_ persons: [RosterDataset.Person], organization: OrganizationID, now: Date) async throws {
        for chunk in persons.chunked(200) {
            let rows = chunk.map { p in
                SQLGroupExpression([
                    SQLBind(organization.rawValue), SQLBind(p.role.rawValue), SQLBind(p.name.surname), SQLBind(p.name.givenName),
                    SQLBind(p.name.patronymic), SQLBind(p.gender.rawValue), SQLBind(p.birthDate?.iso), SQLBind(p.externalID),
                    SQLBind(true), SQLBind(SearchText.fold(p.name.full)), SQLBind(now.millis), SQLBind(now.millis), SQLBind(p.position ?? ""),
                ])
            }
            try await sql.raw("""
                INSERT INTO roster_persons (organization_id, role, surname, given_name, patronymic, gender, birth_date,
                    external_id, active, search_name, created_at, updated_at, position)
                VALUES \(SQLList(rows))
                """).run()
        }
    }

    /// External id → person id for every person of an organization that has one.
    public func personIDsByExternalID(of organization: OrganizationID) async throws -> [String: RosterPersonID] {
        let rows = try await sql.raw("""
            SELECT id, external_id FROM roster_persons WHERE organization_id = \(bind: organization.rawValue) AND external_id IS NOT NULL
            """).all()
        var result: [String: RosterPersonID] = [:]
        for row in rows { result[try row.string("external_id")] = try row.id("id") }
        return result
    }

    public func classIDsByExternalID(of organization: OrganizationID) async throws -> [String: ClassID] {
        let rows = try await sql.raw("""
            SELECT id, external_id FROM classes WHERE organization_id = \(bind: organization.rawValue) AND external_id IS NOT NULL
            """).all()
        var result: [String: ClassID] = [:]
        for row in rows { result[try row.string("external_id")] = try row.id("id") }
        return result
    }

    public func setActive(_ ids: [RosterPersonID], _ active: Bool, now: Date) async throws {
        for chunk in ids.chunked(400) {
            try await sql.raw("""
                UPDATE roster_persons SET active = \(bind: active), updated_at = \(bind: now.millis)
                WHERE id IN \(Self.ids(chunk))
                """).run()
        }
    }

    public func insertGuardianships(_ pairs: [Guardianship], organization: OrganizationID, now: Date) async throws {
        for chunk in pairs.chunked(300) {
            let rows = chunk.map {
                SQLGroupExpression([SQLBind(organization.rawValue), SQLBind($0.parent.rawValue), SQLBind($0.student.rawValue), SQLBind(now.millis)])
            }
            try await sql.raw("INSERT INTO guardianships (organization_id, parent_id, student_id, created_at) VALUES \(SQLList(rows))").run()
        }
    }

    /// Inserts orders (already checked by the import planner), in the given order.
    public func insertOrders(
        _ orders: [(student: RosterPersonID, kind: MovementOrder.Kind, classID: ClassID, date: LocalDate, externalID: String)],
        organization: OrganizationID, source: String, now: Date
    ) async throws {
        for chunk in orders.chunked(150) {
            let rows = chunk.map { o in
                SQLGroupExpression([
                    SQLBind(organization.rawValue), SQLBind(o.student.rawValue), SQLBind(o.kind.rawValue), SQLBind(o.classID.rawValue),
                    SQLBind(o.date.iso), SQLBind(o.externalID), SQLBind(source), SQLBind(now.millis),
                ])
            }
            try await sql.raw("""
                INSERT INTO movement_orders (organization_id, student_id, kind, class_id, effective_date, external_id, source, created_at)
                VALUES \(SQLList(rows))
                """).run()
        }
    }

    public func cancelOrders(_ ids: [OrderID], now: Date) async throws {
        for chunk in ids.chunked(400) {
            try await sql.raw("""
                UPDATE movement_orders SET cancelled_at = \(bind: now.millis)
                WHERE cancelled_at IS NULL AND id IN \(Self.ids(chunk))
                """).run()
        }
    }

    /// The orders of several students, cancelled ones included.
    public func orders(of students: [RosterPersonID]) async throws -> [RosterPersonID: [MovementOrder]] {
        var result: [RosterPersonID: [MovementOrder]] = [:]
        for chunk in students.chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.orderColumns) FROM movement_orders
                WHERE student_id IN \(Self.ids(chunk)) ORDER BY student_id, effective_date, id
                """).all()
            for row in rows {
                let order = try Self.order(from: row)
                result[order.studentID, default: []].append(order)
            }
        }
        return result
    }

    /// The derived periods of several students.
    public func enrollmentPeriods(of students: [RosterPersonID]) async throws -> [RosterPersonID: [EnrollmentPeriod]] {
        var result: [RosterPersonID: [EnrollmentPeriod]] = [:]
        for chunk in students.chunked(400) {
            let rows = try await sql.raw("""
                SELECT student_id, class_id, start_date, end_date FROM enrollment_periods
                WHERE student_id IN \(Self.ids(chunk)) ORDER BY start_date
                """).all()
            for row in rows {
                result[try row.id("student_id"), default: []].append(EnrollmentPeriod(
                    classID: try row.id("class_id"), start: try row.localDate("start_date"), end: try row.optionalLocalDate("end_date")))
            }
        }
        return result
    }

    /// Replaces the derived periods of several students at once.
    public func replaceEnrollmentPeriods(_ periods: [RosterPersonID: [EnrollmentPeriod]]) async throws {
        let students = Array(periods.keys)
        for chunk in students.chunked(400) {
            try await sql.raw("DELETE FROM enrollment_periods WHERE student_id IN \(Self.ids(chunk))").run()
        }
        let rows = periods.flatMap { student, list in list.map { (student, $0) } }
        for chunk in rows.chunked(200) {
            let values = chunk.map { student, p in
                SQLGroupExpression([SQLBind(student.rawValue), SQLBind(p.classID.rawValue), SQLBind(p.start.iso), SQLBind(p.end?.iso)])
            }
            try await sql.raw("INSERT INTO enrollment_periods (student_id, class_id, start_date, end_date) VALUES \(SQLList(values))").run()
        }
    }

    /// The guardianships in which any of `persons` is the parent or the student.
    public func guardianships(involving persons: [RosterPersonID]) async throws -> Set<Guardianship> {
        var result = Set<Guardianship>()
        for chunk in persons.chunked(400) {
            let ids = Self.ids(chunk)
            let rows = try await sql.raw("""
                SELECT parent_id, student_id FROM guardianships WHERE parent_id IN \(ids) OR student_id IN \(ids)
                """).all()
            for row in rows { result.insert(Guardianship(parent: try row.id("parent_id"), student: try row.id("student_id"))) }
        }
        return result
    }
}
