import Foundation
import Logging
public import PartaDomain
public import PartaStore

/// Roster people and guardianships.
extension Parta {
    public func createPerson(_ caller: Caller, organization: OrganizationID, _ input: PersonInput) async throws -> PersonDetails {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            let (name, externalID) = try input.checked(today: today(of: org))
            if let externalID, try await store.person(externalID: externalID, in: organization) != nil {
                throw Self.externalIDTaken(externalID)
            }
            let position = try RosterPerson.checkPosition(input.position ?? "", role: input.role)
            let person = try await insertPerson(
                caller, organization: organization, role: input.role, name: name, gender: input.gender,
                birthDate: input.birthDate, externalID: externalID,
                marks: (position, input.parentsCommittee ?? false, input.studentCouncil ?? false), in: store)
            return try await details(of: person, organization: org, in: store)
        }
    }

    /// Inserts a checked person (with a checked position and the marks, when given), records one
    /// roster event and audits it with what it holds (the API, join requests).
    func insertPerson(
        _ caller: Caller, organization: OrganizationID, role: RosterRole, name: PersonName, gender: Gender,
        birthDate: LocalDate?, externalID: String?, marks: (position: String, parentsCommittee: Bool, studentCouncil: Bool)? = nil,
        auditDetails: [String: String] = [:], in store: Store
    ) async throws -> RosterPerson {
        var person = try await store.insertPerson(
            organization: organization, role: role, name: name, gender: gender, birthDate: birthDate,
            externalID: externalID, now: clock.now())
        var details = auditDetails.merging(["role": role.rawValue, "name": name.short]) { _, new in new }
        if let marks, !marks.position.isEmpty || marks.parentsCommittee || marks.studentCouncil {
            person.position = marks.position
            person.parentsCommittee = marks.parentsCommittee
            person.studentCouncil = marks.studentCouncil
            try await store.updatePerson(person, now: clock.now())
            if !marks.position.isEmpty { details["position"] = marks.position }
            if marks.parentsCommittee { details["parents_committee"] = "true" }
            if marks.studentCouncil { details["student_council"] = "true" }
        }
        try await apply([.personChanged(person.id)], organization: organization, in: store)
        try await audit(store, caller, .personCreated, organization: organization, target: ("roster_person", "\(person.id)"), details: details)
        return person
    }

    public func person(_ caller: Caller, organization: OrganizationID, id: RosterPersonID) async throws -> PersonDetails {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            guard let person = try await store.person(id, in: organization) else { throw PartaError.notFound("The person") }
            return try await details(of: person, organization: org, in: store)
        }
    }

    func details(of person: RosterPerson, organization: Organization, in store: Store) async throws -> PersonDetails {
        let today = today(of: organization)
        var currentClass: SchoolClass?
        var enrollment: [EnrollmentPeriod] = []
        if person.role == .student {
            enrollment = try await store.enrollmentPeriods(of: person.id)
            if let id = enrollment.first(where: { $0.contains(today) })?.classID {
                currentClass = try await store.schoolClass(id, in: organization.id)
            }
        }
        let children = try await store.persons(try await store.children(of: person.id), in: organization.id)
        let parents = try await store.persons(try await store.parents(of: person.id), in: organization.id)
        return PersonDetails(
            person: person, currentClass: currentClass,
            children: children.values.sorted { $0.name.full < $1.name.full },
            parents: parents.values.sorted { $0.name.full < $1.name.full }, enrollment: enrollment)
    }

    /// People, by name: filter by role, class (on a date, today by default), name words, status.
    public func persons(
        _ caller: Caller, organization: OrganizationID, filter: PersonFilter, page: PageRequest
    ) async throws -> Page<RosterPerson> {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            var filter = filter
            if filter.classID != nil && filter.date == nil { filter.date = today(of: org) }
            return try await store.listPersons(of: organization, filter: filter, page: page)
        }
    }

    /// Edits a person. The role changes only while nothing refers to it (orders, assignments,
    /// homerooms, guardianships): a student with a history stays a student.
    public func updatePerson(
        _ caller: Caller, organization: OrganizationID, id: RosterPersonID, _ patch: PersonPatch
    ) async throws -> PersonDetails {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard let before = try await store.person(id, in: organization) else { throw PartaError.notFound("The person") }
            var person = before
            let input = PersonInput(
                role: patch.role ?? before.role, surname: patch.surname ?? before.name.surname,
                givenName: patch.givenName ?? before.name.givenName, patronymic: patch.patronymic ?? before.name.patronymic,
                gender: patch.gender ?? before.gender, birthDate: patch.birthDate ?? before.birthDate,
                externalID: patch.externalID ?? before.externalID)
            let (name, externalID) = try input.checked(today: today(of: org))
            if input.role != before.role {
                let guardianships = try await store.children(of: id).count + (try await store.parents(of: id).count)
                let references = try await store.personReferences(id) + guardianships
                // A suspended person still belongs to an account: a new role would go back to it.
                let suspended = try await store.personLinks([id], in: organization)[id]?.suspendedAccount
                try before.checkRoleChange(to: input.role, hasHistory: references > 0 || before.accountID != nil || suspended != nil)
            }
            if let externalID, externalID != before.externalID, try await store.person(externalID: externalID, in: organization) != nil {
                throw Self.externalIDTaken(externalID)
            }
            person.role = input.role
            person.name = name
            person.gender = input.gender
            person.birthDate = input.birthDate
            person.externalID = externalID
            person.active = patch.active ?? before.active
            person.position = try RosterPerson.checkPosition(patch.position ?? (input.role.isStaff ? before.position : ""), role: input.role)
            person.parentsCommittee = patch.parentsCommittee ?? (input.role == .parent && before.parentsCommittee)
            person.studentCouncil = patch.studentCouncil ?? (input.role == .student && before.studentCouncil)
            try RosterPerson.checkFlags(role: input.role, parentsCommittee: person.parentsCommittee, studentCouncil: person.studentCouncil)
            guard person != before else { return try await details(of: person, organization: org, in: store) }
            try await store.updatePerson(person, now: clock.now())
            try await apply([.personChanged(id)], organization: organization, in: store)
            try await audit(store, caller, .personUpdated, organization: organization, target: ("roster_person", "\(id)"),
                            details: ["fields": Self.changedFields(before, person).joined(separator: ",")])
            return try await details(of: person, organization: org, in: store)
        }
    }

    static func changedFields(_ a: RosterPerson, _ b: RosterPerson) -> [String] {
        var fields: [String] = []
        if a.role != b.role { fields.append("role") }
        if a.name.surname != b.name.surname { fields.append("surname") }
        if a.name.givenName != b.name.givenName { fields.append("given_name") }
        if a.name.patronymic != b.name.patronymic { fields.append("patronymic") }
        if a.gender != b.gender { fields.append("gender") }
        if a.birthDate != b.birthDate { fields.append("birth_date") }
        if a.externalID != b.externalID { fields.append("external_id") }
        if a.active != b.active { fields.append("active") }
        if a.position != b.position { fields.append("position") }
        if a.parentsCommittee != b.parentsCommittee { fields.append("parents_committee") }
        if a.studentCouncil != b.studentCouncil { fields.append("student_council") }
        return fields
    }

    /// Deletes a person without a history (no orders, assignments or homeroom); otherwise mark them
    /// inactive. A linked person is unlinked first.
    public func deletePerson(_ caller: Caller, organization: OrganizationID, id: RosterPersonID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let person = try await store.person(id, in: organization) else { throw PartaError.notFound("The person") }
            guard try await store.personReferences(id) == 0 else {
                throw PartaError.conflict(
                    "person_in_use",
                    "\(person.name.full) has orders, teaching assignments, lessons or a homeroom; mark them inactive instead of deleting.")
            }
            var events: [RosterEvent] = []
            if let account = person.accountID {
                try await detach(person, from: account, in: store)
                events.append(.unlinked(id, account))
            }
            for student in try await store.children(of: id) { events.append(.guardianshipChanged(parent: id, student: student)) }
            for parent in try await store.parents(of: id) { events.append(.guardianshipChanged(parent: parent, student: id)) }
            // The person's member rows go with them: their chats hear of it (open connections too).
            let chats = try await store.memberships(ofPerson: id).map(\.chat)
            try await store.deletePerson(id)
            try await store.appendChatEvents(
                chats.map { ($0, ChatEvent.membersChanged(added: [], removed: [.person(id)], adminsGranted: [], adminsRevoked: [])) },
                organization: organization, now: clock.now())
            events.append(.personRemoved(id))
            try await apply(events, organization: organization, in: store)
            try await audit(store, caller, .personDeleted, organization: organization, target: ("roster_person", "\(id)"),
                            details: ["name": person.name.short])
        }
    }

    // MARK: Guardianships

    /// Links a parent to a child (both of this organization).
    public func addGuardianship(_ caller: Caller, organization: OrganizationID, parent: RosterPersonID, student: RosterPersonID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            try await requireRole(.parent, parent, organization: organization, in: store)
            try await addGuardianship(caller, organization: organization, parent: parent, student: student, in: store)
        }
    }

    /// Links a parent to a student (roles already checked), with its roster event and audit entry;
    /// an existing link changes nothing.
    func addGuardianship(
        _ caller: Caller, organization: OrganizationID, parent: RosterPersonID, student: RosterPersonID,
        auditDetails: [String: String] = [:], in store: Store
    ) async throws {
        try await requireRole(.student, student, organization: organization, in: store)
        guard try await store.addGuardianship(organization: organization, parent: parent, student: student, now: clock.now()) else { return }
        try await apply([.guardianshipChanged(parent: parent, student: student)], organization: organization, in: store)
        try await audit(store, caller, .guardianshipAdded, organization: organization, target: ("roster_person", "\(parent)"),
                        details: auditDetails.merging(["student": "\(student)"]) { _, new in new })
    }

    public func removeGuardianship(_ caller: Caller, organization: OrganizationID, parent: RosterPersonID, student: RosterPersonID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard try await store.person(parent, in: organization) != nil else { throw PartaError.notFound("The parent") }
            guard try await store.removeGuardianship(parent: parent, student: student) else {
                throw PartaError.notFound("That parent–child link")
            }
            try await apply([.guardianshipChanged(parent: parent, student: student)], organization: organization, in: store)
            try await audit(store, caller, .guardianshipRemoved, organization: organization, target: ("roster_person", "\(parent)"),
                            details: ["student": "\(student)"])
        }
    }
}
