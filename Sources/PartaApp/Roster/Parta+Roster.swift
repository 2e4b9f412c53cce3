import Foundation
import Logging
public import PartaDomain
import PartaStore

/// The roster's structure: school years, subjects and classes. People, assignments and orders are
/// in their own files. Every change is authorized (`manageRoster`), audited, and produces roster
/// events recorded in the same transaction.
extension Parta {
    // MARK: Shared steps

    /// The organization, or 404.
    @discardableResult
    func rosterOrganization(_ id: OrganizationID, in store: Store) async throws -> Organization {
        guard let organization = try await store.organization(id) else { throw PartaError.notFound("The organization") }
        return organization
    }

    /// Today's date where the organization is.
    func today(of organization: Organization) -> LocalDate {
        LocalDate(clock.now(), timeZone: organization.profile.timeZone)
    }

    /// Authorizes `action` and returns the organization.
    @discardableResult
    func rosterAccess(_ caller: Caller, _ organization: OrganizationID, write: Bool, in store: Store) async throws -> Organization {
        let found = try await rosterOrganization(organization, in: store)
        try await authorize(caller, write ? .manageRoster(organization) : .readRoster(organization), in: store)
        return found
    }

    /// Records roster events; returns the chats they touch (`apply` syncs them at once, an import
    /// at its end).
    func record(_ events: [RosterEvent], organization: OrganizationID, in store: Store) async throws -> ChatScope {
        try await store.appendRosterEvents(events, organization: organization, now: clock.now())
        return ChatScope.affected(by: events)
    }

    /// Serializes changes to one school's roster and its chats until the transaction ends. A
    /// change touches a student and then the school's chats; with a single lock per school, taken
    /// before either, no two changes can hold one and wait for the other.
    func lockRoster(_ organization: OrganizationID, in store: Store) async throws {
        try await store.lock("roster:\(organization)")
    }

    /// Records what changed and brings the chats it touches to the roster, in the transaction of
    /// the change: first the links of people who stopped (or started again) standing, then the
    /// chats, then what accounts that lost a person keep (`Parta+Standing.swift`).
    func apply(_ events: [RosterEvent], organization: OrganizationID, in store: Store) async throws {
        guard let found = try await store.organization(organization) else {
            _ = try await record(events, organization: organization, in: store)
            return
        }
        try await lockRoster(organization, in: store)
        let all = events + (try await settleStanding(Self.standingCandidates(events), organization: found, in: store))
        let scope = try await record(all, organization: organization, in: store)
        if !scope.isEmpty { _ = try await syncChats(scope, organization: found, creation: .automatic, in: store) }
        let leaving = Self.leavingAccounts(all)
        try await settleAccounts(leaving, organization: found, in: store)
        // A student moved, a guardianship or a homeroom changed: direct chats the roster no longer
        // relates close at once (a teacher who stops teaching is caught by the daily check).
        try await recheckDirectChats(
            of: try await relatedAccounts(all, organization: organization, in: store).subtracting(leaving), organization: found, in: store)
    }

    /// Rewrites a student's derived enrollment periods from their orders; returns the classes whose
    /// membership changed on some date.
    func recomputeEnrollment(of student: RosterPersonID, in store: Store) async throws -> [ClassID] {
        let orders = try await store.orders(of: student)
        let before = try await store.enrollmentPeriods(of: student)
        let after = EnrollmentTimeline.periods(orders)
        guard before != after else { return [] }
        try await store.replaceEnrollmentPeriods(of: student, with: after)
        return EnrollmentTimeline.affectedClasses(before: before, after: after).sorted()
    }

    // MARK: School years

    /// Creates a school year such as 2025/2026; dates default to 1 September – 31 August.
    public func createSchoolYear(
        _ caller: Caller, organization: OrganizationID, name rawName: String, start: LocalDate? = nil, end: LocalDate? = nil
    ) async throws -> SchoolYear {
        let (name, firstYear) = try SchoolYear.parseName(rawName)
        let defaults = SchoolYear.defaultDates(firstYear: firstYear)
        let (start, end) = (start ?? defaults.0, end ?? defaults.1)
        guard start < end else {
            throw PartaError.invalid("invalid_school_year", "A school year starts before it ends.")
        }
        return try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            if try await store.schoolYear(named: name, in: organization) != nil {
                throw PartaError.conflict("school_year_exists", "The school year \(name) already exists.")
            }
            let year = try await store.insertSchoolYear(organization: organization, name: name, start: start, end: end, now: clock.now())
            try await apply([.schoolYearChanged(year.id)], organization: organization, in: store)
            try await audit(store, caller, .schoolYearCreated, organization: organization, target: ("school_year", "\(year.id)"),
                            details: ["name": name])
            return year
        }
    }

    public func schoolYears(_ caller: Caller, organization: OrganizationID) async throws -> [SchoolYear] {
        try await database.read { store in
            try await rosterAccess(caller, organization, write: false, in: store)
            return try await store.schoolYears(of: organization)
        }
    }

    public func updateSchoolYear(
        _ caller: Caller, organization: OrganizationID, id: SchoolYearID, start: LocalDate, end: LocalDate
    ) async throws -> SchoolYear {
        guard start < end else { throw PartaError.invalid("invalid_school_year", "A school year starts before it ends.") }
        return try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard var year = try await store.schoolYear(id, in: organization) else { throw PartaError.notFound("The school year") }
            try await store.updateSchoolYearDates(id, start: start, end: end)
            year.startDate = start
            year.endDate = end
            try await apply([.schoolYearChanged(id)], organization: organization, in: store)
            try await audit(store, caller, .schoolYearUpdated, organization: organization, target: ("school_year", "\(id)"),
                            details: ["start": start.iso, "end": end.iso])
            return year
        }
    }

    /// The school year called `name`, created with default dates if missing (imports, integration).
    func findOrCreateSchoolYear(named rawName: String, organization: OrganizationID, in store: Store, events: inout [RosterEvent]) async throws -> SchoolYear {
        let (name, firstYear) = try SchoolYear.parseName(rawName)
        if let year = try await store.schoolYear(named: name, in: organization) { return year }
        let (start, end) = SchoolYear.defaultDates(firstYear: firstYear)
        let year = try await store.insertSchoolYear(organization: organization, name: name, start: start, end: end, now: clock.now())
        events.append(.schoolYearChanged(year.id))
        return year
    }

    // MARK: Subjects

    public func createSubject(_ caller: Caller, organization: OrganizationID, name rawName: String, externalID rawExternal: String? = nil) async throws -> Subject {
        let name = try Subject.checkName(rawName)
        let externalID = try RosterPerson.checkExternalID(rawExternal)
        return try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            if try await store.subject(named: name, in: organization) != nil {
                throw PartaError.conflict("subject_exists", "The subject «\(name)» already exists.")
            }
            if let externalID, try await store.subject(externalID: externalID, in: organization) != nil {
                throw Self.externalIDTaken(externalID)
            }
            let subject = try await store.insertSubject(organization: organization, name: name, externalID: externalID, now: clock.now())
            try await apply([.subjectChanged(subject.id)], organization: organization, in: store)
            try await audit(store, caller, .subjectCreated, organization: organization, target: ("subject", "\(subject.id)"),
                            details: ["name": name])
            return subject
        }
    }

    public func subjects(_ caller: Caller, organization: OrganizationID) async throws -> [Subject] {
        try await database.read { store in
            try await rosterAccess(caller, organization, write: false, in: store)
            return try await store.subjects(of: organization)
        }
    }

    public func updateSubject(
        _ caller: Caller, organization: OrganizationID, id: SubjectID, name rawName: String?, externalID rawExternal: String??
    ) async throws -> Subject {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard var subject = try await store.subject(id, in: organization) else { throw PartaError.notFound("The subject") }
            if let rawName {
                let name = try Subject.checkName(rawName)
                if let other = try await store.subject(named: name, in: organization), other.id != id {
                    throw PartaError.conflict("subject_exists", "The subject «\(name)» already exists.")
                }
                subject.name = name
            }
            if let rawExternal {
                let externalID = try RosterPerson.checkExternalID(rawExternal)
                if let externalID, let other = try await store.subject(externalID: externalID, in: organization), other.id != id {
                    throw Self.externalIDTaken(externalID)
                }
                subject.externalID = externalID
            }
            try await store.updateSubject(id, name: subject.name, externalID: subject.externalID)
            try await apply([.subjectChanged(id)], organization: organization, in: store)
            try await audit(store, caller, .subjectUpdated, organization: organization, target: ("subject", "\(id)"),
                            details: ["name": subject.name])
            return subject
        }
    }

    public func deleteSubject(_ caller: Caller, organization: OrganizationID, id: SubjectID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let subject = try await store.subject(id, in: organization) else { throw PartaError.notFound("The subject") }
            guard try await store.assignmentCount(subject: id) == 0, try await store.lessonCount(subject: id) == 0 else {
                throw PartaError.conflict(
                    "subject_in_use", "«\(subject.name)» is taught in some classes or has lessons in the timetable; remove those first.")
            }
            try await store.deleteSubject(id)
            try await audit(store, caller, .subjectDeleted, organization: organization, target: ("subject", "\(id)"),
                            details: ["name": subject.name])
        }
    }

    static func externalIDTaken(_ externalID: String) -> PartaError {
        PartaError.conflict("external_id_taken", "The external id «\(externalID)» already belongs to another record.")
    }

    // MARK: Classes

    /// Creates a class in a school year, optionally with its homeroom teacher.
    public func createClass(
        _ caller: Caller, organization: OrganizationID, schoolYear: SchoolYearID, label: ClassLabel,
        homeroomTeacher: RosterPersonID? = nil, externalID rawExternal: String? = nil
    ) async throws -> ClassSummary {
        let externalID = try RosterPerson.checkExternalID(rawExternal)
        return try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard let year = try await store.schoolYear(schoolYear, in: organization) else { throw PartaError.notFound("The school year") }
            if try await store.schoolClass(label, in: schoolYear) != nil {
                throw PartaError.conflict("class_exists", "Class \(label) already exists in \(year.name).")
            }
            if let externalID, try await store.schoolClass(externalID: externalID, in: organization) != nil {
                throw Self.externalIDTaken(externalID)
            }
            if let homeroomTeacher { try await requireRole(.teacher, homeroomTeacher, organization: organization, in: store) }
            let created = try await store.insertClass(
                organization: organization, schoolYear: schoolYear, label: label, homeroomTeacher: homeroomTeacher,
                externalID: externalID, now: clock.now())
            var events: [RosterEvent] = [.classChanged(created.id)]
            if let homeroomTeacher { events.append(.homeroomChanged(created.id, from: nil, to: homeroomTeacher)) }
            try await apply(events, organization: organization, in: store)
            try await audit(store, caller, .classCreated, organization: organization, target: ("class", "\(created.id)"),
                            details: ["name": created.name, "school_year": year.name])
            return try await classSummaries([created], organization: org, on: today(of: org), in: store)[0]
        }
    }

    /// Classes with their school year, homeroom teacher and number of students on `date` (today by default).
    public func classes(
        _ caller: Caller, organization: OrganizationID, schoolYear: SchoolYearID? = nil, grade: Int? = nil, on date: LocalDate? = nil
    ) async throws -> [ClassSummary] {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            let classes = try await store.classes(of: organization, schoolYear: schoolYear, grade: grade)
            return try await classSummaries(classes, organization: org, on: date ?? today(of: org), in: store)
        }
    }

    public func schoolClass(_ caller: Caller, organization: OrganizationID, id: ClassID, on date: LocalDate? = nil) async throws -> ClassSummary {
        try await database.read { store in
            let org = try await rosterAccess(caller, organization, write: false, in: store)
            guard let found = try await store.schoolClass(id, in: organization) else { throw PartaError.notFound("The class") }
            return try await classSummaries([found], organization: org, on: date ?? today(of: org), in: store)[0]
        }
    }

    func classSummaries(_ classes: [SchoolClass], organization: Organization, on date: LocalDate, in store: Store) async throws -> [ClassSummary] {
        guard !classes.isEmpty else { return [] }
        let years = Dictionary(uniqueKeysWithValues: try await store.schoolYears(of: organization.id).map { ($0.id, $0) })
        let teachers = try await store.persons(classes.compactMap(\.homeroomTeacherID), in: organization.id)
        let sizes = try await store.classSizes(of: organization.id, on: date)
        return classes.compactMap { c in
            years[c.schoolYearID].map { year in
                ClassSummary(
                    schoolClass: c, schoolYear: year, homeroomTeacher: c.homeroomTeacherID.flatMap { teachers[$0] },
                    studentCount: sizes[c.id] ?? 0)
            }
        }
    }

    /// Edits a class: its label, its homeroom teacher (`.some(nil)` removes them), its external id.
    public func updateClass(
        _ caller: Caller, organization: OrganizationID, id: ClassID, label: ClassLabel? = nil,
        homeroomTeacher: RosterPersonID?? = nil, externalID rawExternal: String?? = nil
    ) async throws -> ClassSummary {
        try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard var found = try await store.schoolClass(id, in: organization) else { throw PartaError.notFound("The class") }
            let before = found
            var events: [RosterEvent] = []
            if let label, label != found.label {
                if try await store.schoolClass(label, in: found.schoolYearID) != nil {
                    throw PartaError.conflict("class_exists", "Class \(label) already exists in that school year.")
                }
                found.label = label
                events.append(.classChanged(id))
            }
            if let homeroomTeacher, homeroomTeacher != found.homeroomTeacherID {
                if let teacher = homeroomTeacher { try await requireRole(.teacher, teacher, organization: organization, in: store) }
                events.append(.homeroomChanged(id, from: found.homeroomTeacherID, to: homeroomTeacher))
                found.homeroomTeacherID = homeroomTeacher
            }
            if let rawExternal {
                let externalID = try RosterPerson.checkExternalID(rawExternal)
                if let externalID, let other = try await store.schoolClass(externalID: externalID, in: organization), other.id != id {
                    throw Self.externalIDTaken(externalID)
                }
                found.externalID = externalID
            }
            guard found != before else {
                return try await classSummaries([found], organization: org, on: today(of: org), in: store)[0]
            }
            try await store.updateClass(id, label: found.label, homeroomTeacher: found.homeroomTeacherID, externalID: found.externalID)
            try await apply(events, organization: organization, in: store)
            var details = ["name": found.name]
            if before.homeroomTeacherID != found.homeroomTeacherID {
                details["homeroom_teacher"] = found.homeroomTeacherID.map { "\($0)" } ?? "none"
            }
            try await audit(store, caller, .classUpdated, organization: organization, target: ("class", "\(id)"), details: details)
            return try await classSummaries([found], organization: org, on: today(of: org), in: store)[0]
        }
    }

    /// Deletes a class nobody was ever enrolled in and nothing is taught in.
    public func deleteClass(_ caller: Caller, organization: OrganizationID, id: ClassID) async throws {
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let found = try await store.schoolClass(id, in: organization) else { throw PartaError.notFound("The class") }
            guard try await store.classReferences(id) == 0 else {
                throw PartaError.conflict(
                    "class_in_use", "Class \(found.name) has orders, teaching assignments or lessons; it stays in the records.")
            }
            // A class without orders or assignments goes with the chats the roster made for it.
            for chat in try await store.rosterChats(of: organization, classes: [id], staffRoom: false).live.values {
                try await store.deleteChat(chat.id, now: clock.now())
                try await recordChatEvent(chat.id, ChatEvent.deleted, organization: organization, in: store)
            }
            try await store.deleteClass(id)
            try await apply([.classChanged(id)], organization: organization, in: store)
            try await audit(store, caller, .classDeleted, organization: organization, target: ("class", "\(id)"),
                            details: ["name": found.name])
        }
    }

    /// Throws unless `person` is a roster person of `organization` with `role`.
    @discardableResult
    func requireRole(_ role: RosterRole, _ person: RosterPersonID, organization: OrganizationID, in store: Store) async throws -> RosterPerson {
        guard let found = try await store.person(person, in: organization) else {
            throw PartaError.notFound("The \(role.rawValue) \(person)")
        }
        guard found.role == role else {
            throw PartaError.invalid("wrong_role", "\(found.name.full) is a \(found.role.rawValue), not a \(role.rawValue).")
        }
        return found
    }
}
