extension ImportPlanner {
    /// The lessons of a file against the roster: each must name a class of its school year (in
    /// the file or the database), a subject the school has or the file adds, a teacher, a group
    /// the class has, and a date within the year. A file is a term of the timetable: imported
    /// lessons of each of its classes between that class's first and last date in the file that
    /// it no longer lists are cancelled.
    static func planLessons(
        _ data: RosterDataset, snapshot: RosterSnapshot, claimedLabels: [String: String],
        classByLabel: [String: SchoolClass], check: (String?, RosterRole, SourceRef, String) -> Void, fail: (ImportProblem) -> Void,
        into plan: inout ImportPlan
    ) {
        guard !data.lessons.isEmpty else { return }
        let personByID = Dictionary(uniqueKeysWithValues: snapshot.persons.map { ($0.id, $0) })
        let subjectByID = Dictionary(uniqueKeysWithValues: snapshot.subjects.map { ($0.id, $0) })
        let subjects = Set(snapshot.subjects.map { SearchText.fold($0.name) }).union(plan.subjectsToCreate.map(SearchText.fold))
        var existingByExt: [String: Lesson] = [:]
        for lesson in snapshot.lessons { if let ext = lesson.externalID { existingByExt[ext] = lesson } }

        /// The class a lesson names: how the writer finds it, and its id when it exists already.
        func resolve(_ lesson: RosterDataset.Lesson) -> (ref: String, id: ClassID?)? {
            let key = "\(lesson.schoolYear)|\(lesson.classLabel)"
            if let ext = claimedLabels[key] { return (ext, plan.existingClasses[ext]) }
            if let existing = classByLabel[key] { return (existing.externalID ?? "#\(existing.id)", existing.id) }
            return nil
        }
        func yearDates(_ name: String) -> (start: LocalDate, end: LocalDate)? {
            if let year = snapshot.years.first(where: { $0.name == name }) { return (year.startDate, year.endDate) }
            if let year = data.years.first(where: { $0.name == name }), let start = year.start, let end = year.end { return (start, end) }
            return (try? SchoolYear.parseName(name).firstYear).map { SchoolYear.defaultDates(firstYear: $0) }
        }
        func groups(ref: String, id: ClassID?) -> Set<String> {
            var groups = Set(data.assignments.filter { $0.classExternalID == ref }.map(\.group))
            if let id { groups.formUnion(snapshot.assignments.filter { $0.classID == id }.map(\.group)) }
            return groups
        }

        var seen: Set<String> = []
        /// The dates the file covers, class by class: it speaks for those only.
        var spans: [ClassID: (first: LocalDate, last: LocalDate)] = [:]
        for lesson in data.lessons {
            guard seen.insert(lesson.externalID).inserted else {
                fail(lesson.ref.problem("external_id", "The lesson «\(lesson.externalID)» appears twice."))
                continue
            }
            check(lesson.teacher, .teacher, lesson.ref, "teacher")
            guard let (ref, id) = resolve(lesson) else {
                fail(lesson.ref.problem("class", "There is no class \(lesson.classLabel) in \(lesson.schoolYear)."))
                continue
            }
            if let id {
                let span = spans[id] ?? (lesson.date, lesson.date)
                spans[id] = (min(span.first, lesson.date), max(span.last, lesson.date))
            }
            if !subjects.contains(SearchText.fold(lesson.subject)) {
                fail(lesson.ref.problem("subject", "The school has no subject «\(lesson.subject)»; add it, or its teaching assignment, first."))
            }
            if let year = yearDates(lesson.schoolYear), !(year.start...year.end).contains(lesson.date) {
                fail(lesson.ref.problem("date", "\(lesson.date.russian) is outside the school year \(lesson.schoolYear)."))
            }
            if !lesson.group.isEmpty, !groups(ref: ref, id: id).contains(lesson.group) {
                fail(lesson.ref.problem("group", "Class \(lesson.classLabel) has no group «\(lesson.group)»; groups come from its teaching assignments."))
            }
            let planned = PlannedLesson(lesson: lesson, classRef: ref)
            let example = "\(lesson.date.russian) \(lesson.start) \(lesson.classLabel) \(lesson.subject)"
            guard let existing = existingByExt[lesson.externalID] else {
                plan.lessonsToCreate.append(planned)
                plan.report.note("lessons_created", example)
                continue
            }
            let same = !existing.cancelled && existing.date == lesson.date && existing.start == lesson.start && existing.end == lesson.end
                && existing.classID == id && existing.group == lesson.group && existing.topic == lesson.topic && existing.room == lesson.room
                && subjectByID[existing.subjectID].map({ SearchText.fold($0.name) }) == SearchText.fold(lesson.subject)
                && personByID[existing.teacherID]?.externalID == lesson.teacher
            if !same {
                plan.lessonsToUpdate.append((existing, planned))
                plan.report.note("lessons_updated", example)
            }
        }
        for lesson in snapshot.lessons where !lesson.cancelled && !seen.contains(lesson.externalID ?? "") {
            guard let span = spans[lesson.classID], (span.first...span.last).contains(lesson.date) else { continue }
            plan.lessonsToCancel.append(lesson)
            plan.report.note("lessons_cancelled", "\(lesson.date.russian) \(lesson.start) \(lesson.externalID ?? "")")
        }
    }
}
