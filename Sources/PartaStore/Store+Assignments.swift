public import Foundation
public import PartaDomain
import SQLKit

extension Store {
    static let assignmentColumns = "id, organization_id, teacher_id, subject_id, class_id, group_name, external_id"

    public func insertAssignment(
        organization: OrganizationID, teacher: RosterPersonID, subject: SubjectID, classID: ClassID, group: String,
        externalID: String?, now: Date
    ) async throws -> AssignmentID {
        try await sql.raw("""
            INSERT INTO teaching_assignments (organization_id, teacher_id, subject_id, class_id, group_name, external_id, created_at)
            VALUES (\(bind: organization.rawValue), \(bind: teacher.rawValue), \(bind: subject.rawValue), \(bind: classID.rawValue),
                \(bind: group), \(bind: externalID), \(bind: now.millis))
            RETURNING id
            """).first()!.id("id")
    }

    public func updateAssignment(
        _ id: AssignmentID, teacher: RosterPersonID, subject: SubjectID, classID: ClassID, group: String, externalID: String?
    ) async throws {
        try await sql.raw("""
            UPDATE teaching_assignments SET teacher_id = \(bind: teacher.rawValue), subject_id = \(bind: subject.rawValue),
                class_id = \(bind: classID.rawValue), group_name = \(bind: group), external_id = \(bind: externalID)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    /// Replaces the students of a group.
    public func setAssignmentStudents(_ id: AssignmentID, _ students: [RosterPersonID]) async throws {
        try await sql.raw("DELETE FROM assignment_students WHERE assignment_id = \(bind: id.rawValue)").run()
        for chunk in Array(Set(students)).sorted().chunked(400) {
            let rows = chunk.map { SQLGroupExpression([SQLBind(id.rawValue), SQLBind($0.rawValue)]) }
            try await sql.raw("""
                INSERT INTO assignment_students (assignment_id, student_id) VALUES \(SQLList(rows))
                """).run()
        }
    }

    public func deleteAssignment(_ id: AssignmentID) async throws {
        try await sql.raw("DELETE FROM teaching_assignments WHERE id = \(bind: id.rawValue)").run()
    }

    /// Assignments with their group students, filtered by class, teacher or subject.
    public func assignments(
        of organization: OrganizationID, classID: ClassID? = nil, teacher: RosterPersonID? = nil, subject: SubjectID? = nil,
        ids: [AssignmentID]? = nil, classIDs: Set<ClassID>? = nil, teachers: Set<RosterPersonID>? = nil
    ) async throws -> [TeachingAssignment] {
        var conditions: [any SQLExpression] = [SQLQueryString("organization_id = \(bind: organization.rawValue)")]
        if let classID { conditions.append(SQLQueryString("class_id = \(bind: classID.rawValue)")) }
        if let teacher { conditions.append(SQLQueryString("teacher_id = \(bind: teacher.rawValue)")) }
        if let subject { conditions.append(SQLQueryString("subject_id = \(bind: subject.rawValue)")) }
        if let ids {
            guard !ids.isEmpty else { return [] }
            conditions.append(SQLQueryString("id IN \(Self.ids(ids))"))
        }
        if let classIDs {
            guard !classIDs.isEmpty else { return [] }
            conditions.append(SQLQueryString("class_id IN \(Self.ids(classIDs.sorted()))"))
        }
        if let teachers {
            guard !teachers.isEmpty else { return [] }
            conditions.append(SQLQueryString("teacher_id IN \(Self.ids(teachers.sorted()))"))
        }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.assignmentColumns) FROM teaching_assignments WHERE \(predicate) ORDER BY class_id, subject_id, group_name, id
            """).all()
        var assignments = try rows.map { row in
            TeachingAssignment(
                id: try row.id("id"), organizationID: try row.id("organization_id"), teacherID: try row.id("teacher_id"),
                subjectID: try row.id("subject_id"), classID: try row.id("class_id"), group: try row.string("group_name"),
                studentIDs: [], externalID: try row.optionalString("external_id"))
        }
        let grouped = assignments.filter(\.isGroup).map(\.id)
        var students: [AssignmentID: [RosterPersonID]] = [:]
        for chunk in grouped.chunked(500) {
            let memberRows = try await sql.raw("""
                SELECT assignment_id, student_id FROM assignment_students
                WHERE assignment_id IN \(Self.ids(chunk)) ORDER BY student_id
                """).all()
            for row in memberRows { students[try row.id("assignment_id"), default: []].append(try row.id("student_id")) }
        }
        for index in assignments.indices { assignments[index].studentIDs = students[assignments[index].id] ?? [] }
        return assignments
    }

    public func assignment(_ id: AssignmentID, in organization: OrganizationID) async throws -> TeachingAssignment? {
        try await assignments(of: organization, ids: [id]).first
    }

    public func assignment(externalID: String, in organization: OrganizationID) async throws -> TeachingAssignment? {
        guard let row = try await sql.raw("""
            SELECT id FROM teaching_assignments WHERE external_id = \(bind: externalID) AND organization_id = \(bind: organization.rawValue)
            """).first() else { return nil }
        return try await assignment(try row.id("id"), in: organization)
    }
}
