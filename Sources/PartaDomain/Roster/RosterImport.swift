/// Where a record came from in an imported file, for error messages.
public struct SourceRef: Hashable, Sendable, Codable {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public func problem(_ column: String?, _ text: String) -> ImportProblem {
        ImportProblem(file: file, line: line, column: column, problem: text)
    }
}

/// A roster as a file describes it, keyed by the school system's external ids: what CSV and
/// OneRoster imports are turned into before they are compared with the database.
public struct RosterDataset: Sendable {
    public enum Mode: String, Sendable, Codable {
        /// Rows create or update records; nothing absent changes (CSV).
        case upsert
        /// The file is the whole roster: what is absent is withdrawn, detached or deactivated (OneRoster bulk).
        case bulk
    }

    public struct Year: Sendable, Equatable {
        public var name: String
        public var start: LocalDate?
        public var end: LocalDate?
        public init(name: String, start: LocalDate?, end: LocalDate?) {
            self.name = name
            self.start = start
            self.end = end
        }
    }

    public struct Person: Sendable, Equatable {
        public var externalID: String
        public var role: RosterRole
        public var name: PersonName
        public var gender: Gender
        public var birthDate: LocalDate?
        /// A member of staff's position (`Директор`, `Учитель математики`); `nil` when the source
        /// does not give positions (the person's is kept).
        public var position: String?
        public var ref: SourceRef
        public init(
            externalID: String, role: RosterRole, name: PersonName, gender: Gender, birthDate: LocalDate?, position: String? = nil, ref: SourceRef
        ) {
            self.externalID = externalID
            self.role = role
            self.name = name
            self.gender = gender
            self.birthDate = birthDate
            self.position = position
            self.ref = ref
        }
    }

    public struct Class: Sendable, Equatable {
        public var externalID: String
        public var schoolYear: String
        public var label: ClassLabel
        /// The homeroom teacher's external id.
        public var homeroomTeacher: String?
        /// A class the file only names (`10А` in people.csv): it is whichever class of that school
        /// year has that label, created if none does; its homeroom teacher is left alone.
        public var matchByLabel: Bool
        public var ref: SourceRef
        public init(
            externalID: String, schoolYear: String, label: ClassLabel, homeroomTeacher: String?, matchByLabel: Bool = false,
            ref: SourceRef
        ) {
            self.externalID = externalID
            self.schoolYear = schoolYear
            self.label = label
            self.homeroomTeacher = homeroomTeacher
            self.matchByLabel = matchByLabel
            self.ref = ref
        }
    }

    public struct Assignment: Sendable, Equatable {
        public var externalID: String
        public var teacher: String
        /// The subject's name (subjects are matched by folded name).
        public var subject: String
        public var classExternalID: String
        public var group: String
        public var students: [String]
        public var ref: SourceRef
        public init(externalID: String, teacher: String, subject: String, classExternalID: String, group: String, students: [String], ref: SourceRef) {
            self.externalID = externalID
            self.teacher = teacher
            self.subject = subject
            self.classExternalID = classExternalID
            self.group = group
            self.students = students
            self.ref = ref
        }
    }

    public struct Guardian: Sendable, Hashable {
        public var parent: String
        public var student: String
        public var ref: SourceRef
        public init(parent: String, student: String, ref: SourceRef) {
            self.parent = parent
            self.student = student
            self.ref = ref
        }
    }

    /// A lesson of the timetable; its class named by label within a school year (as the
    /// journal prints it), its subject by name, its teacher by external id.
    public struct Lesson: Sendable, Equatable {
        public var externalID: String
        public var date: LocalDate
        public var start: LocalTime
        public var end: LocalTime
        public var schoolYear: String
        public var classLabel: ClassLabel
        public var group: String
        public var subject: String
        public var teacher: String
        public var topic: String
        public var room: String
        public var ref: SourceRef
        public init(
            externalID: String, date: LocalDate, start: LocalTime, end: LocalTime, schoolYear: String, classLabel: ClassLabel,
            group: String, subject: String, teacher: String, topic: String, room: String, ref: SourceRef
        ) {
            self.externalID = externalID
            self.date = date
            self.start = start
            self.end = end
            self.schoolYear = schoolYear
            self.classLabel = classLabel
            self.group = group
            self.subject = subject
            self.teacher = teacher
            self.topic = topic
            self.room = room
            self.ref = ref
        }
    }

    /// A student in a class from `begin` (inclusive; `nil`: keep the recorded date or use the default)
    /// until `end` (exclusive). `key` identifies the enrollment across imports.
    public struct Enrollment: Sendable, Equatable {
        public var key: String
        public var student: String
        public var classExternalID: String
        public var begin: LocalDate?
        public var end: LocalDate?
        public var ref: SourceRef
        public init(key: String, student: String, classExternalID: String, begin: LocalDate?, end: LocalDate?, ref: SourceRef) {
            self.key = key
            self.student = student
            self.classExternalID = classExternalID
            self.begin = begin
            self.end = end
            self.ref = ref
        }
    }

    public var mode: Mode
    /// `csv` or `oneroster`: names the source in order ids and the audit log.
    public var source: String
    public var years: [Year] = []
    public var persons: [Person] = []
    public var subjects: [String] = []
    public var classes: [Class] = []
    public var assignments: [Assignment] = []
    public var guardians: [Guardian] = []
    public var enrollments: [Enrollment] = []
    public var lessons: [Lesson] = []
    /// Things skipped without failing the import (a scheduled class without students, …).
    public var warnings: [ImportProblem] = []

    public init(mode: Mode, source: String) {
        self.mode = mode
        self.source = source
    }
}

/// The organization's roster as it is now, for comparison with a dataset.
public struct RosterSnapshot: Sendable {
    public var persons: [RosterPerson]
    public var years: [SchoolYear]
    public var subjects: [Subject]
    public var classes: [SchoolClass]
    public var assignments: [TeachingAssignment]
    public var guardianships: Set<Guardianship>
    public var orders: [RosterPersonID: [MovementOrder]]
    /// The lessons with an external id (the ones imports and the school system keep).
    public var lessons: [PartaDomain.Lesson]

    public init(
        persons: [RosterPerson], years: [SchoolYear], subjects: [Subject], classes: [SchoolClass],
        assignments: [TeachingAssignment], guardianships: Set<Guardianship>, orders: [RosterPersonID: [MovementOrder]],
        lessons: [PartaDomain.Lesson] = []
    ) {
        self.lessons = lessons
        self.persons = persons
        self.years = years
        self.subjects = subjects
        self.classes = classes
        self.assignments = assignments
        self.guardianships = guardianships
        self.orders = orders
    }

}

/// What an import will do (or, in a dry run, would do), with counts and a few examples each.
public struct ImportReport: Sendable, Equatable, Codable {
    public var dryRun: Bool
    public var counts: [String: Int]
    public var examples: [String: [String]]
    public var warnings: [ImportProblem]
    /// The longest single write transaction, in milliseconds (how long the messenger could wait).
    public var longestBatchMilliseconds: Double?

    public init(dryRun: Bool = false, counts: [String: Int] = [:], examples: [String: [String]] = [:], warnings: [ImportProblem] = []) {
        self.dryRun = dryRun
        self.counts = counts
        self.examples = examples
        self.warnings = warnings
    }

    public static let exampleLimit = 5

    mutating func note(_ key: String, _ example: @autoclosure () -> String) {
        counts[key, default: 0] += 1
        if examples[key, default: []].count < Self.exampleLimit { examples[key, default: []].append(example()) }
    }

    /// Whether anything would change.
    public var isEmpty: Bool { counts.values.allSatisfy { $0 == 0 } }
}

/// An order an import creates, named by external ids until the ids exist.
public struct PlannedOrder: Sendable, Equatable {
    public var externalID: String
    public var student: String
    public var kind: MovementOrder.Kind
    public var classExternalID: String
    public var date: LocalDate
}

/// A lesson an import writes, its class resolved to a file class id or `#<id>` of an existing one.
public struct PlannedLesson: Sendable, Equatable {
    public var lesson: RosterDataset.Lesson
    public var classRef: String
}

/// The changes that bring the database to a dataset.
public struct ImportPlan: Sendable {
    public var yearsToCreate: [RosterDataset.Year] = []
    public var subjectsToCreate: [String] = []
    public var personsToCreate: [RosterDataset.Person] = []
    public var personsToUpdate: [(RosterPerson, RosterDataset.Person)] = []
    public var personsToDeactivate: [RosterPerson] = []
    public var classesToCreate: [RosterDataset.Class] = []
    public var classesToUpdate: [(SchoolClass, RosterDataset.Class)] = []
    public var assignmentsToCreate: [RosterDataset.Assignment] = []
    public var assignmentsToUpdate: [(TeachingAssignment, RosterDataset.Assignment)] = []
    public var assignmentsToDelete: [TeachingAssignment] = []
    public var guardiansToAdd: [RosterDataset.Guardian] = []
    public var guardiansToRemove: [Guardianship] = []
    public var ordersToCreate: [PlannedOrder] = []
    public var ordersToCancel: [MovementOrder] = []
    public var lessonsToCreate: [PlannedLesson] = []
    public var lessonsToUpdate: [(PartaDomain.Lesson, PlannedLesson)] = []
    /// Imported lessons of the file's classes and dates that the file no longer has.
    public var lessonsToCancel: [PartaDomain.Lesson] = []
    /// File class ids that stand for classes already in the database.
    public var existingClasses: [String: ClassID] = [:]
    public var report = ImportReport()
}

/// Compares a dataset with the roster and plans the changes — or names every problem that makes
/// the file unusable, in which case nothing may be written. Pure: `today` is a parameter.
public enum ImportPlanner {
    /// Order external ids an import writes: `imp|<enrollment key>|<what>|<class>|<date>`.
    static let orderPrefix = "imp|"
    public static let problemLimit = 200

    public static func plan(
        _ data: RosterDataset, snapshot: RosterSnapshot, today: LocalDate
    ) -> Result<ImportPlan, ImportFailure> {
        var plan = ImportPlan()
        var problems: [ImportProblem] = []
        func fail(_ p: ImportProblem) { if problems.count < problemLimit { problems.append(p) } }

        // MARK: Index what exists.
        var personByExt: [String: RosterPerson] = [:]
        for p in snapshot.persons { if let ext = p.externalID { personByExt[ext] = p } }
        let personByID = Dictionary(uniqueKeysWithValues: snapshot.persons.map { ($0.id, $0) })
        var classByExt: [String: SchoolClass] = [:]
        for c in snapshot.classes { if let ext = c.externalID { classByExt[ext] = c } }
        let yearByName = Dictionary(uniqueKeysWithValues: snapshot.years.map { ($0.name, $0) })
        let yearByID = Dictionary(uniqueKeysWithValues: snapshot.years.map { ($0.id, $0) })
        var subjectByFold: [String: Subject] = [:]
        for s in snapshot.subjects { subjectByFold[SearchText.fold(s.name)] = s }
        var assignmentByExt: [String: TeachingAssignment] = [:]
        for a in snapshot.assignments { if let ext = a.externalID { assignmentByExt[ext] = a } }
        let subjectByID = Dictionary(uniqueKeysWithValues: snapshot.subjects.map { ($0.id, $0) })
        let classByID = Dictionary(uniqueKeysWithValues: snapshot.classes.map { ($0.id, $0) })

        // MARK: Persons.
        var filePersons: [String: RosterDataset.Person] = [:]
        for person in data.persons {
            if filePersons[person.externalID] != nil {
                fail(person.ref.problem("external_id", "The external id «\(person.externalID)» appears twice."))
                continue
            }
            filePersons[person.externalID] = person
        }
        func role(of ext: String) -> RosterRole? { filePersons[ext]?.role ?? personByExt[ext]?.role }
        func check(_ ext: String?, is expected: RosterRole, _ ref: SourceRef, _ column: String) {
            guard let ext, !ext.isEmpty else { return }
            guard let actual = role(of: ext) else {
                fail(ref.problem(column, "No person has the external id «\(ext)»."))
                return
            }
            if actual != expected { fail(ref.problem(column, "«\(ext)» is a \(actual.rawValue), not a \(expected.rawValue).")) }
        }
        let referenced = Set(snapshot.orders.keys)
            .union(snapshot.assignments.map(\.teacherID)).union(snapshot.classes.compactMap(\.homeroomTeacherID))
            .union(snapshot.guardianships.flatMap { [$0.parent, $0.student] })
        for person in data.persons where filePersons[person.externalID] == person {
            if let existing = personByExt[person.externalID] {
                do {
                    try existing.checkRoleChange(to: person.role, hasHistory: referenced.contains(existing.id) || existing.accountID != nil)
                } catch {
                    fail(person.ref.problem("role", error.message))
                    continue
                }
                if existing.role != person.role || existing.name != person.name || existing.gender != person.gender
                    || existing.birthDate != person.birthDate || !existing.active || (person.position.map { $0 != existing.position } ?? false) {
                    plan.personsToUpdate.append((existing, person))
                    plan.report.note("persons_updated", "\(person.name.full) (\(person.externalID))")
                }
            } else {
                plan.personsToCreate.append(person)
                plan.report.note("persons_created", "\(person.role.rawValue) \(person.name.full) (\(person.externalID))")
            }
        }
        if data.mode == .bulk {
            for person in snapshot.persons where person.active {
                guard let ext = person.externalID, filePersons[ext] == nil else { continue }
                plan.personsToDeactivate.append(person)
                plan.report.note("persons_deactivated", "\(person.name.full) (\(ext))")
            }
        }

        // MARK: School years and subjects.
        var yearNames = Set(snapshot.years.map(\.name))
        for year in data.years where !yearNames.contains(year.name) {
            yearNames.insert(year.name)
            plan.yearsToCreate.append(year)
            plan.report.note("school_years_created", year.name)
        }
        for c in data.classes where !yearNames.contains(c.schoolYear) {
            yearNames.insert(c.schoolYear)
            plan.yearsToCreate.append(RosterDataset.Year(name: c.schoolYear, start: nil, end: nil))
            plan.report.note("school_years_created", c.schoolYear)
        }
        var subjectFolds = Set(subjectByFold.keys)
        for name in data.subjects + data.assignments.map(\.subject) {
            let fold = SearchText.fold(name)
            guard !fold.isEmpty, !subjectFolds.contains(fold) else { continue }
            subjectFolds.insert(fold)
            plan.subjectsToCreate.append(name)
            plan.report.note("subjects_created", name)
        }

        // MARK: Classes.
        var fileClasses: [String: RosterDataset.Class] = [:]
        var classByLabel: [String: SchoolClass] = [:]  // "year|label"
        for c in snapshot.classes {
            if let year = yearByID[c.schoolYearID] { classByLabel["\(year.name)|\(c.label)"] = c }
        }
        var claimedLabels: [String: String] = [:]
        for c in data.classes {
            if fileClasses[c.externalID] != nil {
                if !c.matchByLabel { fail(c.ref.problem("external_id", "The class «\(c.externalID)» appears twice.")) }
                continue
            }
            fileClasses[c.externalID] = c
            check(c.homeroomTeacher, is: .teacher, c.ref, "homeroom_teacher")
            let key = "\(c.schoolYear)|\(c.label)"
            if let owner = claimedLabels[key], owner != c.externalID {
                fail(c.ref.problem("class", "Class \(c.label) of \(c.schoolYear) appears under two ids («\(owner)», «\(c.externalID)»)."))
                continue
            }
            claimedLabels[key] = c.externalID
            var existing = classByExt[c.externalID]
            if existing == nil, let sameLabel = classByLabel[key] {
                guard c.matchByLabel || sameLabel.externalID == nil else {
                    fail(c.ref.problem("class", "Class \(c.label) of \(c.schoolYear) already exists with the external id «\(sameLabel.externalID!)»."))
                    continue
                }
                existing = sameLabel
            }
            if let existing {
                plan.existingClasses[c.externalID] = existing.id
                if let year = yearByID[existing.schoolYearID], year.name != c.schoolYear {
                    fail(c.ref.problem("school_year", "Class «\(c.externalID)» belongs to \(year.name), not \(c.schoolYear)."))
                    continue
                }
                guard !c.matchByLabel else { continue }
                let teacherExt = existing.homeroomTeacherID.flatMap { personByID[$0]?.externalID }
                if existing.label != c.label || teacherExt != c.homeroomTeacher || existing.externalID != c.externalID {
                    plan.classesToUpdate.append((existing, c))
                    plan.report.note("classes_updated", "\(c.label) \(c.schoolYear)")
                }
            } else {
                plan.classesToCreate.append(c)
                plan.report.note("classes_created", "\(c.label) \(c.schoolYear)")
            }
        }
        func classID(_ ext: String) -> ClassID? { plan.existingClasses[ext] ?? classByExt[ext]?.id }
        func classKnown(_ ext: String) -> Bool { fileClasses[ext] != nil || classByExt[ext] != nil }
        /// How the plan names an existing class: its external id, or `#<id>` when it has none.
        func reference(_ id: ClassID) -> String? { classByID[id].map { $0.externalID ?? "#\($0.id)" } }

        // MARK: Assignments.
        var fileAssignments: Set<String> = []
        for a in data.assignments {
            guard fileAssignments.insert(a.externalID).inserted else {
                fail(a.ref.problem("external_id", "The assignment «\(a.externalID)» appears twice."))
                continue
            }
            check(a.teacher, is: .teacher, a.ref, "teacher")
            for student in a.students { check(student, is: .student, a.ref, "students") }
            if !classKnown(a.classExternalID) { fail(a.ref.problem("class", "No class has the external id «\(a.classExternalID)».")) }
            do { try TeachingAssignment.checkStudents(group: a.group, studentCount: a.students.count) } catch {
                fail(a.ref.problem("group", error.message))
            }
            if let existing = assignmentByExt[a.externalID] {
                let same = personByID[existing.teacherID]?.externalID == a.teacher
                    && subjectByID[existing.subjectID].map({ SearchText.fold($0.name) }) == SearchText.fold(a.subject)
                    && existing.classID == classID(a.classExternalID) && existing.group == a.group
                    && Set(existing.studentIDs.compactMap { personByID[$0]?.externalID }) == Set(a.students)
                    && existing.studentIDs.count == Set(a.students).count
                if !same {
                    plan.assignmentsToUpdate.append((existing, a))
                    plan.report.note("assignments_updated", "\(a.subject) \(a.group)")
                }
            } else {
                plan.assignmentsToCreate.append(a)
                plan.report.note("assignments_created", "\(a.subject)\(a.group.isEmpty ? "" : " " + a.group)")
            }
        }
        if data.mode == .bulk {
            for a in snapshot.assignments {
                guard let ext = a.externalID, !fileAssignments.contains(ext) else { continue }
                plan.assignmentsToDelete.append(a)
                plan.report.note("assignments_deleted", subjectByID[a.subjectID]?.name ?? ext)
            }
        }

        // MARK: Guardianships.
        var fileGuardians: Set<String> = []
        for g in data.guardians {
            check(g.parent, is: .parent, g.ref, "parent")
            check(g.student, is: .student, g.ref, "student")
            guard fileGuardians.insert("\(g.parent)\u{1}\(g.student)").inserted else { continue }
            if let p = personByExt[g.parent], let s = personByExt[g.student],
                snapshot.guardianships.contains(Guardianship(parent: p.id, student: s.id))
            {
                continue
            }
            plan.guardiansToAdd.append(g)
            plan.report.note("guardianships_added", "\(g.parent) → \(g.student)")
        }
        if data.mode == .bulk {
            for g in snapshot.guardianships {
                guard let p = personByID[g.parent]?.externalID, let s = personByID[g.student]?.externalID else { continue }
                if !fileGuardians.contains("\(p)\u{1}\(s)") {
                    plan.guardiansToRemove.append(g)
                    plan.report.note("guardianships_removed", "\(p) → \(s)")
                }
            }
        }

        // MARK: Enrollments → orders.
        func yearOf(classExt: String) -> (start: LocalDate, end: LocalDate)? {
            if let c = fileClasses[classExt] {
                if let y = yearByName[c.schoolYear] { return (y.startDate, y.endDate) }
                if let y = data.years.first(where: { $0.name == c.schoolYear }), let s = y.start, let e = y.end { return (s, e) }
                guard let first = try? SchoolYear.parseName(c.schoolYear).firstYear else { return nil }
                return SchoolYear.defaultDates(firstYear: first)
            }
            if let id = classID(classExt), let c = classByID[id], let y = yearByID[c.schoolYearID] { return (y.startDate, y.endDate) }
            return nil
        }
        // Existing import orders per student external id, grouped by enrollment key.
        var existingByStudent: [String: [(order: MovementOrder, key: String)]] = [:]
        for (studentID, orders) in snapshot.orders {
            guard let ext = personByID[studentID]?.externalID else { continue }
            for order in orders where !order.cancelled {
                guard let id = order.externalID, id.hasPrefix(orderPrefix) else { continue }
                let key = String(id.dropFirst(orderPrefix.count).split(separator: "|", omittingEmptySubsequences: false).first ?? "")
                existingByStudent[ext, default: []].append((order, key))
            }
        }
        var enrollmentsByStudent: [String: [RosterDataset.Enrollment]] = [:]
        var keys: Set<String> = []
        for e in data.enrollments {
            guard keys.insert(e.key).inserted else {
                fail(e.ref.problem(nil, "The enrollment «\(e.key)» appears twice."))
                continue
            }
            check(e.student, is: .student, e.ref, "student")
            if !classKnown(e.classExternalID) {
                fail(e.ref.problem("class", "No class has the external id «\(e.classExternalID)»."))
                continue
            }
            if let begin = e.begin, let end = e.end, end <= begin {
                fail(e.ref.problem("end_date", "The enrollment ends (\(end.russian)) before it begins (\(begin.russian))."))
                continue
            }
            enrollmentsByStudent[e.student, default: []].append(e)
        }
        func orderID(_ key: String, _ what: String, _ classExt: String, _ date: LocalDate) -> String {
            "\(orderPrefix)\(key)|\(what)|\(classExt)|\(date.iso)"
        }
        let students = Set(enrollmentsByStudent.keys).union(data.mode == .bulk ? Set(existingByStudent.keys) : [])
        for student in students.sorted() {
            let existing = existingByStudent[student] ?? []
            let existingIDs = Set(existing.compactMap(\.order.externalID))
            let studentID = personByExt[student]?.id
            let currentOrders = studentID.flatMap { snapshot.orders[$0] } ?? []
            var creates: [PlannedOrder] = []
            var cancels: [MovementOrder] = []
            var desiredIDs: Set<String> = []
            let fileKeys = Set((enrollmentsByStudent[student] ?? []).map(\.key))
            for e in enrollmentsByStudent[student] ?? [] {
                let recorded = existing.filter { $0.key == e.key }
                var begin = e.begin
                if begin == nil {
                    // Keep the date recorded by an earlier import; else the school year's start, or
                    // today for a student who is already in another class (a transfer).
                    if let enroll = recorded.first(where: { $0.order.kind == .enrollment && $0.order.classID == classID(e.classExternalID) }) {
                        begin = enroll.order.effectiveDate
                    } else if let year = yearOf(classExt: e.classExternalID) {
                        let inOtherClass = EnrollmentTimeline.classOn(today, orders: currentOrders).map { $0 != classID(e.classExternalID) } ?? false
                        begin = inOtherClass ? min(max(today, year.start), year.end) : year.start
                    }
                }
                guard let begin else {
                    fail(e.ref.problem("class", "The school year of class «\(e.classExternalID)» is unknown."))
                    continue
                }
                let wanted = [PlannedOrder(externalID: orderID(e.key, "enroll", e.classExternalID, begin), student: student, kind: .enrollment, classExternalID: e.classExternalID, date: begin)]
                    + (e.end.map { [PlannedOrder(externalID: orderID(e.key, "withdraw", e.classExternalID, $0), student: student, kind: .withdrawal, classExternalID: e.classExternalID, date: $0)] } ?? [])
                for order in wanted {
                    desiredIDs.insert(order.externalID)
                    if !existingIDs.contains(order.externalID) { creates.append(order) }
                }
                // A corrected date or end, or a returning student's inferred withdrawal: cancel what the
                // file no longer says for this enrollment.
                for (order, _) in recorded where !desiredIDs.contains(order.externalID ?? "") {
                    cancels.append(order)
                }
            }
            if data.mode == .bulk {
                // Enrollments absent from the file: the student left. Their orders stay as history,
                // and a withdrawal from today is added while the resulting timeline still has them in.
                let absentKeys = Set(existing.map(\.key)).subtracting(fileKeys)
                if !absentKeys.isEmpty {
                    let timeline = simulate(currentOrders, cancelling: cancels, creating: creates, resolve: classID)
                    for key in absentKeys.sorted() {
                        let orders = existing.filter { $0.key == key }.map(\.order)
                        guard let classID = orders.first(where: { $0.kind == .enrollment })?.classID,
                            let classExt = reference(classID),
                            !orders.contains(where: { $0.externalID?.contains("|absent|") == true }),
                            let open = timeline.last(where: { $0.classID == classID && ($0.end.map { $0 > today } ?? true) })
                        else { continue }
                        let date = max(today, open.start)
                        creates.append(PlannedOrder(
                            externalID: orderID(key, "absent", classExt, date), student: student, kind: .withdrawal,
                            classExternalID: classExt, date: date))
                    }
                }
            }
            for order in creates {
                plan.ordersToCreate.append(order)
                plan.report.note(order.kind == .enrollment ? "enrollments_created" : "withdrawals_created",
                                 "\(student) \(order.kind == .enrollment ? "→" : "←") \(order.classExternalID) \(order.date.russian)")
            }
            for order in cancels {
                plan.ordersToCancel.append(order)
                plan.report.note("orders_cancelled", "\(student) \(order.kind.rawValue) \(order.effectiveDate.russian)")
            }
        }

        planLessons(data, snapshot: snapshot, claimedLabels: claimedLabels, classByLabel: classByLabel,
                    check: check, fail: fail, into: &plan)

        plan.report.warnings = data.warnings
        return problems.isEmpty ? .success(plan) : .failure(ImportFailure(problems: problems))
    }
}

extension ImportPlanner {
    /// The enrollment periods after an import's cancellations and creations, classes not yet in
    /// the database standing in under placeholder ids.
    static func simulate(
        _ current: [MovementOrder], cancelling: [MovementOrder], creating: [PlannedOrder], resolve: (String) -> ClassID?
    ) -> [EnrollmentPeriod] {
        let cancelled = Set(cancelling.map(\.id))
        var orders = current.filter { !cancelled.contains($0.id) }
        var next = (orders.map(\.id.rawValue).max() ?? 0) + 1
        var placeholders: [String: ClassID] = [:]
        for order in creating {
            let classID = resolve(order.classExternalID) ?? placeholders[order.classExternalID] ?? {
                let id = ClassID(-Int64(placeholders.count + 1))
                placeholders[order.classExternalID] = id
                return id
            }()
            orders.append(MovementOrder(
                id: OrderID(next), organizationID: OrganizationID(0), studentID: RosterPersonID(0), kind: order.kind,
                classID: classID, effectiveDate: order.date, externalID: order.externalID, cancelled: false))
            next += 1
        }
        return EnrollmentTimeline.periods(orders)
    }
}

/// An import that cannot be used: every problem found, nothing written.
public struct ImportFailure: Error, Sendable, Equatable {
    public var problems: [ImportProblem]

    public init(problems: [ImportProblem]) {
        self.problems = problems
    }
}
