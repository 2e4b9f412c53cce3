import Foundation
import Logging
public import PartaDomain
import PartaStore

/// What a teaching assignment is made of.
public struct AssignmentInput: Sendable, Equatable {
    public var teacher: RosterPersonID
    public var subject: SubjectID
    public var classID: ClassID
    /// Empty for the whole class; a name such as `Англ.яз/1` for a group of it.
    public var group: String
    /// The group's students (only with a group).
    public var students: [RosterPersonID]
    public var externalID: String?

    public init(
        teacher: RosterPersonID, subject: SubjectID, classID: ClassID, group: String = "", students: [RosterPersonID] = [],
        externalID: String? = nil
    ) {
        self.teacher = teacher
        self.subject = subject
        self.classID = classID
        self.group = group
        self.students = students
        self.externalID = externalID
    }
}

/// Teaching assignments and movement orders.
extension Parta {
    // MARK: Teaching assignments

    /// Checks an assignment's parts against the organization's roster.
    func checkAssignment(_ input: AssignmentInput, organization: OrganizationID, in store: Store) async throws -> AssignmentInput {
        var input = input
        input.group = try TeachingAssignment.checkGroup(input.group)
        input.externalID = try RosterPerson.checkExternalID(input.externalID)
        try await requireRole(.teacher, input.teacher, organization: organization, in: store)
        guard try await store.subject(input.subject, in: organization) != nil else { throw PartaError.notFound("The subject") }
        guard try await store.schoolClass(input.classID, in: organization) != nil else { throw PartaError.notFound("The class") }
        try TeachingAssignment.checkStudents(group: input.group, studentCount: input.students.count)
        if !input.group.isEmpty {
            let students = try await store.persons(input.students, in: organization)
            for id in input.students {
                guard let student = students[id] else { throw PartaError.notFound("The student \(id)") }
                guard student.role == .student else {
                    throw PartaError.invalid("wrong_role", "\(student.name.full) is a \(student.role.rawValue), not a student.")
                }
            }
            input.students = Array(Set(input.students)).sorted()
        }
        return input
    }

    public func createAssignment(_ caller: Caller, organization: OrganizationID, _ raw: AssignmentInput) async throws -> AssignmentView {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            let input = try await checkAssignment(raw, organization: organization, in: store)
            if let externalID = input.externalID, try await store.assignment(externalID: externalID, in: organization) != nil {
                throw Self.externalIDTaken(externalID)
            }
            let id = try await store.insertAssignment(
                organization: organization, teacher: input.teacher, subject: input.subject, classID: input.classID,
                group: input.group, externalID: input.externalID, now: clock.now())
            if !input.students.isEmpty { try await store.setAssignmentStudents(id, input.students) }
            try await apply([.assignmentChanged(id, classID: input.classID)], organization: organization, in: store)
            try await audit(store, caller, .assignmentCreated, organization: organization, target: ("assignment", "\(id)"),
                            details: ["class": "\(input.classID)", "subject": "\(input.subject)", "teacher": "\(input.teacher)"])
            return try await assignmentViews(try await store.assignments(of: organization, ids: [id]), organization: organization, in: store)[0]
        }
    }

    public func updateAssignment(
        _ caller: Caller, organization: OrganizationID, id: AssignmentID, _ raw: AssignmentInput
    ) async throws -> AssignmentView {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let before = try await store.assignment(id, in: organization) else { throw PartaError.notFound("The assignment") }
            let input = try await checkAssignment(raw, organization: organization, in: store)
            if let externalID = input.externalID, let other = try await store.assignment(externalID: externalID, in: organization), other.id != id {
                throw Self.externalIDTaken(externalID)
            }
            try await store.updateAssignment(
                id, teacher: input.teacher, subject: input.subject, classID: input.classID, group: input.group, externalID: input.externalID)
            try await store.setAssignmentStudents(id, input.students)
            var events: [RosterEvent] = [.assignmentChanged(id, classID: input.classID)]
            if before.classID != input.classID { events.append(.assignmentRemoved(id, classID: before.classID)) }
            try await apply(events, organization: organization, in: store)
            try await audit(store, caller, .assignmentUpdated, organization: organization, target: ("assignment", "\(id)"),
                            details: ["class": "\(input.classID)", "subject": "\(input.subject)", "teacher": "\(input.teacher)"])
            return try await assignmentViews(try await store.assignments(of: organization, ids: [id]), organization: organization, in: store)[0]
        }
    }

    public func deleteAssignment(_ caller: Caller, organization: OrganizationID, id: AssignmentID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let assignment = try await store.assignment(id, in: organization) else { throw PartaError.notFound("The assignment") }
            try await store.deleteAssignment(id)
            try await apply([.assignmentRemoved(id, classID: assignment.classID)], organization: organization, in: store)
            try await audit(store, caller, .assignmentDeleted, organization: organization, target: ("assignment", "\(id)"),
                            details: ["class": "\(assignment.classID)", "subject": "\(assignment.subjectID)"])
        }
    }

    public func assignments(
        _ caller: Caller, organization: OrganizationID, classID: ClassID? = nil, teacher: RosterPersonID? = nil, subject: SubjectID? = nil
    ) async throws -> [AssignmentView] {
        try await database.read { store in
            try await rosterAccess(caller, organization, write: false, in: store)
            let found = try await store.assignments(of: organization, classID: classID, teacher: teacher, subject: subject)
            return try await assignmentViews(found, organization: organization, in: store)
        }
    }

    func assignmentViews(_ assignments: [TeachingAssignment], organization: OrganizationID, in store: Store) async throws -> [AssignmentView] {
        let teachers = try await store.persons(Array(Set(assignments.map(\.teacherID))), in: organization)
        let subjects = Dictionary(uniqueKeysWithValues: try await store.subjects(of: organization).map { ($0.id, $0) })
        let classes = Dictionary(uniqueKeysWithValues: try await store.classes(of: organization).map { ($0.id, $0) })
        return assignments.compactMap { a in
            guard let teacher = teachers[a.teacherID], let subject = subjects[a.subjectID], let c = classes[a.classID] else { return nil }
            return AssignmentView(assignment: a, teacher: teacher, subject: subject, schoolClass: c)
        }
    }

    // MARK: Movement orders

    /// Records an enrollment or a withdrawal, checked against the student's other orders and the
    /// class's school year, and updates where the student is on every date.
    public func createOrder(
        _ caller: Caller, organization: OrganizationID, student: RosterPersonID, kind: MovementOrder.Kind, classID: ClassID,
        date: LocalDate, externalID rawExternal: String? = nil, source: String = "manual"
    ) async throws -> OrderView {
        let externalID = try RosterPerson.checkExternalID(rawExternal)
        return try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            try await lockRoster(organization, in: store)
            return try await insertAuditedOrder(
                caller, organization: organization, student: student, kind: kind, classID: classID, date: date,
                externalID: externalID, source: source, in: store)
        }
    }

    /// `insertOrder` with its audit entry, for a person's action (the API, accepting a join request).
    func insertAuditedOrder(
        _ caller: Caller, organization: OrganizationID, student: RosterPersonID, kind: MovementOrder.Kind, classID: ClassID,
        date: LocalDate, externalID: String?, source: String, in store: Store
    ) async throws -> OrderView {
        let (order, view) = try await insertOrder(
            organization: organization, student: student, kind: kind, classID: classID, date: date,
            externalID: externalID, source: source, in: store)
        try await audit(store, caller, .orderCreated, organization: organization, target: ("order", "\(order.id)"),
                        details: ["kind": kind.rawValue, "student": "\(student)", "class": view.schoolClass.name, "date": date.iso])
        return view
    }

    /// The checked insertion shared by the API, imports and the integration.
    func insertOrder(
        organization: OrganizationID, student: RosterPersonID, kind: MovementOrder.Kind, classID: ClassID, date: LocalDate,
        externalID: String?, source: String, in store: Store
    ) async throws -> (MovementOrder, OrderView) {
        let person = try await requireRole(.student, student, organization: organization, in: store)
        guard let schoolClass = try await store.schoolClass(classID, in: organization) else { throw PartaError.notFound("The class") }
        guard let year = try await store.schoolYear(schoolClass.schoolYearID, in: organization) else { throw PartaError.notFound("The school year") }
        if let externalID, try await store.order(externalID: externalID, in: organization) != nil {
            throw Self.externalIDTaken(externalID)
        }
        let existing = try await store.orders(of: student)
        try EnrollmentTimeline.checkNewOrder(
            kind: kind, classID: classID, className: schoolClass.name, date: date, schoolYear: year, existing: existing)
        let order = try await store.insertOrder(
            organization: organization, student: student, kind: kind, classID: classID, date: date,
            externalID: externalID, source: source, now: clock.now())
        let affected = try await recomputeEnrollment(of: student, in: store)
        try await apply([.enrollmentChanged(student: student, classes: affected)], organization: organization, in: store)
        return (order, OrderView(order: order, student: person, schoolClass: schoolClass))
    }

    /// Cancels an order, which undoes exactly its effect.
    public func cancelOrder(_ caller: Caller, organization: OrganizationID, id: OrderID) async throws -> OrderView {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let order = try await store.order(id, in: organization) else { throw PartaError.notFound("The order") }
            try await lockRoster(organization, in: store)
            guard !order.cancelled else {
                throw PartaError.conflict("already_cancelled", "This order was already cancelled.")
            }
            let view = try await cancelOrder(order, organization: organization, in: store)
            try await audit(store, caller, .orderCancelled, organization: organization, target: ("order", "\(id)"),
                            details: ["kind": order.kind.rawValue, "student": "\(order.studentID)", "date": order.effectiveDate.iso])
            return view
        }
    }

    func cancelOrder(_ order: MovementOrder, organization: OrganizationID, in store: Store) async throws -> OrderView {
        try await store.cancelOrder(order.id, now: clock.now())
        let affected = try await recomputeEnrollment(of: order.studentID, in: store)
        try await apply([.enrollmentChanged(student: order.studentID, classes: affected)], organization: organization, in: store)
        var cancelled = order
        cancelled.cancelled = true
        return try await orderViews([cancelled], organization: organization, in: store)[0]
    }

    public func orders(
        _ caller: Caller, organization: OrganizationID, student: RosterPersonID? = nil, classID: ClassID? = nil, page: PageRequest
    ) async throws -> Page<OrderView> {
        try await database.read { store in
            try await rosterAccess(caller, organization, write: false, in: store)
            let found = try await store.listOrders(of: organization, student: student, classID: classID, page: page)
            let views = try await orderViews(found.items, organization: organization, in: store)
            return Page(items: views, page: found.page, perPage: found.perPage, total: found.total)
        }
    }

    func orderViews(_ orders: [MovementOrder], organization: OrganizationID, in store: Store) async throws -> [OrderView] {
        let students = try await store.persons(Array(Set(orders.map(\.studentID))), in: organization)
        let classes = Dictionary(uniqueKeysWithValues: try await store.classes(of: organization).map { ($0.id, $0) })
        return orders.compactMap { order in
            guard let student = students[order.studentID], let c = classes[order.classID] else { return nil }
            return OrderView(order: order, student: student, schoolClass: c)
        }
    }

    /// The students in a class on a date (today by default).
    public func students(_ caller: Caller, organization: OrganizationID, classID: ClassID, on date: LocalDate? = nil) async throws -> [RosterPerson] {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            guard try await store.schoolClass(classID, in: organization) != nil else { throw PartaError.notFound("The class") }
            let ids = try await store.students(in: classID, on: date ?? today(of: org))
            return try await store.persons(ids, in: organization).values.sorted { $0.name.full < $1.name.full }
        }
    }
}
