import Foundation
import Logging
public import PartaDomain
public import PartaStore

/// An API key as created: the key is shown once and stored only hashed.
public struct IssuedAPIKey: Sendable, Equatable {
    public var key: String
    public var info: APIKey
}

/// The outcome of an idempotent upsert: the record, and whether this call created or changed it.
public struct Upserted<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var created: Bool
    public var changed: Bool
}

/// The school information system's side: organization-scoped API keys, and upserts by external id
/// that the system may safely retry.
extension Parta {
    static let apiKeyPrefix = "pk_"

    // MARK: Keys

    /// Creates an API key for the organization's school information system.
    public func createAPIKey(_ caller: Caller, organization: OrganizationID, name rawName: String) async throws -> IssuedAPIKey {
        let name = rawName.trimmingWhitespace()
        guard !name.isEmpty else {
            throw PartaError.invalid("invalid_name", "Name the key (one line, at most 100 characters), e.g. «Электронный журнал».")
        }
        _ = try TextRules.checkName(name, field: "name", maxCharacters: 100, code: "invalid_name")
        let key = Self.apiKeyPrefix + Secrets.newToken()
        return try await database.write { store in
            try await rosterOrganization(organization, in: store)
            try await authorize(caller, .manageAPIKeys(organization), in: store)
            let info = try await store.insertAPIKey(
                organization: organization, name: name, prefix: String(key.prefix(10)), hash: Secrets.hashToken(key),
                createdBy: caller.accountID, now: clock.now())
            try await audit(store, caller, .apiKeyCreated, organization: organization, target: ("api_key", "\(info.id)"),
                            details: ["name": name, "prefix": info.prefix])
            return IssuedAPIKey(key: key, info: info)
        }
    }

    public func apiKeys(_ caller: Caller, organization: OrganizationID) async throws -> [APIKey] {
        try await database.read { store in
            try await rosterOrganization(organization, in: store)
            try await authorize(caller, .manageAPIKeys(organization), in: store)
            return try await store.apiKeys(of: organization)
        }
    }

    public func revokeAPIKey(_ caller: Caller, organization: OrganizationID, id: Int64) async throws {
        try await database.write { store in
            try await rosterOrganization(organization, in: store)
            try await authorize(caller, .manageAPIKeys(organization), in: store)
            guard try await store.revokeAPIKey(id, of: organization, now: clock.now()) else {
                throw PartaError.notFound("That API key")
            }
            try await audit(store, caller, .apiKeyRevoked, organization: organization, target: ("api_key", "\(id)"))
        }
    }

    /// The integration caller behind a key, or `nil` for an unknown or revoked key.
    public func authenticateAPIKey(_ key: String, clientAddress: String) async throws -> Caller? {
        guard key.hasPrefix(Self.apiKeyPrefix), Secrets.looksLikeToken(String(key.dropFirst(Self.apiKeyPrefix.count))) else { return nil }
        guard let info = try await database.read({ try await $0.activeAPIKey(hash: Secrets.hashToken(key)) }) else { return nil }
        // Per key: a school system in a loop must not hold up the server.
        try admit(.apiKey, info.id)
        let now = clock.now()
        if info.lastUsedAt.map({ now.timeIntervalSince($0) >= 300 }) ?? true {
            try await database.write { store in try await store.touchAPIKey(info.id, now: now) }
        }
        return .integration(info.organizationID, keyID: info.id, keyName: info.name, from: clientAddress)
    }

    // MARK: Upserts by external id

    /// The school system's id for a record: required, checked.
    static func requiredExternalID(_ raw: String) throws(PartaError) -> String {
        guard let id = try RosterPerson.checkExternalID(raw) else {
            throw PartaError.invalid("invalid_external_id", "The external id is required.")
        }
        return id
    }

    /// Creates or updates the person with `externalID`.
    public func upsertPerson(
        _ caller: Caller, organization: OrganizationID, externalID rawExternal: String, _ input: PersonInput
    ) async throws -> Upserted<PersonDetails> {
        let externalID = try Self.requiredExternalID(rawExternal)
        let existing = try await database.read { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            return try await store.person(externalID: externalID, in: organization)
        }
        var input = input
        input.externalID = externalID
        guard let existing else {
            return Upserted(value: try await createPerson(caller, organization: organization, input), created: true, changed: true)
        }
        let patch = PersonPatch(
            role: input.role, surname: input.surname, givenName: input.givenName, patronymic: input.patronymic,
            gender: input.gender, birthDate: .some(input.birthDate), active: true, position: input.position,
            parentsCommittee: input.parentsCommittee, studentCouncil: input.studentCouncil)
        let updated = try await updatePerson(caller, organization: organization, id: existing.id, patch)
        return Upserted(value: updated, created: false, changed: updated.person != existing)
    }

    public func upsertSubject(
        _ caller: Caller, organization: OrganizationID, externalID rawExternal: String, name: String
    ) async throws -> Upserted<Subject> {
        let externalID = try Self.requiredExternalID(rawExternal)
        let existing = try await database.read { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            return try await store.subject(externalID: externalID, in: organization)
        }
        guard let existing else {
            return Upserted(value: try await createSubject(caller, organization: organization, name: name, externalID: externalID), created: true, changed: true)
        }
        let checked = try Subject.checkName(name)
        guard checked != existing.name else { return Upserted(value: existing, created: false, changed: false) }
        let updated = try await updateSubject(caller, organization: organization, id: existing.id, name: checked, externalID: nil)
        return Upserted(value: updated, created: false, changed: true)
    }

    /// Creates or updates the class with `externalID`; the school year is named (`2025/2026`) and
    /// created if missing; the homeroom teacher is named by external id.
    public func upsertClass(
        _ caller: Caller, organization: OrganizationID, externalID rawExternal: String, schoolYear: String, label: ClassLabel,
        homeroomTeacherExternalID: String?
    ) async throws -> Upserted<ClassSummary> {
        let externalID = try Self.requiredExternalID(rawExternal)
        let (existing, yearID, teacherID) = try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            var events: [RosterEvent] = []
            let year = try await findOrCreateSchoolYear(named: schoolYear, organization: organization, in: store, events: &events)
            try await apply(events, organization: organization, in: store)
            let teacher = try await resolve(homeroomTeacherExternalID, organization: organization, in: store)
            return (try await store.schoolClass(externalID: externalID, in: organization), year.id, teacher)
        }
        guard let existing else {
            let created = try await createClass(
                caller, organization: organization, schoolYear: yearID, label: label, homeroomTeacher: teacherID, externalID: externalID)
            return Upserted(value: created, created: true, changed: true)
        }
        guard existing.schoolYearID == yearID else {
            throw PartaError.conflict("class_year_differs", "Class «\(externalID)» belongs to another school year; use a new external id.")
        }
        let changed = existing.label != label || existing.homeroomTeacherID != teacherID
        let updated = try await updateClass(caller, organization: organization, id: existing.id, label: label, homeroomTeacher: .some(teacherID))
        return Upserted(value: updated, created: false, changed: changed)
    }

    /// The roster person with an external id, or nil for nil; 404 naming the id otherwise.
    func resolve(_ externalID: String?, organization: OrganizationID, in store: Store) async throws -> RosterPersonID? {
        guard let externalID, !externalID.isEmpty else { return nil }
        guard let person = try await store.person(externalID: externalID, in: organization) else {
            throw PartaError.notFound("The person with external id «\(externalID)»")
        }
        return person.id
    }

    /// Creates or updates the teaching assignment with `externalID`, its parts named by external ids.
    public func upsertAssignment(
        _ caller: Caller, organization: OrganizationID, externalID rawExternal: String, teacher: String, subject: String,
        classExternalID: String, group: String, students: [String]
    ) async throws -> Upserted<AssignmentView> {
        let externalID = try Self.requiredExternalID(rawExternal)
        let (existing, input) = try await database.read { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            let (teacherID, subjectID, classID) = try await resolveTeaching(
                teacher: teacher, subject: subject, classExternalID: classExternalID, organization: organization, in: store)
            var studentIDs: [RosterPersonID] = []
            for student in students { studentIDs.append(try await resolve(student, organization: organization, in: store)!) }
            let input = AssignmentInput(
                teacher: teacherID, subject: subjectID, classID: classID, group: group, students: studentIDs, externalID: externalID)
            return (try await store.assignment(externalID: externalID, in: organization), input)
        }
        guard let existing else {
            return Upserted(value: try await createAssignment(caller, organization: organization, input), created: true, changed: true)
        }
        let same = existing.teacherID == input.teacher && existing.subjectID == input.subject && existing.classID == input.classID
            && existing.group == input.group.trimmingWhitespace() && existing.studentIDs == Array(Set(input.students)).sorted()
        if same {
            let view = try await database.read { store in
                try await assignmentViews([existing], organization: organization, in: store)[0]
            }
            return Upserted(value: view, created: false, changed: false)
        }
        let updated = try await updateAssignment(caller, organization: organization, id: existing.id, input)
        return Upserted(value: updated, created: false, changed: true)
    }

    /// Links a parent and a student by external ids (already linked: nothing changes).
    public func putGuardianship(_ caller: Caller, organization: OrganizationID, parent: String, student: String) async throws {
        let (parentID, studentID) = try await database.read { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            return (try await resolve(parent, organization: organization, in: store)!, try await resolve(student, organization: organization, in: store)!)
        }
        try await addGuardianship(caller, organization: organization, parent: parentID, student: studentID)
    }

    public func deleteGuardianship(_ caller: Caller, organization: OrganizationID, parent: String, student: String) async throws {
        let (parentID, studentID) = try await database.read { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            return (try await resolve(parent, organization: organization, in: store)!, try await resolve(student, organization: organization, in: store)!)
        }
        try await removeGuardianship(caller, organization: organization, parent: parentID, student: studentID)
    }

    /// Posts an order under the system's external id. Posting the same order again returns it
    /// unchanged; posting different content under an existing id is a conflict (orders are history:
    /// cancel it and post a new one).
    public func putOrder(
        _ caller: Caller, organization: OrganizationID, externalID rawExternal: String, student: String, kind: MovementOrder.Kind,
        classExternalID: String, date: LocalDate
    ) async throws -> Upserted<OrderView> {
        let externalID = try Self.requiredExternalID(rawExternal)
        return try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let studentID = try await resolve(student, organization: organization, in: store) else {
                throw PartaError.invalid("invalid_body", "The student's external id is required.")
            }
            guard let classID = try await store.schoolClass(externalID: classExternalID, in: organization)?.id else {
                throw PartaError.notFound("The class with external id «\(classExternalID)»")
            }
            try await lockRoster(organization, in: store)
            if let existing = try await store.order(externalID: externalID, in: organization) {
                guard existing.studentID == studentID, existing.kind == kind, existing.classID == classID, existing.effectiveDate == date else {
                    throw PartaError.conflict(
                        "order_differs", "Order «\(externalID)» was recorded with other contents; cancel it and post a new one.")
                }
                return Upserted(value: try await orderViews([existing], organization: organization, in: store)[0], created: false, changed: false)
            }
            let (order, view) = try await insertOrder(
                organization: organization, student: studentID, kind: kind, classID: classID, date: date,
                externalID: externalID, source: "integration", in: store)
            try await audit(store, caller, .orderCreated, organization: organization, target: ("order", "\(order.id)"),
                            details: ["kind": kind.rawValue, "student": "\(studentID)", "class": view.schoolClass.name, "date": date.iso])
            return Upserted(value: view, created: true, changed: true)
        }
    }

    /// Cancels the order with an external id; cancelling again changes nothing.
    public func cancelOrder(_ caller: Caller, organization: OrganizationID, externalID: String) async throws -> Upserted<OrderView> {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let order = try await store.order(externalID: externalID, in: organization) else {
                throw PartaError.notFound("The order with external id «\(externalID)»")
            }
            try await lockRoster(organization, in: store)
            if order.cancelled {
                return Upserted(value: try await orderViews([order], organization: organization, in: store)[0], created: false, changed: false)
            }
            let view = try await cancelOrder(order, organization: organization, in: store)
            try await audit(store, caller, .orderCancelled, organization: organization, target: ("order", "\(order.id)"),
                            details: ["kind": order.kind.rawValue, "student": "\(order.studentID)", "date": order.effectiveDate.iso])
            return Upserted(value: view, created: false, changed: true)
        }
    }

    /// A link code for the person with an external id (the school system shows it to the person).
    public func createLinkCode(_ caller: Caller, organization: OrganizationID, personExternalID: String) async throws -> IssuedLinkCode {
        let id = try await database.read { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            return try await resolve(personExternalID, organization: organization, in: store)!
        }
        return try await createLinkCode(caller, organization: organization, person: id)
    }

    /// A teacher, a subject and a class named by the school system's external ids (an assignment's
    /// or a lesson's parts).
    func resolveTeaching(
        teacher: String, subject: String, classExternalID: String, organization: OrganizationID, in store: Store
    ) async throws -> (RosterPersonID, SubjectID, ClassID) {
        guard let teacherID = try await resolve(teacher, organization: organization, in: store) else {
            throw PartaError.invalid("invalid_body", "The teacher's external id is required.")
        }
        guard let subjectID = try await store.subject(externalID: subject, in: organization)?.id else {
            throw PartaError.notFound("The subject with external id «\(subject)»")
        }
        guard let classID = try await store.schoolClass(externalID: classExternalID, in: organization)?.id else {
            throw PartaError.notFound("The class with external id «\(classExternalID)»")
        }
        return (teacherID, subjectID, classID)
    }
}
