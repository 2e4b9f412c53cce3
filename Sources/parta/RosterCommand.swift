import ArgumentParser
import Foundation
import PartaApp
import PartaDomain
import PartaQR
import PartaStore

/// `parta roster …`: the roster from the server's command line, acting as the system.
struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "School years, classes, subjects, people, assignments, orders, imports, link codes and API keys.",
        subcommands: [
            Years.self, YearAdd.self, Classes.self, ClassAdd.self, ClassHomeroom.self, Subjects.self, SubjectAdd.self,
            ClassRemove.self, SubjectRemove.self, People.self, PersonAdd.self, PersonShow.self, PersonEdit.self, PersonRemove.self,
            GuardianAdd.self, GuardianRemove.self, Assignments.self,
            AssignmentAdd.self, AssignmentRemove.self, Orders.self, Enroll.self, Withdraw.self, CancelOrder.self,
            LinkCode.self, ImportCSV.self, ImportOneRoster.self, APIKeyCreate.self, APIKeys.self, APIKeyRevoke.self,
        ])
}

/// The organization (number or community id) and where the data is.
struct RosterOptions: ParsableArguments {
    @Option(help: "Organization number or community id.") var org: String
    @OptionGroup var database: DatabaseOptions

    /// Runs `body` with the database open, the organization resolved, as the command line.
    func run<T: Sendable>(_ body: @escaping @Sendable (Parta, OrganizationID, Caller) async throws -> T) async throws -> T {
        try await withParta(database) { parta in
            try await runReportingErrors {
                let organization = try await OrgCommand.resolve(parta, org).summary.organization.id
                return try await body(parta, organization, commandLineCaller())
            }
        }
    }
}

func date(_ text: String?, _ field: String) throws -> LocalDate? {
    guard let text else { return nil }
    return try LocalDate.parse(text, field: field)
}

func describe(_ person: RosterPerson) -> [String] {
    ["\(person.id)", person.role.rawValue, person.name.full, person.birthDate?.russian ?? "", person.externalID ?? "",
     person.accountID == nil ? "" : "linked", person.active ? "" : "inactive"]
}

extension RosterCommand {
    struct Years: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "years", abstract: "List school years.")
        @OptionGroup var options: RosterOptions
        func run() async throws {
            let years = try await options.run { p, org, caller in try await p.schoolYears(caller, organization: org) }
            print(table([["id", "name", "from", "to"]] + years.map { ["\($0.id)", $0.name, $0.startDate.russian, $0.endDate.russian] }))
        }
    }

    struct YearAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "year-add", abstract: "Create a school year (2025/2026).")
        @OptionGroup var options: RosterOptions
        @Option var name: String
        @Option(help: "First day (default 1 September).") var start: String?
        @Option(help: "Last day (default 31 August).") var end: String?
        func run() async throws {
            let (start, end) = (try date(start, "start"), try date(end, "end"))
            let year = try await options.run { p, org, caller in
                try await p.createSchoolYear(caller, organization: org, name: name, start: start, end: end)
            }
            print("school year \(year.name) (\(year.id)): \(year.startDate.russian) – \(year.endDate.russian)")
        }
    }

    struct Classes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "classes", abstract: "List classes with their homeroom teachers and sizes today.")
        @OptionGroup var options: RosterOptions
        func run() async throws {
            let classes = try await options.run { p, org, caller in try await p.classes(caller, organization: org) }
            print(table([["id", "class", "year", "homeroom teacher", "students"]] + classes.map {
                ["\($0.schoolClass.id)", $0.schoolClass.name, $0.schoolYear.name, $0.homeroomTeacher?.name.full ?? "", "\($0.studentCount)"]
            }))
        }
    }

    struct ClassAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "class-add", abstract: "Create a class (10А) in a school year.")
        @OptionGroup var options: RosterOptions
        @Option(help: "School year, e.g. 2025/2026 (created if new).") var year: String
        @Option(help: "Class, e.g. 10А.") var name: String
        @Option(help: "Homeroom teacher (person number).") var homeroom: Int64?
        func run() async throws {
            let label = try ClassLabel.parse(name)
            let created = try await options.run { p, org, caller in
                let years = try await p.schoolYears(caller, organization: org)
                let wanted = try SchoolYear.parseName(year).name
                var yearID = years.first(where: { $0.name == wanted })?.id
                if yearID == nil { yearID = try await p.createSchoolYear(caller, organization: org, name: wanted).id }
                let schoolYear = yearID!
                return try await p.createClass(caller, organization: org, schoolYear: schoolYear, label: label, homeroomTeacher: homeroom.map { RosterPersonID($0) })
            }
            print("class \(created.schoolClass.name) (\(created.schoolClass.id)) in \(created.schoolYear.name)")
        }
    }

    struct ClassHomeroom: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "class-homeroom", abstract: "Set or remove a class's homeroom teacher.")
        @OptionGroup var options: RosterOptions
        @Option(name: .customLong("class")) var classID: Int64
        @Option(help: "Teacher's person number, or «none».") var teacher: String
        func run() async throws {
            let teacherID: RosterPersonID?
            if teacher == "none" { teacherID = nil } else {
                guard let id = RosterPersonID(string: teacher) else { throw ValidationError("--teacher is a person number or none.") }
                teacherID = id
            }
            let updated = try await options.run { p, org, caller in
                try await p.updateClass(caller, organization: org, id: ClassID(classID), homeroomTeacher: .some(teacherID))
            }
            print("class \(updated.schoolClass.name): homeroom teacher \(updated.homeroomTeacher?.name.full ?? "none")")
        }
    }

    struct ClassRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "class-remove", abstract: "Delete a class without orders or assignments.")
        @OptionGroup var options: RosterOptions
        @Argument var classID: Int64
        func run() async throws {
            try await options.run { p, org, caller in try await p.deleteClass(caller, organization: org, id: ClassID(classID)) }
            print("deleted")
        }
    }

    struct SubjectRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "subject-remove", abstract: "Delete a subject nothing is taught in.")
        @OptionGroup var options: RosterOptions
        @Argument var subject: Int64
        func run() async throws {
            try await options.run { p, org, caller in try await p.deleteSubject(caller, organization: org, id: SubjectID(subject)) }
            print("deleted")
        }
    }

    struct Subjects: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "subjects", abstract: "List subjects.")
        @OptionGroup var options: RosterOptions
        func run() async throws {
            let subjects = try await options.run { p, org, caller in try await p.subjects(caller, organization: org) }
            print(table([["id", "subject", "external id"]] + subjects.map { ["\($0.id)", $0.name, $0.externalID ?? ""] }))
        }
    }

    struct SubjectAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "subject-add", abstract: "Create a subject.")
        @OptionGroup var options: RosterOptions
        @Option var name: String
        func run() async throws {
            let subject = try await options.run { p, org, caller in try await p.createSubject(caller, organization: org, name: name) }
            print("subject \(subject.name) (\(subject.id))")
        }
    }

    struct People: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "people", abstract: "List people, filtered by role, class or name.")
        @OptionGroup var options: RosterOptions
        @Option(help: "student, parent, teacher or employee.") var role: String?
        @Option(name: .customLong("class"), help: "Class number: its students today.") var classID: Int64?
        @Option(help: "Words of the name.") var query: String = ""
        @Option var page: Int = 1
        @Option var perPage: Int = 50
        func run() async throws {
            let filter = PersonFilter(
                role: try role.map { raw throws(PartaError) in try RosterRole.parse(raw) }, classID: classID.map { ClassID($0) },
                words: SearchText.words(query))
            let pageRequest = try PageRequest.check(page: page, perPage: perPage)
            let found = try await options.run { p, org, caller in try await p.persons(caller, organization: org, filter: filter, page: pageRequest) }
            print(table([["id", "role", "name", "born", "external id", "", ""]] + found.items.map(describe)))
            print("page \(found.page) of \(max(1, (found.total + found.perPage - 1) / found.perPage)), \(found.total) people")
        }
    }

    struct PersonAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "person-add", abstract: "Add a person.")
        @OptionGroup var options: RosterOptions
        @Option(help: "student, parent, teacher or employee.") var role: String
        @Option var surname: String
        @Option var givenName: String
        @Option var patronymic: String = ""
        @Option(help: "м or ж.") var gender: String = ""
        @Option(help: "17.05.2010") var birthDate: String?
        @Option var externalID: String?
        func run() async throws {
            let input = PersonInput(
                role: try RosterRole.parse(role), surname: surname, givenName: givenName, patronymic: patronymic,
                gender: try Gender.parse(gender), birthDate: try date(birthDate, "birth_date"), externalID: externalID)
            let created = try await options.run { p, org, caller in try await p.createPerson(caller, organization: org, input) }
            print("\(created.person.role.rawValue) \(created.person.name.full) (\(created.person.id))")
        }
    }

    struct PersonShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "person-show", abstract: "Show a person with class, children, parents and history.")
        @OptionGroup var options: RosterOptions
        @Argument var person: Int64
        func run() async throws {
            let details = try await options.run { p, org, caller in try await p.person(caller, organization: org, id: RosterPersonID(person)) }
            print(table([describe(details.person)]))
            if let c = details.currentClass { print("class today: \(c.name)") }
            for child in details.children { print("child: \(child.name.full) (\(child.id))") }
            for parent in details.parents { print("parent: \(parent.name.full) (\(parent.id))") }
            for period in details.enrollment {
                print("in class \(period.classID) from \(period.start.russian)" + (period.end.map { " until \($0.russian)" } ?? ""))
            }
        }
    }

    struct PersonEdit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "person-edit", abstract: "Edit a person; only the options given change.")
        @OptionGroup var options: RosterOptions
        @Argument var person: Int64
        @Option var surname: String?
        @Option var givenName: String?
        @Option var patronymic: String?
        @Option(help: "м or ж.") var gender: String?
        @Option(help: "17.05.2010, or «none».") var birthDate: String?
        @Option(help: "true or false: inactive people stay in the records.") var active: Bool?
        func run() async throws {
            let birth: LocalDate?? = try birthDate.map { $0 == "none" ? .some(nil) : .some(try LocalDate.parse($0, field: "birth_date")) } ?? nil
            let patch = PersonPatch(
                surname: surname, givenName: givenName, patronymic: patronymic,
                gender: try gender.map { raw throws(PartaError) in try Gender.parse(raw) }, birthDate: birth, active: active)
            let details = try await options.run { p, org, caller in try await p.updatePerson(caller, organization: org, id: RosterPersonID(person), patch) }
            print(table([describe(details.person)]))
        }
    }

    struct PersonRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "person-remove", abstract: "Delete a person without history (otherwise: person-edit --active false).")
        @OptionGroup var options: RosterOptions
        @Argument var person: Int64
        func run() async throws {
            try await options.run { p, org, caller in try await p.deletePerson(caller, organization: org, id: RosterPersonID(person)) }
            print("deleted")
        }
    }

    struct GuardianAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "guardian-add", abstract: "Link a parent to a child.")
        @OptionGroup var options: RosterOptions
        @Option var parent: Int64
        @Option var student: Int64
        func run() async throws {
            try await options.run { p, org, caller in
                try await p.addGuardianship(caller, organization: org, parent: RosterPersonID(parent), student: RosterPersonID(student))
            }
            print("linked")
        }
    }

    struct GuardianRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "guardian-remove", abstract: "Remove a parent–child link.")
        @OptionGroup var options: RosterOptions
        @Option var parent: Int64
        @Option var student: Int64
        func run() async throws {
            try await options.run { p, org, caller in
                try await p.removeGuardianship(caller, organization: org, parent: RosterPersonID(parent), student: RosterPersonID(student))
            }
            print("removed")
        }
    }

    struct Assignments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assignments", abstract: "List teaching assignments.")
        @OptionGroup var options: RosterOptions
        @Option(name: .customLong("class")) var classID: Int64?
        func run() async throws {
            let found = try await options.run { p, org, caller in try await p.assignments(caller, organization: org, classID: classID.map { ClassID($0) }) }
            print(table([["id", "class", "subject", "group", "teacher", "students"]] + found.map {
                ["\($0.assignment.id)", $0.schoolClass.name, $0.subject.name, $0.assignment.group, $0.teacher.name.full,
                 $0.assignment.isGroup ? "\($0.assignment.studentIDs.count)" : "class"]
            }))
        }
    }

    struct AssignmentAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assignment-add", abstract: "A teacher teaching a subject to a class or a group of it.")
        @OptionGroup var options: RosterOptions
        @Option var teacher: Int64
        @Option(help: "Subject name (created if new).") var subject: String
        @Option(name: .customLong("class")) var classID: Int64
        @Option var group: String = ""
        @Option(parsing: .upToNextOption, help: "The group's student numbers.") var students: [Int64] = []
        func run() async throws {
            let view = try await options.run { p, org, caller in
                let subjects = try await p.subjects(caller, organization: org)
                var found = subjects.first(where: { SearchText.fold($0.name) == SearchText.fold(subject) })?.id
                if found == nil { found = try await p.createSubject(caller, organization: org, name: subject).id }
                let subjectID = found!
                return try await p.createAssignment(caller, organization: org, AssignmentInput(
                    teacher: RosterPersonID(teacher), subject: subjectID, classID: ClassID(classID), group: group,
                    students: students.map { RosterPersonID($0) }))
            }
            print("assignment \(view.assignment.id): \(view.teacher.name.full) teaches \(view.subject.name) to \(view.schoolClass.name) \(view.assignment.group)")
        }
    }

    struct AssignmentRemove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assignment-remove", abstract: "Delete a teaching assignment.")
        @OptionGroup var options: RosterOptions
        @Argument var assignment: Int64
        func run() async throws {
            try await options.run { p, org, caller in try await p.deleteAssignment(caller, organization: org, id: AssignmentID(assignment)) }
            print("deleted")
        }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "orders", abstract: "List movement orders, newest first.")
        @OptionGroup var options: RosterOptions
        @Option var student: Int64?
        @Option(name: .customLong("class")) var classID: Int64?
        @Option var page: Int = 1
        func run() async throws {
            let pageRequest = try PageRequest.check(page: page, perPage: 50)
            let found = try await options.run { p, org, caller in
                try await p.orders(caller, organization: org, student: student.map { RosterPersonID($0) }, classID: classID.map { ClassID($0) }, page: pageRequest)
            }
            print(table([["id", "date", "order", "student", "class", ""]] + found.items.map {
                ["\($0.order.id)", $0.order.effectiveDate.russian, $0.order.kind.rawValue, $0.student.name.full, $0.schoolClass.name,
                 $0.order.cancelled ? "cancelled" : ""]
            }))
        }
    }

    /// An enrollment or a withdrawal from the command line.
    static func order(_ options: RosterOptions, _ kind: MovementOrder.Kind, student: Int64, classID: Int64, date: String) async throws {
        let day = try LocalDate.parse(date, field: "date")
        let view = try await options.run { p, org, caller in
            try await p.createOrder(caller, organization: org, student: RosterPersonID(student), kind: kind, classID: ClassID(classID), date: day)
        }
        let verb = kind == .enrollment ? "enrolled in" : "withdrawn from"
        print("order \(view.order.id): \(view.student.name.full) \(verb) \(view.schoolClass.name) from \(day.russian)")
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enroll a student into a class from a date.")
        @OptionGroup var options: RosterOptions
        @Option var student: Int64
        @Option(name: .customLong("class")) var classID: Int64
        @Option(help: "01.09.2025") var date: String
        func run() async throws { try await RosterCommand.order(options, .enrollment, student: student, classID: classID, date: date) }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a student from a class from a date.")
        @OptionGroup var options: RosterOptions
        @Option var student: Int64
        @Option(name: .customLong("class")) var classID: Int64
        @Option(help: "The first day no longer in the class.") var date: String
        func run() async throws { try await RosterCommand.order(options, .withdrawal, student: student, classID: classID, date: date) }
    }

    struct CancelOrder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel-order", abstract: "Cancel an order, undoing exactly its effect.")
        @OptionGroup var options: RosterOptions
        @Argument var order: Int64
        func run() async throws {
            let view = try await options.run { p, org, caller in try await p.cancelOrder(caller, organization: org, id: OrderID(order)) }
            print("cancelled order \(view.order.id) (\(view.order.kind.rawValue) of \(view.student.name.full))")
        }
    }

    struct LinkCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "link-code", abstract: "A one-time link code for a person (24 hours), with its QR code.")
        @OptionGroup var options: RosterOptions
        @Option var person: Int64
        @Option(help: "The address people open, e.g. https://school.example.ru (env PARTA_PUBLIC_URL).") var publicURL: String?
        @Option(help: "Write the QR code as PNG here.") var png: String?
        @Option(help: "Write the QR code as SVG here.") var svg: String?
        func run() async throws {
            let issued = try await options.run { p, org, caller in try await p.createLinkCode(caller, organization: org, person: RosterPersonID(person)) }
            let url = issued.url(base: publicURL ?? ProcessInfo.processInfo.environment["PARTA_PUBLIC_URL"] ?? "http://127.0.0.1:8080")
            let qr = try QRCode(url)
            if let png { try Data(qr.png()).write(to: URL(fileURLWithPath: png)) }
            if let svg { try qr.svg().write(toFile: svg, atomically: true, encoding: .utf8) }
            print("link for \(issued.person.name.full), valid until \(issued.expiresAt):")
            print(url)
            print("or type the code \(issued.display) at \(Secrets.link(base: String(url.dropLast(issued.path.count)), path: "/link"))")
        }
    }

    static func printReport(_ report: ImportReport) {
        print(report.dryRun ? "dry run — nothing written; the import would:" : "imported:")
        if report.isEmpty { print("  change nothing") }
        for key in report.counts.keys.sorted() {
            print("  \(key.replacingOccurrences(of: "_", with: " ")): \(report.counts[key]!)")
            for example in report.examples[key] ?? [] { print("      e.g. \(example)") }
        }
        for warning in report.warnings { print("warning: \(warning)") }
        if let ms = report.longestBatchMilliseconds { print(String(format: "longest write transaction: %.0f ms", ms)) }
    }

    static func progress() -> @Sendable (ImportProgress) -> Void {
        { step in
            guard step.total > 0 else { return }
            FileHandle.standardError.write(Data("\r\(step.phase): \(step.done)/\(step.total)   \(step.done == step.total ? "\n" : "")".utf8))
        }
    }

    struct ImportCSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-csv", abstract: "Import CSV files of people, classes, assignments, guardians and lessons (docs/roster-import.md).")
        @OptionGroup var options: RosterOptions
        @Argument(help: "CSV files; their kind is read from the header.") var files: [String]
        @Flag(help: "Only report what would change.") var dryRun = false
        func run() async throws {
            let loaded = try files.map { ImportFile(name: URL(fileURLWithPath: $0).lastPathComponent, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: $0)))) }
            let report = try await options.run { p, org, caller in
                try await p.withImportSlot(caller, organization: org) {
                    try await p.importCSV(caller, organization: org, files: loaded, dryRun: dryRun, progress: RosterCommand.progress())
                }
            }
            RosterCommand.printReport(report)
        }
    }

    struct ImportOneRoster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-oneroster", abstract: "Import a OneRoster 1.1 or 1.2 bulk export (a folder or a zip): the whole roster.")
        @OptionGroup var options: RosterOptions
        @Argument(help: "A folder of CSV files, or a zip.") var path: String
        @Option(help: "The school's sourcedId, when the export holds several.") var school: String?
        @Flag(help: "Only report what would change.") var dryRun = false
        func run() async throws {
            let report = try await options.run { p, org, caller in
                try await p.withImportSlot(caller, organization: org) {
                    let files = try ImportFiles.load(path: path, limits: p.config.imports)
                    return try await p.importOneRoster(
                        caller, organization: org, files: files, school: school, dryRun: dryRun, progress: RosterCommand.progress())
                }
            }
            RosterCommand.printReport(report)
        }
    }

    struct APIKeyCreate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api-key-create", abstract: "Create an API key for the school information system.")
        @OptionGroup var options: RosterOptions
        @Option var name: String
        func run() async throws {
            let issued = try await options.run { p, org, caller in try await p.createAPIKey(caller, organization: org, name: name) }
            print("API key \(issued.info.id) «\(issued.info.name)» — shown only now:")
            print(issued.key)
        }
    }

    struct APIKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api-keys", abstract: "List API keys.")
        @OptionGroup var options: RosterOptions
        func run() async throws {
            let keys = try await options.run { p, org, caller in try await p.apiKeys(caller, organization: org) }
            print(table([["id", "name", "prefix", "last used", ""]] + keys.map {
                ["\($0.id)", $0.name, $0.prefix, $0.lastUsedAt.map { "\($0)" } ?? "never", $0.revokedAt == nil ? "" : "revoked"]
            }))
        }
    }

    struct APIKeyRevoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api-key-revoke", abstract: "Revoke an API key.")
        @OptionGroup var options: RosterOptions
        @Argument var key: Int64
        func run() async throws {
            try await options.run { p, org, caller in try await p.revokeAPIKey(caller, organization: org, id: key) }
            print("revoked")
        }
    }
}
