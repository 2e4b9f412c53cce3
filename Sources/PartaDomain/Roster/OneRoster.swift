/// OneRoster CSV bulk files, versions 1.1 and 1.2, turned into a roster dataset.
///
/// - `homeroom` classes become classes, their primary teacher the homeroom teacher (the first
///   teacher when none is primary);
/// - `scheduled` classes become teaching assignments: the course is the subject; the class's
///   students are split by their homeroom class — a whole homeroom class is taught as a class, part
///   of one as a group named after the scheduled class; one assignment per teacher;
/// - parents, guardians and relatives are linked through `agentSourcedIds` on either side;
/// - enrollments in homeroom classes become orders: `beginDate` inclusive, `endDate` exclusive;
/// - the files are the whole roster (bulk): what is absent is withdrawn, detached or deactivated.
public enum OneRoster {
    public static let requiredFiles = ["manifest", "orgs", "users", "classes", "courses", "academicSessions", "enrollments"]

    /// Reads the files (by base name without `.csv`, any case) for the school `school` (a sourcedId;
    /// may be omitted when the files hold one school).
    public static func read(files raw: [String: [UInt8]], school: String?, today: LocalDate) -> Result<RosterDataset, ImportFailure> {
        var reader = Reader(today: today)
        reader.read(raw, school: school)
        return reader.problems.isEmpty ? .success(reader.data) : .failure(ImportFailure(problems: reader.problems))
    }

    struct Table {
        let csv: CSVTable
        let index: [String: Int]

        init(_ csv: CSVTable) {
            self.csv = csv
            var index: [String: Int] = [:]
            for (i, name) in csv.header.enumerated() { index[name.lowercased()] = i }
            self.index = index
        }

        func has(_ column: String) -> Bool { index[column.lowercased()] != nil }

        func value(_ row: CSVTable.Row, _ column: String) -> String {
            guard let i = index[column.lowercased()] else { return "" }
            return row.fields[i].trimmingWhitespace()
        }

        /// A multi-valued field: `"a,b"`.
        func list(_ row: CSVTable.Row, _ column: String) -> [String] {
            value(row, column).split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }

        var rows: [CSVTable.Row] { csv.rows }
        var file: String { csv.file }
    }

    struct User {
        var sourcedId: String
        var role: RosterRole
        var name: PersonName
        var agents: [String]
        var ref: SourceRef
    }

    struct Class {
        var sourcedId: String
        var title: String
        var homeroom: Bool
        var label: ClassLabel?
        var schoolYear: String?
        var subject: String
        var ref: SourceRef
    }

    struct Reader {
        let today: LocalDate
        var data = RosterDataset(mode: .bulk, source: "oneroster")
        var problems: [ImportProblem] = []

        init(today: LocalDate) {
            self.today = today
        }

        mutating func fail(_ file: String, _ line: Int, _ column: String?, _ text: String) {
            if problems.count < ImportPlanner.problemLimit {
                problems.append(ImportProblem(file: file, line: line, column: column, problem: text))
            }
        }

        mutating func table(_ files: [String: CSVTable], _ name: String, required columns: [String]) -> Table? {
            guard let csv = files[name.lowercased()] else { return nil }
            let table = Table(csv)
            var ok = true
            for column in columns where !table.has(column) {
                fail(table.file, 1, column, "The column «\(column)» is missing.")
                ok = false
            }
            return ok ? table : nil
        }

        static func isActive(_ table: Table, _ row: CSVTable.Row) -> Bool {
            table.value(row, "status").lowercased() != "tobedeleted"
        }

        static func role(_ raw: String) -> RosterRole? {
            switch raw.lowercased() {
            case "student": .student
            case "parent", "guardian", "relative": .parent
            case "teacher": .teacher
            case "": nil
            default: .employee
            }
        }

        mutating func read(_ raw: [String: [UInt8]], school wanted: String?) {
            var files: [String: CSVTable] = [:]
            for (name, bytes) in raw {
                var base = name.split(separator: "/").last.map(String.init) ?? name
                if base.lowercased().hasSuffix(".csv") { base.removeLast(4) }
                do { files[base.lowercased()] = try CSVReader.read(bytes, file: base + ".csv") } catch {
                    problems.append(error)
                }
            }
            guard problems.isEmpty else { return }

            // The manifest: version and the bulk files.
            guard let manifest = table(files, "manifest", required: ["propertyName", "value"]) else {
                if files["manifest"] == nil { fail("manifest.csv", 0, nil, "manifest.csv is missing; is this a OneRoster export?") }
                return
            }
            var properties: [String: String] = [:]
            for row in manifest.rows { properties[manifest.value(row, "propertyName")] = manifest.value(row, "value") }
            let version = properties["oneroster.version"] ?? ""
            guard version == "1.1" || version == "1.2" else {
                fail("manifest.csv", 0, "oneroster.version", "OneRoster version «\(version)» is not supported; export version 1.1 or 1.2.")
                return
            }
            for name in OneRoster.requiredFiles.dropFirst() {
                let mode = (properties["file.\(name)"] ?? "").lowercased()
                if mode == "delta" {
                    fail("manifest.csv", 0, "file.\(name)", "Delta files are not supported; export a bulk file.")
                } else if files[name.lowercased()] == nil {
                    fail("\(name).csv", 0, nil, "\(name).csv is missing.")
                }
            }
            guard problems.isEmpty else { return }

            // The school.
            guard let orgs = table(files, "orgs", required: ["sourcedId", "name", "type"]) else { return }
            let schools = orgs.rows.filter { orgs.value($0, "type").lowercased() == "school" && Self.isActive(orgs, $0) }
                .map { (id: orgs.value($0, "sourcedId"), name: orgs.value($0, "name")) }
            let school: String
            if let wanted {
                guard schools.contains(where: { $0.id == wanted }) else {
                    fail("orgs.csv", 0, nil, "No school has the sourcedId «\(wanted)»; the schools are: \(schools.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")).")
                    return
                }
                school = wanted
            } else {
                guard schools.count == 1 else {
                    fail("orgs.csv", 0, nil, schools.isEmpty
                         ? "orgs.csv lists no school."
                         : "orgs.csv lists several schools; choose one: \(schools.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")).")
                    return
                }
                school = schools[0].id
            }

            // Sessions → school years.
            guard let sessions = table(files, "academicSessions", required: ["sourcedId", "title", "type", "startDate", "endDate"]) else { return }
            var sessionYear: [String: String] = [:]
            var parents: [String: String] = [:]
            for row in sessions.rows where Self.isActive(sessions, row) {
                let id = sessions.value(row, "sourcedId")
                let title = sessions.value(row, "title")
                guard let start = LocalDate(parsing: sessions.value(row, "startDate")),
                    let end = LocalDate(parsing: sessions.value(row, "endDate"))
                else {
                    fail(sessions.file, row.line, "startDate", "A session needs a start and an end date (2025-09-01).")
                    continue
                }
                let name = (try? SchoolYear.parseName(title).name)
                    ?? SchoolYear.name(containing: LocalDate(dayNumber: (start.dayNumber + end.dayNumber) / 2))
                sessionYear[id] = name
                let parent = sessions.value(row, "parentSourcedId")
                if !parent.isEmpty { parents[id] = parent }
                if sessions.value(row, "type").lowercased() == "schoolyear" {
                    if !data.years.contains(where: { $0.name == name }) {
                        data.years.append(RosterDataset.Year(name: name, start: start, end: end))
                    }
                }
            }
            func yearOf(session: String) -> String? {
                if let parent = parents[session], let year = sessionYear[parent] { return year }
                return sessionYear[session]
            }

            // Users, their roles and demographics.
            let v12 = version == "1.2" && files["roles"] != nil
            guard let users = table(files, "users", required: ["sourcedId", "givenName", "familyName"] + (v12 ? [] : ["role", "orgSourcedIds"])) else { return }
            var roleOf: [String: String] = [:]
            var inSchool: Set<String> = []
            if v12, let roles = table(files, "roles", required: ["userSourcedId", "role", "orgSourcedId"]) {
                for row in roles.rows where Self.isActive(roles, row) {
                    let user = roles.value(row, "userSourcedId")
                    let primary = roles.value(row, "roleType").lowercased() != "secondary"
                    if roleOf[user] == nil || primary { roleOf[user] = roles.value(row, "role") }
                    if roles.value(row, "orgSourcedId") == school { inSchool.insert(user) }
                }
            }
            var birth: [String: (LocalDate?, Gender)] = [:]
            if let demographics = files["demographics"].map(Table.init) {
                for row in demographics.rows {
                    let date = demographics.value(row, "birthDate")
                    let sex = demographics.value(row, "sex").lowercased()
                    birth[demographics.value(row, "sourcedId")] = (
                        date.isEmpty ? nil : LocalDate(parsing: date),
                        sex == "male" ? .male : sex == "female" ? .female : .unspecified
                    )
                }
            }
            var allUsers: [String: User] = [:]
            for row in users.rows where Self.isActive(users, row) {
                let id = users.value(row, "sourcedId")
                let rawRole = v12 ? (roleOf[id] ?? "") : users.value(row, "role")
                guard let role = Self.role(rawRole) else {
                    fail(users.file, row.line, "role", "User «\(id)» has no role.")
                    continue
                }
                if !v12 && users.list(row, "orgSourcedIds").contains(school) { inSchool.insert(id) }
                do {
                    let name = try PersonName(
                        validatingSurname: users.value(row, "familyName"), givenName: users.value(row, "givenName"),
                        patronymic: users.value(row, "middleName"))
                    allUsers[id] = User(sourcedId: id, role: role, name: name, agents: users.list(row, "agentSourcedIds"),
                                        ref: SourceRef(file: users.file, line: row.line))
                } catch {
                    fail(users.file, row.line, "familyName", "User «\(id)»: \(error.message)")
                }
            }
            // Parents outside the school's org list still come with their children.
            var included = Set(inSchool.filter { allUsers[$0] != nil })
            let students = included.filter { allUsers[$0]?.role == .student }
            for id in students {
                for agent in allUsers[id]!.agents where allUsers[agent]?.role == .parent { included.insert(agent) }
            }
            for user in allUsers.values where user.role == .parent && user.agents.contains(where: students.contains) {
                included.insert(user.sourcedId)
            }
            for id in included.sorted() {
                let user = allUsers[id]!
                let (birthDate, gender) = birth[id] ?? (nil, .unspecified)
                data.persons.append(RosterDataset.Person(
                    externalID: id, role: user.role, name: user.name, gender: gender, birthDate: birthDate, ref: user.ref))
            }
            var guardians: Set<String> = []
            for id in included.sorted() {
                let user = allUsers[id]!
                for agent in user.agents where included.contains(agent) {
                    let other = allUsers[agent]!
                    let pair: (String, String)? =
                        user.role == .student && other.role == .parent ? (agent, id)
                        : user.role == .parent && other.role == .student ? (id, agent) : nil
                    guard let (parent, student) = pair, guardians.insert("\(parent)\u{1}\(student)").inserted else { continue }
                    data.guardians.append(RosterDataset.Guardian(parent: parent, student: student, ref: user.ref))
                }
            }

            // Courses and classes.
            guard let courses = table(files, "courses", required: ["sourcedId", "title"]) else { return }
            var courseTitle: [String: String] = [:]
            for row in courses.rows { courseTitle[courses.value(row, "sourcedId")] = courses.value(row, "title") }
            guard let classesTable = table(files, "classes", required: ["sourcedId", "title", "classType", "courseSourcedId", "schoolSourcedId", "termSourcedIds"]) else { return }
            var classes: [String: Class] = [:]
            var otherSchools: Set<String> = []
            for row in classesTable.rows where Self.isActive(classesTable, row) {
                let id = classesTable.value(row, "sourcedId")
                guard classesTable.value(row, "schoolSourcedId") == school else {
                    otherSchools.insert(id)
                    continue
                }
                let title = classesTable.value(row, "title")
                let homeroom = classesTable.value(row, "classType").lowercased() == "homeroom"
                let ref = SourceRef(file: classesTable.file, line: row.line)
                let year = classesTable.list(row, "termSourcedIds").lazy.compactMap(yearOf(session:)).first
                var label: ClassLabel?
                if homeroom {
                    label = (try? ClassLabel.parse(title)) ?? (try? ClassLabel.parse(classesTable.value(row, "classCode")))
                    if label == nil {
                        fail(classesTable.file, row.line, "title", "The homeroom class «\(title)» has no grade and letter (like 10А).")
                        continue
                    }
                    if year == nil {
                        fail(classesTable.file, row.line, "termSourcedIds", "The class «\(title)» refers to no known school year.")
                        continue
                    }
                }
                let course = classesTable.value(row, "courseSourcedId")
                let subject = courseTitle[course] ?? classesTable.list(row, "subjects").first ?? title
                classes[id] = Class(sourcedId: id, title: title, homeroom: homeroom, label: label, schoolYear: year, subject: subject, ref: ref)
            }

            // Enrollments.
            guard let enrollments = table(files, "enrollments", required: ["sourcedId", "classSourcedId", "userSourcedId", "role"]) else { return }
            var homeroomTeachers: [String: (primary: [String], others: [String])] = [:]
            var homeroomStudents: [String: [RosterDataset.Enrollment]] = [:]
            var scheduledStudents: [String: [String]] = [:]
            var scheduledTeachers: [String: [String]] = [:]
            for row in enrollments.rows where Self.isActive(enrollments, row) {
                let classID = enrollments.value(row, "classSourcedId")
                let user = enrollments.value(row, "userSourcedId")
                if otherSchools.contains(classID) { continue }
                guard let c = classes[classID] else {
                    fail(enrollments.file, row.line, "classSourcedId", "No class has the sourcedId «\(classID)».")
                    continue
                }
                guard included.contains(user), let person = allUsers[user] else {
                    fail(enrollments.file, row.line, "userSourcedId", "No user of this school has the sourcedId «\(user)».")
                    continue
                }
                let role = Self.role(enrollments.value(row, "role")) ?? person.role
                switch (c.homeroom, role) {
                case (true, .student):
                    var dates: [LocalDate?] = []
                    for column in ["beginDate", "endDate"] {
                        let raw = enrollments.value(row, column)
                        if raw.isEmpty { dates.append(nil); continue }
                        guard let date = LocalDate(parsing: raw) else {
                            fail(enrollments.file, row.line, column, "«\(raw)» is not a date (2025-09-01).")
                            dates.append(nil)
                            continue
                        }
                        dates.append(date)
                    }
                    homeroomStudents[classID, default: []].append(RosterDataset.Enrollment(
                        key: enrollments.value(row, "sourcedId"), student: user, classExternalID: classID,
                        begin: dates[0], end: dates[1], ref: SourceRef(file: enrollments.file, line: row.line)))
                case (true, .teacher):
                    if enrollments.value(row, "primary").lowercased() == "true" {
                        homeroomTeachers[classID, default: ([], [])].primary.append(user)
                    } else {
                        homeroomTeachers[classID, default: ([], [])].others.append(user)
                    }
                case (false, .student):
                    scheduledStudents[classID, default: []].append(user)
                case (false, .teacher):
                    scheduledTeachers[classID, default: []].append(user)
                default:
                    continue
                }
            }

            // Homeroom classes and their students' orders.
            for c in classes.values.sorted(by: { $0.sourcedId < $1.sourcedId }) where c.homeroom {
                let teachers = homeroomTeachers[c.sourcedId]
                data.classes.append(RosterDataset.Class(
                    externalID: c.sourcedId, schoolYear: c.schoolYear!, label: c.label!,
                    homeroomTeacher: teachers?.primary.first ?? teachers?.others.first, ref: c.ref))
                data.enrollments += homeroomStudents[c.sourcedId] ?? []
            }
            // Each student's homeroom class: the one enrolled in today, else the latest begun.
            var best: [String: (rank: (Int, Int), classExt: String)] = [:]
            for enrollment in data.enrollments {
                let begin = enrollment.begin ?? LocalDate(year: 1900, month: 1, day: 1)!
                let current = begin <= today && (enrollment.end.map { today < $0 } ?? true)
                let rank = (current ? 1 : 0, begin.dayNumber)
                if best[enrollment.student].map({ rank > $0.rank }) ?? true {
                    best[enrollment.student] = (rank, enrollment.classExternalID)
                }
            }
            let homeroomOf = best.mapValues(\.classExt)
            var membersOf: [String: Set<String>] = [:]
            for (student, homeroom) in homeroomOf { membersOf[homeroom, default: []].insert(student) }

            // Scheduled classes → teaching assignments, per homeroom class and teacher.
            for c in classes.values.sorted(by: { $0.sourcedId < $1.sourcedId }) where !c.homeroom {
                let students = Set(scheduledStudents[c.sourcedId] ?? [])
                let teachers = Array(Set(scheduledTeachers[c.sourcedId] ?? [])).sorted()
                guard !teachers.isEmpty else {
                    data.warnings.append(c.ref.problem("sourcedId", "The class «\(c.title)» has no teacher; no assignment made."))
                    continue
                }
                var byHomeroom: [String: [String]] = [:]
                for student in students {
                    guard let homeroom = homeroomOf[student] else { continue }
                    byHomeroom[homeroom, default: []].append(student)
                }
                guard !byHomeroom.isEmpty else {
                    data.warnings.append(c.ref.problem("sourcedId", "The class «\(c.title)» has no students in a homeroom class; no assignment made."))
                    continue
                }
                if !data.subjects.contains(c.subject) { data.subjects.append(c.subject) }
                for (homeroom, members) in byHomeroom.sorted(by: { $0.key < $1.key }) {
                    let whole = Set(members) == (membersOf[homeroom] ?? [])
                    for teacher in teachers {
                        data.assignments.append(RosterDataset.Assignment(
                            externalID: "\(c.sourcedId)|\(homeroom)|\(teacher)", teacher: teacher, subject: c.subject,
                            classExternalID: homeroom, group: whole ? "" : String(c.title.prefix(60)),
                            students: whole ? [] : members.sorted(), ref: c.ref))
                    }
                }
            }
        }
    }
}
