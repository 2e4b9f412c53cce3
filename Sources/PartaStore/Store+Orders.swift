public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    static let orderColumns = "id, organization_id, student_id, kind, class_id, effective_date, external_id, cancelled_at"

    static func order(from row: any SQLRow) throws -> MovementOrder {
        MovementOrder(
            id: try row.id("id"), organizationID: try row.id("organization_id"), studentID: try row.id("student_id"),
            kind: MovementOrder.Kind(rawValue: try row.string("kind")) ?? .enrollment, classID: try row.id("class_id"),
            effectiveDate: try row.localDate("effective_date"), externalID: try row.optionalString("external_id"),
            cancelled: try row.optionalInt64("cancelled_at") != nil)
    }

    public func insertOrder(
        organization: OrganizationID, student: RosterPersonID, kind: MovementOrder.Kind, classID: ClassID, date: LocalDate,
        externalID: String?, source: String, now: Date
    ) async throws -> MovementOrder {
        let row = try await sql.raw("""
            INSERT INTO movement_orders (organization_id, student_id, kind, class_id, effective_date, external_id, source, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: student.rawValue), \(bind: kind.rawValue), \(bind: classID.rawValue),
                \(bind: date.iso), \(bind: externalID), \(bind: source), \(bind: now.millis))
            RETURNING \(unsafeRaw: Self.orderColumns)
            """).first()
        return try Self.order(from: row!)
    }

    /// Every order of a student, cancelled ones included.
    public func orders(of student: RosterPersonID) async throws -> [MovementOrder] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.orderColumns) FROM movement_orders WHERE student_id = \(bind: student.rawValue)
            ORDER BY effective_date, id
            """).all().map(Self.order(from:))
    }

    /// Every order of an organization grouped by student (imports compare whole timelines).
    public func allOrders(of organization: OrganizationID) async throws -> [RosterPersonID: [MovementOrder]] {
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.orderColumns) FROM movement_orders WHERE organization_id = \(bind: organization.rawValue)
            ORDER BY student_id, effective_date, id
            """).all()
        var result: [RosterPersonID: [MovementOrder]] = [:]
        for row in rows {
            let order = try Self.order(from: row)
            result[order.studentID, default: []].append(order)
        }
        return result
    }

    public func order(_ id: OrderID, in organization: OrganizationID) async throws -> MovementOrder? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.orderColumns) FROM movement_orders
            WHERE id = \(bind: id.rawValue) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.order(from:))
    }

    public func order(externalID: String, in organization: OrganizationID) async throws -> MovementOrder? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.orderColumns) FROM movement_orders
            WHERE external_id = \(bind: externalID) AND organization_id = \(bind: organization.rawValue)
            """).first().map(Self.order(from:))
    }

    public func cancelOrder(_ id: OrderID, now: Date) async throws {
        try await sql.raw("""
            UPDATE movement_orders SET cancelled_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue) AND cancelled_at IS NULL
            """).run()
    }

    /// Orders, newest effective date first, for one student or class.
    public func listOrders(
        of organization: OrganizationID, student: RosterPersonID?, classID: ClassID?, page: PageRequest
    ) async throws -> Page<MovementOrder> {
        var conditions: [any SQLExpression] = [SQLQueryString("organization_id = \(bind: organization.rawValue)")]
        if let student { conditions.append(SQLQueryString("student_id = \(bind: student.rawValue)")) }
        if let classID { conditions.append(SQLQueryString("class_id = \(bind: classID.rawValue)")) }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM movement_orders WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.orderColumns) FROM movement_orders WHERE \(predicate)
            ORDER BY effective_date DESC, id DESC LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        return Page(items: try rows.map(Self.order(from:)), page: page.page, perPage: page.perPage, total: total)
    }

    // MARK: Derived enrollment periods

    public func enrollmentPeriods(of student: RosterPersonID) async throws -> [EnrollmentPeriod] {
        try await sql.raw("""
            SELECT class_id, start_date, end_date FROM enrollment_periods WHERE student_id = \(bind: student.rawValue)
            ORDER BY start_date
            """).all().map {
            EnrollmentPeriod(classID: try $0.id("class_id"), start: try $0.localDate("start_date"), end: try $0.optionalLocalDate("end_date"))
        }
    }

    /// Rewrites a student's derived periods (in the transaction that changed their orders).
    public func replaceEnrollmentPeriods(of student: RosterPersonID, with periods: [EnrollmentPeriod]) async throws {
        try await sql.raw("DELETE FROM enrollment_periods WHERE student_id = \(bind: student.rawValue)").run()
        guard !periods.isEmpty else { return }
        let rows = periods.map {
            SQLGroupExpression([SQLBind(student.rawValue), SQLBind($0.classID.rawValue), SQLBind($0.start.iso), SQLBind($0.end?.iso)])
        }
        try await sql.raw("INSERT INTO enrollment_periods (student_id, class_id, start_date, end_date) VALUES \(SQLList(rows))").run()
    }
}
