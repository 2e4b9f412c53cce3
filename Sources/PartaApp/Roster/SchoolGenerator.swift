import PartaDomain

/// A realistic school for demos, tests and benchmarks, as a OneRoster 1.1 bulk export: Russian
/// names, classes 1–11 of about 22 with letters, families with one to three children (and one or
/// two parents), and each grade's subjects taught by subject teachers — English in two groups.
/// Deterministic: the same seed gives the same school.
public struct SchoolGenerator: Sendable {
    public var students: Int
    public var seed: UInt64
    /// The first calendar year of the school year (2025 for 2025/2026).
    public var firstYear: Int
    public var schoolID = "sch-gen"
    /// Names the living demo's cast among the generated people (`Cast`), and adds its staff.
    public var cast: Bool

    public init(students: Int, seed: UInt64 = 2025, firstYear: Int = 2025, cast: Bool = false) {
        self.students = students
        self.seed = seed
        self.firstYear = firstYear
        self.cast = cast
    }

    /// What the generated school holds, for reports and benchmarks.
    public struct Summary: Sendable, Equatable {
        public var students = 0
        public var parents = 0
        public var teachers = 0
        public var homeroomClasses = 0
        public var scheduledClasses = 0
        public var enrollments = 0
        /// With `cast`, who the cast are.
        public var cast: Cast?
    }

    /// SplitMix64: small, fast and reproducible.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func pick<T>(_ list: [T]) -> T { list[int(0...(list.count - 1))] }
        mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    }

    static let maleSurnames = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
        "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
        "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
        "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
    ]
    static let maleNames = [
        "Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил",
        "Никита", "Матвей", "Роман", "Егор", "Арсений", "Иван", "Денис", "Евгений", "Даниил", "Тимофей",
        "Владислав", "Игорь", "Владимир", "Павел", "Руслан", "Марк", "Константин", "Тимур", "Олег", "Ярослав",
    ]
    static let femaleNames = [
        "Анастасия", "Мария", "Дарья", "Анна", "Елизавета", "Полина", "Виктория", "Екатерина", "Софья", "Александра",
        "Ксения", "Алиса", "Вероника", "Арина", "Варвара", "Ульяна", "Милана", "Ева", "Валерия", "Алина",
        "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Юлия", "Марина", "Людмила", "Галина",
    ]

    static func female(_ surname: String) -> String {
        if surname.hasSuffix("ий") { return String(surname.dropLast(2)) + "ая" }
        return surname + "а"
    }

    /// Fathers' names whose patronymic does not follow the suffix rules below.
    static let irregularPatronymics: [String: (male: String, female: String)] = [
        "Илья": ("Ильич", "Ильинична"), "Павел": ("Павлович", "Павловна"), "Михаил": ("Михайлович", "Михайловна"),
        "Игорь": ("Игоревич", "Игоревна"), "Арсений": ("Арсеньевич", "Арсеньевна"), "Евгений": ("Евгеньевич", "Евгеньевна"),
    ]

    /// The patronymic formed from a father's given name: Сергей → Сергеевич / Сергеевна.
    public static func patronymic(_ father: String, female: Bool) -> String {
        if let irregular = irregularPatronymics[father] { return female ? irregular.female : irregular.male }
        let stem: String
        switch father {
        case let n where n.hasSuffix("ий"): stem = String(n.dropLast()) + "е"  // Дмитрий → Дмитрие-
        case let n where n.hasSuffix("ей"): stem = String(n.dropLast()) + "е"  // Сергей → Сергее-
        case let n where n.hasSuffix("а"): return String(n.dropLast()) + (female ? "ична" : "ич")  // Никита → Никитич
        default: stem = father + "о"
        }
        return stem + (female ? "вна" : "вич")
    }

    /// Subjects by grade; `true` marks a subject taught in two groups.
    static func curriculum(_ grade: Int) -> [(String, Bool)] {
        switch grade {
        case 1: [("Русский язык", false), ("Литературное чтение", false), ("Математика", false), ("Окружающий мир", false),
                 ("Изобразительное искусство", false), ("Музыка", false), ("Труд (технология)", false), ("Физическая культура", false)]
        case 2...4: curriculum(1) + [("Английский язык", true)]
        case 5, 6: [("Русский язык", false), ("Литература", false), ("Математика", false), ("История", false), ("География", false),
                    ("Биология", false), ("Английский язык", true), ("Музыка", false), ("Изобразительное искусство", false),
                    ("Труд (технология)", false), ("Физическая культура", false)] + (grade == 6 ? [("Обществознание", false)] : [])
        case 7...9: [("Русский язык", false), ("Литература", false), ("Алгебра", false), ("Геометрия", false), ("История", false),
                     ("Обществознание", false), ("География", false), ("Биология", false), ("Физика", false), ("Информатика", true),
                     ("Английский язык", true), ("Физическая культура", false)]
                     + (grade >= 8 ? [("Химия", false), ("ОБЗР", false)] : [("Труд (технология)", false)])
        default: [("Русский язык", false), ("Литература", false), ("Алгебра", false), ("Геометрия", false), ("История", false),
                  ("Обществознание", false), ("Физика", false), ("Химия", false), ("Биология", false), ("География", false),
                  ("Информатика", true), ("Английский язык", true), ("Физическая культура", false), ("ОБЗР", false)]
        }
    }

    /// The export as CSV files by name, and what it holds.
    public func oneRoster() -> (files: [String: [UInt8]], summary: Summary) {
        var random = Random(state: seed)
        var summary = Summary()
        let letters = ["А", "Б", "В", "Г", "Д", "Е", "Ж", "З", "И", "К", "Л", "М"]
        let year = "y-\(firstYear)"
        var users = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds",
                                       "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"])
        // Written at the end, once the cast (if any) is named: fields 8–10 are the given name, the surname and the patronymic.
        var userRows: [[String]] = []
        var demographics = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "birthDate", "sex"])
        var classes = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType",
                                         "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"])
        var courses = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"])
        var enrollments = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"])
        var enrollmentNumber = 0
        // Written at the end too: field 3 is the class, 5 the user, 6 the role.
        var enrollmentRows: [[String]] = []
        func enroll(_ classID: String, _ user: String, _ role: String, primary: Bool = false, begin: String = "") {
            enrollmentNumber += 1
            enrollmentRows.append(["e-\(enrollmentNumber)", "", "", classID, schoolID, user, role, primary ? "true" : "false", begin, ""])
        }

        // Teachers: one per subject group of about six classes, plus primary-school teachers.
        var teacherNumber = 0
        func newTeacher() -> String {
            teacherNumber += 1
            let isFemale = random.chance(80)
            let surname = random.pick(Self.maleSurnames)
            let father = random.pick(Self.maleNames)
            userRows.append(["t-\(teacherNumber)", "", "", "true", schoolID, "teacher", "", "", isFemale ? random.pick(Self.femaleNames) : random.pick(Self.maleNames),
                       isFemale ? Self.female(surname) : surname, Self.patronymic(father, female: isFemale), "", "", "", "", "", "", ""])
            return "t-\(teacherNumber)"
        }
        var subjectTeachers: [String: (current: String, load: Int)] = [:]
        func teacher(for subject: String) -> String {
            if let (current, load) = subjectTeachers[subject], load < 6 {
                subjectTeachers[subject] = (current, load + 1)
                return current
            }
            let t = newTeacher()
            subjectTeachers[subject] = (t, 1)
            return t
        }

        // Classes of each grade.
        var classStudents: [(id: String, grade: Int, label: String, students: [String])] = []
        let perGrade = max(1, students / 11)
        for grade in 1...11 {
            let count = grade == 11 ? students - perGrade * 10 : perGrade
            guard count > 0 else { continue }
            let groups = max(1, Int((Double(count) / 22).rounded(.up)))
            for g in 0..<groups {
                let size = count / groups + (g < count % groups ? 1 : 0)
                classStudents.append(("hr-\(grade)-\(g + 1)", grade, "\(grade)\(letters[g % letters.count])", Array(repeating: "", count: size)))
            }
        }
        // Students, families and parents.
        var studentNumber = 0, parentNumber = 0
        var families: [(surname: String, father: String, children: [String])] = []
        var pendingFamily: (surname: String, father: String, children: [String], size: Int)?
        for c in classStudents.indices {
            for s in classStudents[c].students.indices {
                studentNumber += 1
                let id = "s-\(studentNumber)"
                classStudents[c].students[s] = id
                if pendingFamily == nil {
                    let size = random.chance(60) ? 1 : random.chance(75) ? 2 : 3
                    pendingFamily = (random.pick(Self.maleSurnames), random.pick(Self.maleNames), [], size)
                }
                let family = pendingFamily!
                let isFemale = random.chance(50)
                let grade = classStudents[c].grade
                let birth = LocalDate(year: firstYear - 6 - grade, month: random.int(1...12), day: random.int(1...28))!
                userRows.append([id, "", "", "true", schoolID, "student", "", "", isFemale ? random.pick(Self.femaleNames) : random.pick(Self.maleNames),
                           isFemale ? Self.female(family.surname) : family.surname, Self.patronymic(family.father, female: isFemale),
                           "", "", "", "", "", String(format: "%02d", grade), ""])
                demographics.row([id, "", "", birth.iso, isFemale ? "female" : "male"])
                pendingFamily!.children.append(id)
                if pendingFamily!.children.count == pendingFamily!.size {
                    families.append((family.surname, family.father, pendingFamily!.children))
                    pendingFamily = nil
                }
            }
        }
        if let last = pendingFamily { families.append((last.surname, last.father, last.children)) }
        var familyParents: [[String]] = []
        for family in families {
            // The mother always; the father in half of the families.
            familyParents.append([])
            for isFemale in random.chance(50) ? [true, false] : [true] {
                parentNumber += 1
                familyParents[familyParents.count - 1].append("p-\(parentNumber)")
                let given = isFemale ? random.pick(Self.femaleNames) : family.father
                userRows.append(["p-\(parentNumber)", "", "", "true", schoolID, "parent", "", "", given, isFemale ? Self.female(family.surname) : family.surname,
                           Self.patronymic(random.pick(Self.maleNames), female: isFemale), "", "", "", "", family.children.joined(separator: ","), "", ""])
            }
        }
        summary.students = studentNumber
        summary.parents = parentNumber

        // Homeroom classes, their teachers and students; scheduled classes for each subject.
        var courseIDs: [String: String] = [:]
        var homeroomOf: [String: String] = [:]
        var taught: [String: [String: (teacher: String, scheduled: String)]] = [:]  // class → subject → its (first non-empty group's) teacher
        courses.row(["c-hr", "", "", year, "Классный час", "HR", "", schoolID, "", ""])
        for c in classStudents {
            classes.row([c.id, "", "", c.label, String(format: "%02d", c.grade), "c-hr", c.label, "homeroom", "", schoolID, year, "", "", ""])
            summary.homeroomClasses += 1
            let homeroom = newTeacher()
            homeroomOf[c.id] = homeroom
            enroll(c.id, homeroom, "teacher", primary: true)
            for student in c.students { enroll(c.id, student, "student", begin: "\(firstYear)-09-01") }
            for (subject, split) in Self.curriculum(c.grade) {
                if courseIDs[subject] == nil {
                    courseIDs[subject] = "c-\(courseIDs.count + 1)"
                    courses.row([courseIDs[subject]!, "", "", year, subject, "", "", schoolID, "", ""])
                }
                let halves = split ? [Array(c.students.prefix(c.students.count / 2)), Array(c.students.dropFirst(c.students.count / 2))] : [c.students]
                for (h, members) in halves.enumerated() where !members.isEmpty {
                    let id = "sc-\(c.id)-\(courseIDs[subject]!)" + (split ? "-\(h + 1)" : "")
                    let title = split ? "\(subject.prefix(4)).\(c.label)/\(h + 1)" : "\(subject) \(c.label)"
                    classes.row([id, "", "", title, String(format: "%02d", c.grade), courseIDs[subject]!, "", "scheduled", "", schoolID, year, "", "", ""])
                    summary.scheduledClasses += 1
                    // Primary-school subjects are taught by the homeroom teacher.
                    let t = c.grade <= 4 && !split && subject != "Физическая культура" && subject != "Музыка" ? homeroom : teacher(for: subject)
                    enroll(id, t, "teacher", primary: true)
                    if taught[c.id]?[subject] == nil { taught[c.id, default: [:]][subject] = (t, id) }
                    for student in members { enroll(id, student, "student") }
                }
            }
        }
        summary.teachers = teacherNumber
        summary.enrollments = enrollmentNumber
        if cast {
            let layout = Layout(
                classes: classStudents, homeroomOf: homeroomOf, taught: taught,
                families: zip(families, familyParents).map { (surname: $0.surname, children: $0.children, parents: $1) })
            if let named = Self.cast(layout) {
                summary.cast = named
                let before = userRows.count
                (userRows, enrollmentRows) = casting(named, layout, users: userRows, enrollments: enrollmentRows)
                summary.teachers -= before + 2 - userRows.count
            }
        }
        for row in userRows { users.row(row) }
        for row in enrollmentRows { enrollments.row(row) }

        var manifest = CSVWriter(header: ["propertyName", "value"])
        for (name, value) in [
            ("manifest.version", "1.0"), ("oneroster.version", "1.1"), ("file.academicSessions", "bulk"), ("file.classes", "bulk"),
            ("file.courses", "bulk"), ("file.demographics", "bulk"), ("file.enrollments", "bulk"), ("file.orgs", "bulk"),
            ("file.users", "bulk"), ("source.systemName", "Parta generator"),
        ] { manifest.row([name, value]) }
        var orgs = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"])
        orgs.row([schoolID, "", "", "Сгенерированная школа", "school", "", ""])
        var sessions = CSVWriter(header: ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"])
        sessions.row([year, "", "", "\(firstYear)/\(firstYear + 1)", "schoolYear", "\(firstYear)-09-01", "\(firstYear + 1)-08-31", "", "\(firstYear + 1)"])
        return ([
            "manifest.csv": manifest.bytes, "orgs.csv": orgs.bytes, "academicSessions.csv": sessions.bytes, "courses.csv": courses.bytes,
            "classes.csv": classes.bytes, "users.csv": users.bytes, "demographics.csv": demographics.bytes, "enrollments.csv": enrollments.bytes,
        ], summary)
    }
}

/// Writes CSV with `,`, quoting fields that need it.
struct CSVWriter {
    var bytes: [UInt8] = []

    init(header: [String]) {
        row(header)
    }

    mutating func row(_ fields: [String]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            if field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                bytes.append(0x22)
                bytes += Array(field.replacingOccurrences(of: "\"", with: "\"\"").utf8)
                bytes.append(0x22)
            } else {
                bytes += Array(field.utf8)
            }
        }
        bytes.append(0x0A)
    }
}

import Foundation
