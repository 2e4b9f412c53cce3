/// Parta's own CSV roster files, as a school's spreadsheet exports them (docs/roster-import.md).
///
/// - `people.csv`: `external_id; role; surname; given_name; patronymic; gender; birth_date;
///   class; school_year; enrolled_on` — a student's `class` (`10А`) enrolls them there.
/// - `classes.csv`: `external_id; school_year; class; homeroom_teacher` (a teacher's external id).
/// - `assignments.csv`: `external_id; teacher; subject; class; group; students` (students:
///   external ids separated by spaces or commas; only for a group).
/// - `guardians.csv`: `parent; student` (external ids).
/// - `lessons.csv`: `external_id; date; start; end; class; group; subject; teacher; topic; room` —
///   a term of the timetable at a time: the imported lessons of the file's classes between its
///   first and last date that the file no longer has are cancelled.
///
/// Headers may also be written in Russian (`фамилия`, `имя`, `класс`, …). Rows upsert: absent
/// records are left alone. Classes are named by label within a school year (default: the
/// current one); a named class that does not exist is created.
public enum RosterCSV {
    public enum Kind: String, Sendable, CaseIterable {
        case people, classes, assignments, guardians, lessons
    }

    static let aliases: [String: [String]] = [
        "external_id": ["external_id", "id", "внешний id", "внешний_id", "код", "идентификатор"],
        "role": ["role", "роль"],
        "surname": ["surname", "last_name", "family_name", "фамилия"],
        "given_name": ["given_name", "first_name", "имя"],
        "patronymic": ["patronymic", "middle_name", "отчество"],
        "gender": ["gender", "sex", "пол"],
        "birth_date": ["birth_date", "birthdate", "дата рождения", "дата_рождения"],
        "position": ["position", "должность"],
        "class": ["class", "класс"],
        "school_year": ["school_year", "учебный год", "учебный_год"],
        "enrolled_on": ["enrolled_on", "дата зачисления", "дата_зачисления"],
        "homeroom_teacher": ["homeroom_teacher", "классный руководитель", "классный_руководитель"],
        "teacher": ["teacher", "учитель"],
        "subject": ["subject", "предмет"],
        "group": ["group", "группа"],
        "students": ["students", "ученики"],
        "parent": ["parent", "родитель"],
        "student": ["student", "ученик"],
        "date": ["date", "дата", "дата урока", "дата_урока"],
        "start": ["start", "начало", "время начала", "время_начала"],
        "end": ["end", "окончание", "конец", "время окончания", "время_окончания"],
        "topic": ["topic", "тема", "тема урока", "тема_урока"],
        "room": ["room", "кабинет", "аудитория"],
    ]

    static let required: [Kind: [String]] = [
        .people: ["external_id", "role", "surname", "given_name"],
        .classes: ["class"],
        .assignments: ["external_id", "teacher", "subject", "class"],
        .guardians: ["parent", "student"],
        .lessons: ["external_id", "date", "start", "end", "class", "subject", "teacher"],
    ]

    /// Guesses the kind of a file from its header (people have surnames, guardians parents…).
    public static func detectKind(_ table: CSVTable) -> Kind? {
        let columns = Columns(table)
        if columns.has("surname") { return .people }
        if columns.has("date") && columns.has("start") { return .lessons }
        if columns.has("parent") { return .guardians }
        if columns.has("teacher") && columns.has("subject") { return .assignments }
        if columns.has("class") { return .classes }
        return nil
    }

    struct Columns {
        var index: [String: Int] = [:]
        init(_ table: CSVTable) {
            for (canonical, names) in RosterCSV.aliases {
                if let i = names.lazy.compactMap({ table.column($0) }).first { index[canonical] = i }
            }
        }
        func has(_ name: String) -> Bool { index[name] != nil }
        func value(_ name: String, _ row: CSVTable.Row) -> String {
            guard let i = index[name] else { return "" }
            return row.fields[i].trimmingWhitespace()
        }
    }

    /// Adds the records of one file to `data`; returns the problems found (nothing is partial:
    /// the caller refuses the whole import when any file has problems).
    public static func read(
        _ table: CSVTable, kind: Kind, defaultSchoolYear: String, into data: inout RosterDataset
    ) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        let columns = Columns(table)
        for name in required[kind]! where !columns.has(name) {
            problems.append(ImportProblem(
                file: table.file, line: 1, column: name,
                problem: "The column «\(name)» is missing (also accepted: \(aliases[name]!.dropFirst().joined(separator: ", ")))."))
        }
        guard problems.isEmpty else { return problems }
        func note(_ row: CSVTable.Row, _ column: String?, _ text: String) {
            if problems.count < ImportPlanner.problemLimit {
                problems.append(ImportProblem(file: table.file, line: row.line, column: column, problem: text))
            }
        }
        func year(_ row: CSVTable.Row) -> String? {
            let raw = columns.value("school_year", row)
            guard !raw.isEmpty else { return defaultSchoolYear }
            do { return try SchoolYear.parseName(raw).name } catch {
                note(row, "school_year", error.message)
                return nil
            }
        }
        func classRef(_ row: CSVTable.Row, column: String = "class", schoolYear: String) -> String? {
            do {
                let label = try ClassLabel.parse(columns.value(column, row))
                if let listed = data.classes.first(where: { $0.schoolYear == schoolYear && $0.label == label }) {
                    return listed.externalID
                }
                let ext = "\(schoolYear) \(label)"
                if !data.classes.contains(where: { $0.externalID == ext }) {
                    data.classes.append(RosterDataset.Class(
                        externalID: ext, schoolYear: schoolYear, label: label, homeroomTeacher: nil, matchByLabel: true,
                        ref: SourceRef(file: table.file, line: row.line)))
                }
                return ext
            } catch {
                note(row, column, error.message)
                return nil
            }
        }
        for row in table.rows {
            let ref = SourceRef(file: table.file, line: row.line)
            switch kind {
            case .people:
                let ext = columns.value("external_id", row)
                guard !ext.isEmpty else { note(row, "external_id", "Every person needs an external id."); continue }
                do {
                    let role = try RosterRole.parse(columns.value("role", row))
                    let name = try PersonName(
                        validatingSurname: columns.value("surname", row), givenName: columns.value("given_name", row),
                        patronymic: columns.value("patronymic", row))
                    let gender: Gender
                    do { gender = try Gender.parse(columns.value("gender", row)) } catch {
                        note(row, "gender", error.message)
                        continue
                    }
                    let birth = columns.value("birth_date", row)
                    var birthDate: LocalDate?
                    if !birth.isEmpty {
                        guard let parsed = LocalDate(parsing: birth) else {
                            note(row, "birth_date", "«\(birth)» is not a date; write 17.05.2010 or 2010-05-17.")
                            continue
                        }
                        birthDate = parsed
                    }
                    var position: String?
                    if columns.has("position") {
                        do { position = try RosterPerson.checkPosition(columns.value("position", row), role: role) } catch {
                            note(row, "position", error.message)
                            continue
                        }
                    }
                    data.persons.append(RosterDataset.Person(
                        externalID: ext, role: role, name: name, gender: gender, birthDate: birthDate, position: position, ref: ref))
                    guard !columns.value("class", row).isEmpty else { continue }
                    guard role == .student else { note(row, "class", "Only students are enrolled in a class."); continue }
                    guard let schoolYear = year(row), let classExt = classRef(row, schoolYear: schoolYear) else { continue }
                    let enrolledRaw = columns.value("enrolled_on", row)
                    var enrolled: LocalDate?
                    if !enrolledRaw.isEmpty {
                        guard let parsed = LocalDate(parsing: enrolledRaw) else {
                            note(row, "enrolled_on", "«\(enrolledRaw)» is not a date.")
                            continue
                        }
                        enrolled = parsed
                    }
                    data.enrollments.append(RosterDataset.Enrollment(
                        key: "csv:\(ext):\(classExt)", student: ext, classExternalID: classExt, begin: enrolled, end: nil, ref: ref))
                } catch {
                    let column: String =
                        switch error.code {
                        case "invalid_role": "role"
                        default: (error.details["field"]).flatMap { if case .string(let f) = $0 { f } else { nil } } ?? "surname"
                        }
                    note(row, column, error.message)
                }
            case .classes:
                guard let schoolYear = year(row) else { continue }
                let label: ClassLabel
                do { label = try ClassLabel.parse(columns.value("class", row)) } catch {
                    note(row, "class", error.message)
                    continue
                }
                let given = columns.value("external_id", row)
                let teacher = columns.value("homeroom_teacher", row)
                data.classes.append(RosterDataset.Class(
                    externalID: given.isEmpty ? "\(schoolYear) \(label)" : given, schoolYear: schoolYear, label: label,
                    homeroomTeacher: teacher.isEmpty ? nil : teacher, ref: ref))
            case .assignments:
                let ext = columns.value("external_id", row)
                guard !ext.isEmpty else { note(row, "external_id", "Every assignment needs an external id."); continue }
                guard let schoolYear = year(row), let classExt = classExtForAssignment(row, columns, schoolYear, &data, note) else { continue }
                let subject = columns.value("subject", row)
                do { _ = try Subject.checkName(subject) } catch {
                    note(row, "subject", error.message)
                    continue
                }
                let group: String
                do { group = try TeachingAssignment.checkGroup(columns.value("group", row)) } catch {
                    note(row, "group", error.message)
                    continue
                }
                let students = columns.value("students", row).split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" }).map(String.init)
                data.assignments.append(RosterDataset.Assignment(
                    externalID: ext, teacher: columns.value("teacher", row), subject: subject, classExternalID: classExt,
                    group: group, students: students, ref: ref))
            case .guardians:
                let parent = columns.value("parent", row), student = columns.value("student", row)
                guard !parent.isEmpty, !student.isEmpty else { note(row, nil, "Both the parent and the student are needed."); continue }
                data.guardians.append(RosterDataset.Guardian(parent: parent, student: student, ref: ref))
            case .lessons:
                guard let schoolYear = year(row) else { continue }
                switch lesson(row, columns, schoolYear: schoolYear, ref: ref) {
                case .success(let lesson): data.lessons.append(lesson)
                case .failure(let problem): note(row, problem.column, problem.problem)
                }
            }
        }
        return problems
    }

    /// An assignment's class: a class of classes.csv by label, or one named only here.
    static func classExtForAssignment(
        _ row: CSVTable.Row, _ columns: Columns, _ schoolYear: String, _ data: inout RosterDataset,
        _ note: (CSVTable.Row, String?, String) -> Void
    ) -> String? {
        let label: ClassLabel
        do { label = try ClassLabel.parse(columns.value("class", row)) } catch {
            note(row, "class", error.message)
            return nil
        }
        if let listed = data.classes.first(where: { $0.schoolYear == schoolYear && $0.label == label }) { return listed.externalID }
        let ext = "\(schoolYear) \(label)"
        data.classes.append(RosterDataset.Class(
            externalID: ext, schoolYear: schoolYear, label: label, homeroomTeacher: nil, matchByLabel: true,
            ref: SourceRef(file: "", line: row.line)))
        return ext
    }

    /// A row of lessons.csv, checked on its own (the planner checks it against the roster).
    static func lesson(_ row: CSVTable.Row, _ columns: Columns, schoolYear: String, ref: SourceRef) -> Result<RosterDataset.Lesson, ImportProblem> {
        func problem(_ column: String, _ text: String) -> Result<RosterDataset.Lesson, ImportProblem> {
            .failure(ref.problem(column, text))
        }
        let ext: String
        do {
            guard let checked = try RosterPerson.checkExternalID(columns.value("external_id", row)) else {
                return problem("external_id", "Every lesson needs an external id.")
            }
            ext = checked
        } catch { return problem("external_id", error.message) }
        let rawDate = columns.value("date", row)
        guard let date = LocalDate(parsing: rawDate) else { return problem("date", "«\(rawDate)» is not a date; write 01.09.2025 or 2025-09-01.") }
        let start: LocalTime, end: LocalTime
        do {
            start = try LocalTime.parse(columns.value("start", row), field: "start")
            end = try LocalTime.parse(columns.value("end", row), field: "end")
            try Lesson.checkTimes(start: start, end: end)
        } catch {
            return problem(error.details["field"].flatMap { if case .string(let f) = $0 { f } else { nil } } ?? "end", error.message)
        }
        let label: ClassLabel
        do { label = try ClassLabel.parse(columns.value("class", row)) } catch { return problem("class", error.message) }
        let subject = columns.value("subject", row)
        do { _ = try Subject.checkName(subject) } catch { return problem("subject", error.message) }
        let teacher = columns.value("teacher", row)
        guard !teacher.isEmpty else { return problem("teacher", "Every lesson needs its teacher's external id.") }
        let group: String, topic: String, room: String
        do { group = try TeachingAssignment.checkGroup(columns.value("group", row)) } catch { return problem("group", error.message) }
        do { topic = try Lesson.checkTopic(columns.value("topic", row)) } catch { return problem("topic", error.message) }
        do { room = try Lesson.checkRoom(columns.value("room", row)) } catch { return problem("room", error.message) }
        return .success(RosterDataset.Lesson(
            externalID: ext, date: date, start: start, end: end, schoolYear: schoolYear, classLabel: label, group: group,
            subject: subject, teacher: teacher, topic: topic, room: room, ref: ref))
    }
}
