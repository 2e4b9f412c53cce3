public import Foundation
import Logging
import NIOPosix
public import PartaDomain
import PartaStore

/// One file of a CSV import.
public struct ImportFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// `nil`: guessed from the header.
    public var kind: RosterCSV.Kind?

    public init(name: String, bytes: [UInt8], kind: RosterCSV.Kind? = nil) {
        self.name = name
        self.bytes = bytes
        self.kind = kind
    }
}

/// How far an import has come, for the command line's progress display.
public struct ImportProgress: Sendable, Equatable {
    public var phase: String
    public var done: Int
    public var total: Int
}

/// Imports: a file is read into a dataset, compared with the roster by the pure planner — every
/// problem refuses the whole import before anything is written — and the plan is then written in
/// short transactions (a few hundred records each), so the messenger is never kept waiting long.
extension Parta {
    static let importBatch = 400
    /// How long an import slot stays taken when its node never frees it (it crashed); a running
    /// import extends it every `importSlotHeartbeat`.
    static let importSlotLifetime: TimeInterval = 30 * 60
    static let importSlotHeartbeat: Duration = .seconds(5 * 60)

    /// Runs `body` as the organization's one import: authorized first (before any file is read:
    /// 404 for an unknown organization, 403 for someone who may not import), then admitted only
    /// if no other import of the organization is running, on any node (409 `import_in_progress`).
    public func withImportSlot<T: Sendable>(
        _ caller: Caller, organization: OrganizationID, _ body: () async throws -> T
    ) async throws -> T {
        let token = Secrets.newToken()
        let now = clock.now()
        try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard try await store.beginImportRun(organization, token: token, now: now, expiresAt: now.addingTimeInterval(Self.importSlotLifetime)) else {
                throw PartaError.conflict("import_in_progress", "Another import of this organization is running; try again when it has finished.")
            }
        }
        // The server's own share: imports hold files and plans in memory, so a few at a time.
        guard importGate.enter() else {
            try? await database.write { store in try await store.endImportRun(organization, token: token) }
            throw PartaError(
                .unavailable(retryAfterSeconds: 30), code: "imports_busy",
                message: "The server is busy with other schools' imports; try again in a minute.")
        }
        defer { importGate.leave() }
        // Still running: the slot's deadline moves on, so no second import starts meanwhile.
        let heartbeat = Task { [database, clock] in
            while true {
                try await Task.sleep(for: Self.importSlotHeartbeat)
                let now = clock.now()
                try await database.write { store in
                    try await store.extendImportRun(organization, token: token, until: now.addingTimeInterval(Self.importSlotLifetime))
                }
            }
        }
        defer { heartbeat.cancel() }
        do {
            let result = try await body()
            try await database.write { store in try await store.endImportRun(organization, token: token) }
            return result
        } catch {
            try? await database.write { store in try await store.endImportRun(organization, token: token) }
            throw error
        }
    }

    /// An uploaded CSV file's bytes, read on a thread of its own.
    public func readImportFile(_ file: URL) async throws -> [UInt8] {
        try await NIOThreadPool.singleton.runIfActive { Array(try Data(contentsOf: file)) }
    }

    /// The CSV files of an uploaded OneRoster zip, unpacked within `config.imports` on a thread of
    /// its own: inflating is blocking work that must not hold up the concurrency pool.
    public func unzipImport(_ file: URL) async throws -> [String: [UInt8]] {
        let limits = config.imports
        return try await NIOThreadPool.singleton.runIfActive { try ImportFiles.unzip(file: file, limits: limits) }
    }

    /// Imports Parta's CSV files (people, classes, assignments, guardians, lessons), creating and
    /// updating records; nothing absent is touched, but for a term's lessons (see `RosterCSV`).
    public func importCSV(
        _ caller: Caller, organization: OrganizationID, files: [ImportFile], dryRun: Bool,
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> ImportReport {
        let date: LocalDate = try await database.read { store in
            self.today(of: try await rosterAccess(caller, organization, write: true, in: store))
        }
        var data = RosterDataset(mode: .upsert, source: "csv")
        var problems: [ImportProblem] = []
        var tables: [(CSVTable, RosterCSV.Kind)] = []
        for file in files {
            do {
                let table = try CSVReader.read(file.bytes, file: file.name)
                guard let kind = file.kind ?? RosterCSV.detectKind(table) else {
                    problems.append(ImportProblem(
                        file: file.name, line: 1, column: nil,
                        problem: "Cannot tell what this file holds; its header needs the columns of people, classes, assignments, guardians or lessons."))
                    continue
                }
                tables.append((table, kind))
            } catch {
                problems.append(error)
            }
        }
        // Classes first, so people, assignments and lessons find them by label.
        let order: [RosterCSV.Kind] = [.classes, .people, .assignments, .guardians, .lessons]
        for (table, kind) in tables.sorted(by: { order.firstIndex(of: $0.1)! < order.firstIndex(of: $1.1)! }) {
            problems += RosterCSV.read(table, kind: kind, defaultSchoolYear: SchoolYear.name(containing: date), into: &data)
        }
        return try await runImport(
            caller, organization: organization, data, today: date, dryRun: dryRun, progress: progress, earlierProblems: problems)
    }

    /// Imports a OneRoster 1.1 or 1.2 bulk export (files by name); the files are the whole roster.
    public func importOneRoster(
        _ caller: Caller, organization: OrganizationID, files: [String: [UInt8]], school: String?, dryRun: Bool,
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) async throws -> ImportReport {
        let date: LocalDate = try await database.read { store in
            self.today(of: try await rosterAccess(caller, organization, write: true, in: store))
        }
        switch OneRoster.read(files: files, school: school, today: date) {
        case .failure(let failure):
            throw Self.importRefused(failure.problems)
        case .success(let data):
            return try await runImport(caller, organization: organization, data, today: date, dryRun: dryRun, progress: progress)
        }
    }

    static func importRefused(_ problems: [ImportProblem]) -> PartaError {
        let count = problems.count >= ImportPlanner.problemLimit ? "\(problems.count)+" : "\(problems.count)"
        return PartaError(
            .badRequest, code: "import_invalid",
            message: "The import has \(count) problem(s); nothing was imported. First: \(problems[0]).",
            details: ["problems": .problems(problems)])
    }

    func snapshot(of organization: OrganizationID, in store: Store) async throws -> RosterSnapshot {
        RosterSnapshot(
            persons: try await store.allPersons(of: organization), years: try await store.schoolYears(of: organization),
            subjects: try await store.subjects(of: organization), classes: try await store.classes(of: organization),
            assignments: try await store.assignments(of: organization),
            guardianships: try await store.guardianships(of: organization), orders: try await store.allOrders(of: organization),
            lessons: try await store.importedLessons(of: organization))
    }

    func runImport(
        _ caller: Caller, organization: OrganizationID, _ data: RosterDataset, today: LocalDate, dryRun: Bool,
        progress: (@Sendable (ImportProgress) -> Void)?, earlierProblems: [ImportProblem] = []
    ) async throws -> ImportReport {
        let current: RosterSnapshot = try await database.read { store in try await self.snapshot(of: organization, in: store) }
        var plan: ImportPlan
        // The planner runs even after reading problems, so one refusal lists duplicates and unknown
        // references too.
        switch ImportPlanner.plan(data, snapshot: current, today: today) {
        case .failure(let failure): throw Self.importRefused(earlierProblems + failure.problems)
        case .success(let planned):
            guard earlierProblems.isEmpty else { throw Self.importRefused(earlierProblems) }
            plan = planned
        }
        plan.report.dryRun = dryRun
        if dryRun { return plan.report }
        let writer = ImportWriter(parta: self, organization: organization, source: data.source, progress: progress)
        try await writer.apply(plan)
        var report = plan.report
        report.longestBatchMilliseconds = writer.longest.withLock { $0 }
        try await database.write { store in
            try await audit(store, caller, .rosterImported, organization: organization, target: ("organization", "\(organization)"),
                            details: report.counts.mapValues { String($0) }.merging(["source": data.source]) { a, _ in a })
        }
        logger.info("roster.imported", metadata: [
            "parta.organization.id": "\(organization)", "parta.import.source": "\(data.source)",
            "parta.import.longest_batch_ms": "\(report.longestBatchMilliseconds ?? 0)",
        ])
        return report
    }
}

import Synchronization

/// Writes an import plan in batches, each its own short transaction. The chats follow once at the
/// end, class by class, instead of after every batch: an import's batches would otherwise re-plan
/// the same classes again and again (every people, order and guardianship batch touches them).
final class ImportWriter: Sendable {
    let parta: Parta
    let organization: OrganizationID
    let source: String
    let progress: (@Sendable (ImportProgress) -> Void)?
    let longest = Mutex<Double>(0)
    /// The chats the batches touched, brought to the roster by `syncChats()` at the end.
    let touched = Mutex(ChatScope())
    /// The people whose standing the batches may have changed, checked at the end too.
    let candidates = Mutex(Set<RosterPersonID>())
    /// Changes that may end a direct chat's relation (moves, guardianships, homerooms).
    let relations = Mutex([RosterEvent]())
    /// Classes re-planned per transaction at the end.
    static let classesPerChatStep = 8

    init(parta: Parta, organization: OrganizationID, source: String, progress: (@Sendable (ImportProgress) -> Void)?) {
        self.parta = parta
        self.organization = organization
        self.source = source
        self.progress = progress
    }

    var now: Date { parta.clock.now() }

    /// One timed transaction that records its events (the chats they touch follow in `syncChats`).
    func batch(_ body: (Store) async throws -> [RosterEvent]) async throws {
        try await timed { store in
            let events = try await body(store)
            let scope = try await parta.record(events, organization: organization, in: store)
            touched.withLock { $0.formUnion(scope) }
            candidates.withLock { $0.formUnion(Parta.standingCandidates(events)) }
            relations.withLock { list in
                list += events.filter {
                    switch $0 {
                    case .enrollmentChanged, .guardianshipChanged, .homeroomChanged: true
                    default: false
                    }
                }
            }
        }
    }

    func timed(_ body: (Store) async throws -> Void) async throws {
        let start = ContinuousClock.now
        try await parta.database.write { store in try await body(store) }
        let ms = (ContinuousClock.now - start).milliseconds
        longest.withLock { $0 = max($0, ms) }
    }

    /// Brings every chat the import touched to the roster: the staff room first, then a few classes
    /// per short transaction. Interrupted, `parta chats init` finishes the job.
    func syncChats() async throws {
        let org = organization
        let parta = parta
        guard let found = try await parta.database.read({ try await $0.organization(org) }) else { return }
        // People the import deactivated or withdrew for good lose their links first (and people it
        // brought back get theirs again) — their access ends in the same transaction, member rows,
        // own rows and direct chats alike; then the roster's chats follow.
        for chunk in candidates.withLock({ $0 }).sorted().chunked(Parta.importBatch) {
            try await timed { store in
                try await parta.lockRoster(org, in: store)
                let events = try await parta.settleStanding(Set(chunk), organization: found, in: store)
                var scope = try await parta.record(events, organization: org, in: store)
                try await parta.followLinks(scope.links, organization: org, now: parta.clock.now(), in: store)
                try await parta.settleAccounts(Parta.leavingAccounts(events), organization: found, in: store)
                scope.links = []
                touched.withLock { $0.formUnion(scope) }
            }
        }
        let scope = touched.withLock { $0 }
        guard !scope.isEmpty else { return }
        let classes = try await parta.database.read { store in try await parta.affectedClasses(scope, organization: org, in: store) }
        var first = ChatScope(staffRoom: scope.staffRoom)
        first.links = scope.links
        let steps = [first] + classes.sorted().chunked(Self.classesPerChatStep).map { ChatScope(classes: Set($0)) }
        for (index, step) in steps.enumerated() where !step.isEmpty {
            report("chats", index, steps.count)
            try await timed { store in _ = try await parta.syncChats(step, organization: found, creation: .automatic, in: store) }
        }
        let moves = relations.withLock { $0 }
        if !moves.isEmpty {
            try await timed { store in
                try await parta.recheckDirectChats(
                    of: try await parta.relatedAccounts(moves, organization: org, in: store), organization: found, in: store)
            }
        }
    }

    func report(_ phase: String, _ done: Int, _ total: Int) {
        progress?(ImportProgress(phase: phase, done: done, total: total))
    }

    func apply(_ plan: ImportPlan) async throws {
        let org = organization
        // School years and subjects.
        try await batch { store in
            var events: [RosterEvent] = []
            for year in plan.yearsToCreate {
                let (name, first) = try SchoolYear.parseName(year.name)
                let defaults = SchoolYear.defaultDates(firstYear: first)
                let created = try await store.insertSchoolYear(
                    organization: org, name: name, start: year.start ?? defaults.0, end: year.end ?? defaults.1, now: now)
                events.append(.schoolYearChanged(created.id))
            }
            for name in plan.subjectsToCreate {
                events.append(.subjectChanged(try await store.insertSubject(organization: org, name: try Subject.checkName(name), externalID: nil, now: now).id))
            }
            return events
        }

        // People.
        let created = plan.personsToCreate
        for (i, chunk) in created.chunked(Parta.importBatch).enumerated() {
            report("people", i * Parta.importBatch, created.count)
            try await batch { store in
                try await store.insertPersons(Array(chunk), organization: org, now: now)
                return []
            }
        }
        let personIDs = try await parta.database.read { try await $0.personIDsByExternalID(of: org) }
        let createdEvents = created.compactMap { personIDs[$0.externalID] }.map { RosterEvent.personChanged($0) }
        for chunk in plan.personsToUpdate.chunked(Parta.importBatch) {
            try await batch { store in
                for (existing, record) in chunk {
                    var person = existing
                    person.role = record.role
                    person.name = record.name
                    person.gender = record.gender
                    person.birthDate = record.birthDate
                    if let position = record.position { person.position = position }
                    // A role without a position or a mark loses it (as editing the person does).
                    if !record.role.isStaff { person.position = "" }
                    if record.role != .parent { person.parentsCommittee = false }
                    if record.role != .student { person.studentCouncil = false }
                    person.active = true
                    try await store.updatePerson(person, now: now)
                }
                return chunk.map { .personChanged($0.0.id) }
            }
        }
        if !plan.personsToDeactivate.isEmpty {
            try await batch { store in
                try await store.setActive(plan.personsToDeactivate.map(\.id), false, now: now)
                return plan.personsToDeactivate.map { .personChanged($0.id) }
            }
        }
        // The new people's events, recorded once their ids exist.
        for chunk in createdEvents.chunked(1000) {
            try await batch { _ in Array(chunk) }
        }
        report("people", created.count, created.count)

        // Classes.
        let years = Dictionary(uniqueKeysWithValues: try await parta.database.read { try await $0.schoolYears(of: org) }.map { ($0.name, $0.id) })
        for chunk in (plan.classesToCreate.map { ($0, nil as SchoolClass?) } + plan.classesToUpdate.map { ($0.1, $0.0) }).chunked(Parta.importBatch) {
            try await batch { store in
                var events: [RosterEvent] = []
                for (record, existing) in chunk {
                    let teacher = record.homeroomTeacher.flatMap { personIDs[$0] }
                    if let existing {
                        try await store.updateClass(existing.id, label: record.label, homeroomTeacher: teacher, externalID: record.externalID)
                        events.append(.classChanged(existing.id))
                        if existing.homeroomTeacherID != teacher { events.append(.homeroomChanged(existing.id, from: existing.homeroomTeacherID, to: teacher)) }
                    } else {
                        let c = try await store.insertClass(
                            organization: org, schoolYear: years[record.schoolYear]!, label: record.label, homeroomTeacher: teacher,
                            externalID: record.externalID, now: now)
                        events.append(.classChanged(c.id))
                        if let teacher { events.append(.homeroomChanged(c.id, from: nil, to: teacher)) }
                    }
                }
                return events
            }
        }
        let classIDs = try await parta.database.read { try await $0.classIDsByExternalID(of: org) }
        func classID(_ ext: String) -> ClassID? {
            if ext.hasPrefix("#"), let raw = Int64(ext.dropFirst()) { return ClassID(raw) }
            return plan.existingClasses[ext] ?? classIDs[ext]
        }

        // Teaching assignments.
        let subjects = Dictionary(try await parta.database.read { try await $0.subjects(of: org) }.map { (SearchText.fold($0.name), $0.id) }) { a, _ in a }
        let assignmentWork = plan.assignmentsToDelete.map { (nil as RosterDataset.Assignment?, $0 as TeachingAssignment?) }
            + plan.assignmentsToCreate.map { ($0, nil) } + plan.assignmentsToUpdate.map { ($0.1, $0.0) }
        for (i, chunk) in assignmentWork.chunked(Parta.importBatch).enumerated() {
            report("assignments", i * Parta.importBatch, assignmentWork.count)
            try await batch { store in
                var events: [RosterEvent] = []
                for (record, existing) in chunk {
                    guard let record else {
                        try await store.deleteAssignment(existing!.id)
                        events.append(.assignmentRemoved(existing!.id, classID: existing!.classID))
                        continue
                    }
                    let teacher = personIDs[record.teacher]!, subject = subjects[SearchText.fold(record.subject)]!
                    let c = classID(record.classExternalID)!
                    let students = record.students.compactMap { personIDs[$0] }
                    let id: AssignmentID
                    if let existing {
                        id = existing.id
                        try await store.updateAssignment(id, teacher: teacher, subject: subject, classID: c, group: record.group, externalID: record.externalID)
                        if existing.classID != c { events.append(.assignmentRemoved(id, classID: existing.classID)) }
                    } else {
                        id = try await store.insertAssignment(
                            organization: org, teacher: teacher, subject: subject, classID: c, group: record.group,
                            externalID: record.externalID, now: now)
                    }
                    if existing != nil || !students.isEmpty { try await store.setAssignmentStudents(id, students) }
                    events.append(.assignmentChanged(id, classID: c))
                }
                return events
            }
        }

        // Guardianships.
        let added = plan.guardiansToAdd.compactMap { g -> Guardianship? in
            guard let p = personIDs[g.parent], let s = personIDs[g.student] else { return nil }
            return Guardianship(parent: p, student: s)
        }
        for chunk in added.chunked(Parta.importBatch) {
            try await batch { store in
                try await store.insertGuardianships(Array(chunk), organization: org, now: now)
                return chunk.map { .guardianshipChanged(parent: $0.parent, student: $0.student) }
            }
        }
        for chunk in plan.guardiansToRemove.chunked(Parta.importBatch) {
            try await batch { store in
                for g in chunk { try await store.removeGuardianship(parent: g.parent, student: g.student) }
                return chunk.map { .guardianshipChanged(parent: $0.parent, student: $0.student) }
            }
        }

        // Orders, student by student, with their enrollment periods.
        var byStudent: [RosterPersonID: (creates: [PlannedOrder], cancels: [OrderID])] = [:]
        for order in plan.ordersToCreate { byStudent[personIDs[order.student]!, default: ([], [])].creates.append(order) }
        for order in plan.ordersToCancel { byStudent[order.studentID, default: ([], [])].cancels.append(order.id) }
        let students = byStudent.keys.sorted()
        for (i, chunk) in students.chunked(Parta.importBatch).enumerated() {
            report("orders", i * Parta.importBatch, students.count)
            try await batch { store in
                try await store.cancelOrders(chunk.flatMap { byStudent[$0]!.cancels }, now: now)
                let rows = chunk.flatMap { student in
                    byStudent[student]!.creates.sorted { ($0.date, $0.kind == .withdrawal ? 0 : 1) < ($1.date, $1.kind == .withdrawal ? 0 : 1) }
                        .map { (student: student, kind: $0.kind, classID: classID($0.classExternalID)!, date: $0.date, externalID: $0.externalID) }
                }
                try await store.insertOrders(rows, organization: org, source: source, now: now)
                let orders = try await store.orders(of: Array(chunk))
                let before = try await store.enrollmentPeriods(of: Array(chunk))
                var after: [RosterPersonID: [EnrollmentPeriod]] = [:]
                var events: [RosterEvent] = []
                for student in chunk {
                    let periods = EnrollmentTimeline.periods(orders[student] ?? [])
                    let old = before[student] ?? []
                    guard periods != old else { continue }
                    after[student] = periods
                    events.append(.enrollmentChanged(student: student, classes: EnrollmentTimeline.affectedClasses(before: old, after: periods).sorted()))
                }
                try await store.replaceEnrollmentPeriods(after)
                return events
            }
        }
        report("orders", students.count, students.count)
        try await writeLessons(plan, classID: classID, persons: personIDs)
        try await syncChats()
    }

    /// The timetable's part of a plan: lessons created, changed (a cancelled one restored), cancelled.
    /// Lessons touch no chat: no events.
    func writeLessons(_ plan: ImportPlan, classID: (String) -> ClassID?, persons: [String: RosterPersonID]) async throws {
        let org = organization
        let subjects = Dictionary(try await parta.database.read { try await $0.subjects(of: org) }.map { (SearchText.fold($0.name), $0.id) }) { a, _ in a }
        func record(_ planned: PlannedLesson) throws -> LessonRecord {
            let l = planned.lesson
            // The planner checked each of these; a miss here is a bug, refused rather than guessed.
            guard let classID = classID(planned.classRef), let subject = subjects[SearchText.fold(l.subject)], let teacher = persons[l.teacher] else {
                throw PartaError.conflict("import_changed", "The roster changed while the lessons were written; import the file again.")
            }
            return LessonRecord(
                date: l.date, start: l.start, end: l.end, classID: classID, group: l.group, subjectID: subject, teacherID: teacher,
                topic: l.topic, room: l.room, externalID: l.externalID)
        }
        let work = plan.lessonsToCreate.map { (nil as Lesson?, $0) } + plan.lessonsToUpdate.map { ($0.0 as Lesson?, $0.1) }
        for (i, chunk) in work.chunked(Parta.importBatch).enumerated() {
            report("lessons", i * Parta.importBatch, work.count)
            try await batch { store in
                for (existing, planned) in chunk {
                    if let existing {
                        try await store.updateLesson(existing.id, try record(planned), now: now)
                        if existing.cancelled { try await store.setLessonsCancelled([existing.id], false, now: now) }
                    } else {
                        _ = try await store.insertLesson(try record(planned), organization: org, now: now)
                    }
                }
                return []
            }
        }
        for chunk in plan.lessonsToCancel.chunked(Parta.importBatch) {
            try await batch { store in
                try await store.setLessonsCancelled(chunk.map(\.id), true, now: now)
                return []
            }
        }
    }
}
