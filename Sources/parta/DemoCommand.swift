import ArgumentParser
import Foundation
import PartaApp
import PartaDomain

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create the demo region, municipality and school with named people (safe to run again).",
        discussion: """
            With --schools, more schools in the demo school's municipality and in a second one; with
            --history-weeks, past weeks of use (schools coming on, parents and students linking,
            messages) with their weekly statistics snapshots, so the officers see trends at once.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Also fill the school with a generated roster of this many students (200 to 3000 is realistic).")
    var students: Int?

    @Option(help: "Also create this many more schools (0 to \(DemoTerritory.schools.count)), each with a generated roster.")
    var schools = 0

    @Option(help: "Also play this many past weeks of use and take their weekly snapshots (0 to 12; only on a fresh demo).")
    var historyWeeks = 0

    @Flag(help: "Make the demo's people part of the roster — the teachers of 5А, the director, the secretary, a mother and her child — with their first conversations.")
    var living = false

    func validate() throws {
        if let students, !(1...20_000).contains(students) { throw ValidationError("--students is from 1 to 20000.") }
        guard (0...DemoTerritory.schools.count).contains(schools) else { throw ValidationError("--schools is from 0 to \(DemoTerritory.schools.count).") }
        guard (0...12).contains(historyWeeks) else { throw ValidationError("--history-weeks is from 0 to 12.") }
        if (schools > 0 || historyWeeks > 0 || living) && students == nil { throw ValidationError("--schools, --history-weeks and --living need --students.") }
    }

    func run() async throws {
        ownerOnlyFiles()
        let (students, schools, historyWeeks, living) = (self.students, self.schools, self.historyWeeks, self.living)
        let (seeded, cast) = try await withParta(database) { parta in
            var cast: [DemoSchool.Person] = []
            let seeded = try await DemoSchool.seed(parta, caller: commandLineCaller())
            if let students {
                // Once living, always: a plain run would rename the cast people signed in as.
                let castStays = try await DemoSchool.hasLivingCast(parta, organization: seeded.organization.summary.organization.id)
                let (report, summary) = try await runReportingErrors {
                    try await DemoSchool.populate(
                        parta, caller: commandLineCaller(), organization: seeded.organization.summary.organization.id,
                        students: students, cast: living || castStays, progress: RosterCommand.progress())
                }
                print("generated roster: \(summary.students) students, \(summary.parents) parents, \(summary.teachers) teachers, "
                    + "\(summary.homeroomClasses) classes, \(summary.scheduledClasses) scheduled classes"
                    + (report.isEmpty ? " (already there)" : ""))
                let lessons = try await runReportingErrors {
                    try await DemoSchool.timetable(parta, caller: commandLineCaller(), organization: seeded.organization.summary.organization.id)
                }
                print("timetable: \(lessons.counts["lessons_created", default: 0]) lessons added for this week and the next")
                if historyWeeks > 0 {
                    // The history writes in the roster chats.
                    _ = try await parta.initializeChats(commandLineCaller(), organization: seeded.organization.summary.organization.id, dryRun: false)
                }
                // The cast is linked before the history links others, and talks after it (its day is today).
                var living: DemoSchool.LivingCast?
                if let named = summary.cast {
                    living = try await runReportingErrors {
                        try await DemoSchool.linkCast(parta, caller: commandLineCaller(), organization: seeded.organization.summary.organization.id, cast: named)
                    }
                }
                let territory = try await runReportingErrors {
                    try await DemoTerritory.build(parta, caller: commandLineCaller(), schools: schools, students: students)
                }
                if schools > 0 {
                    let municipalities = Set(DemoTerritory.schools.prefix(schools).map(\.municipality) + [DemoSchool.municipality]).count
                    print("territory: \(territory.count + 1) schools in \(municipalities) municipalities")
                }
                let history = try await runReportingErrors {
                    try await DemoTerritory.history(
                        parta, caller: commandLineCaller(), demoSchool: seeded.organization.summary.organization.id, territory: territory,
                        weeks: historyWeeks)
                }
                if let first = history.weeks.first, let last = history.weeks.last {
                    print("history: \(first)…\(last), \(history.linked) accounts linked, \(history.messages) messages, \(history.weeks.count) weekly snapshots")
                } else if historyWeeks > 0 {
                    print("history: not played again (weekly snapshots exist already)")
                }
                if let living {
                    try await runReportingErrors {
                        try await DemoSchool.converse(parta, living, caller: commandLineCaller(), organization: seeded.organization.summary.organization.id)
                    }
                    print("living demo: the cast is in the roster" + (living.linkedNow ? ", with their conversations" : " (already there)"))
                    cast = living.signIns
                }
            }
            return (seeded, cast)
        }
        let organization = seeded.organization.summary
        print("Demo school ready: \(organization.organization.profile.shortName)")
        print("  \(organization.region.name) → \(organization.municipality.name)")
        print("  community id \(organization.organization.communityID)")
        print("")
        print("Sign in as any of these people (start the server with `parta serve --demo`;")
        print("the one-time code appears at http://127.0.0.1:8080/dev/codes):")
        // The living cast say what they are in the school; the parent and the student come after the staff.
        let named = seeded.people.map { person in cast.first { $0.phone == person.phone } ?? person }
            + cast.filter { member in !seeded.people.contains { $0.phone == member.phone } }
        let people = named + (schools > 0 ? [DemoTerritory.regionalOfficer] : [])
        print(table([["phone", "name", "role"]] + people.map { [PhoneNumber(e164: $0.phone).formatted, $0.name, $0.role] }))
    }
}
