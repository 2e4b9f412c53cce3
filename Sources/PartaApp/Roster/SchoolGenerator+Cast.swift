/// The living demo's people in a generated school (`parta demo --living`): named among the
/// generated ones, so that the import keeps their names on every run, and placed so that each
/// has something to do — three teachers who each lead a class and teach in the cast's class, a
/// mother of two children in different classes, the director and the secretary.
extension SchoolGenerator {
    /// Who the cast are, by their external ids (and the labels of their classes, for people).
    public struct Cast: Sendable, Equatable {
        /// The class the cast meets in: a child of the family is in it.
        public var classID = ""
        public var classLabel = ""
        /// Its homeroom teacher (Иванов), who also teaches `homeroomTeacherTeaches` in it.
        public var homeroomTeacher = ""
        public var homeroomTeacherTeaches = ""
        /// Its Russian teacher (Кузнецова) and English teacher (Соколов), each leading another class.
        public var russianTeacher = ""
        public var russianTeacherLeads = ""
        public var englishTeacher = ""
        public var englishTeacherLeads = ""
        /// The family's first parent (Волкова Наталья Сергеевна).
        public var mother = ""
        /// The family's children in the class (the first is the demo's student), then the others
        /// (in another class when the school has such a family), and their classes.
        public var children: [String] = []
        public var childrenClasses: [String] = []
        public var director = "e-director"
        public var secretary = "e-secretary"
    }

    /// What the generator made, as the cast is chosen from it.
    struct Layout {
        var classes: [(id: String, grade: Int, label: String, students: [String])]
        var homeroomOf: [String: String]
        /// Class → subject → the (first group's) teacher and scheduled class.
        var taught: [String: [String: (teacher: String, scheduled: String)]]
        var families: [(surname: String, children: [String], parents: [String])]
    }

    /// The cast's class is that of a child, of grade 5 or more, in the first family whose children
    /// are in two classes (else the first class of grade 5 and a family with a child in it).
    static func cast(_ layout: Layout) -> Cast? {
        var classOf: [String: Int] = [:]
        for (index, c) in layout.classes.enumerated() { for student in c.students { classOf[student] = index } }
        let senior = { (index: Int) in layout.classes[index].grade >= 5 }
        var choice: (family: Int, klass: Int)?
        for (f, family) in layout.families.enumerated() {
            let classes = Set(family.children.compactMap { classOf[$0] })
            if classes.count > 1, let k = classes.sorted().first(where: senior) { choice = (f, k); break }
        }
        if choice == nil, let k = layout.classes.firstIndex(where: { $0.grade == 5 }) ?? layout.classes.indices.first,
            let f = layout.families.firstIndex(where: { $0.children.contains { classOf[$0] == k } })
        {
            choice = (f, k)
        }
        guard let choice, let homeroom = layout.homeroomOf[layout.classes[choice.klass].id] else { return nil }
        let (f, k) = choice
        let c = layout.classes[k]
        var cast = Cast(classID: c.id, classLabel: c.label, homeroomTeacher: homeroom)
        let family = layout.families[f]
        cast.mother = family.parents.first ?? ""
        cast.children = family.children.filter { classOf[$0] == k } + family.children.filter { classOf[$0] != k }
        cast.childrenClasses = cast.children.compactMap { classOf[$0].map { layout.classes[$0].label } }

        let subjects = layout.taught[c.id] ?? [:]
        cast.homeroomTeacherTeaches = ["История", "Литература", "География", "Биология", "Обществознание", "Окружающий мир"]
            .first { subjects[$0] != nil } ?? ""
        if let russian = subjects["Русский язык"]?.teacher, russian != homeroom { cast.russianTeacher = russian }
        if let english = subjects["Английский язык"]?.teacher, english != homeroom, english != cast.russianTeacher { cast.englishTeacher = english }
        // Each subject teacher leads another senior class, whose own homeroom teacher then goes.
        var free = layout.classes.indices.filter { senior($0) && $0 != k }.makeIterator()
        if !cast.russianTeacher.isEmpty, let other = free.next() { cast.russianTeacherLeads = layout.classes[other].id }
        if !cast.englishTeacher.isEmpty, let other = free.next() { cast.englishTeacherLeads = layout.classes[other].id }
        return cast
    }

    /// The rows as the cast makes them: the teachers' classes moved to them (a class's former
    /// homeroom teacher, with nothing left to teach, is gone), the teachers' and the family's names
    /// (its surname becomes Волков(а), the mother Наталья Сергеевна; the children and the father
    /// keep their given names), and the director and the secretary.
    func casting(_ cast: Cast, _ layout: Layout, users: [[String]], enrollments: [[String]]) -> (users: [[String]], enrollments: [[String]]) {
        var teacherOf: [String: String] = [:]  // a class or scheduled class → its cast teacher
        if !cast.russianTeacherLeads.isEmpty { teacherOf[cast.russianTeacherLeads] = cast.russianTeacher }
        if !cast.englishTeacherLeads.isEmpty { teacherOf[cast.englishTeacherLeads] = cast.englishTeacher }
        if let scheduled = layout.taught[cast.classID]?[cast.homeroomTeacherTeaches]?.scheduled { teacherOf[scheduled] = cast.homeroomTeacher }
        let enrollments = enrollments.map { row in
            var row = row
            if row[6] == "teacher", let teacher = teacherOf[row[3]] { row[5] = teacher }
            return row
        }
        let teaching = Set(enrollments.filter { $0[6] == "teacher" }.map { $0[5] })

        var names: [String: (String, String, String)] = [:]
        for (id, name) in [(cast.homeroomTeacher, ("Пётр", "Иванов", "Николаевич")), (cast.russianTeacher, ("Мария", "Кузнецова", "Андреевна")),
                           (cast.englishTeacher, ("Дмитрий", "Соколов", "Игоревич")), (cast.mother, ("Наталья", "Волкова", "Сергеевна"))] where !id.isEmpty {
            names[id] = name
        }
        let family = layout.families.first { $0.children.contains(cast.children.first ?? "") }
        let relatives = Set(cast.children + (family?.parents.dropFirst() ?? []))
        var rows: [[String]] = users.compactMap { row in
            var row = row
            if row[5] == "teacher", !teaching.contains(row[0]) { return nil }
            if let name = names[row[0]] {
                (row[8], row[9], row[10]) = name
            } else if relatives.contains(row[0]) {
                row[9] = row[9] == family?.surname ? "Волков" : "Волкова"
            }
            return row
        }
        for (id, given, surname, patronymic) in [(cast.director, "Ольга", "Смирнова", "Викторовна"), (cast.secretary, "Татьяна", "Фёдорова", "Ильинична")] {
            rows.append([id, "", "", "true", schoolID, "administrator", "", "", given, surname, patronymic, "", "", "", "", "", "", ""])
        }
        return (rows, enrollments)
    }
}
