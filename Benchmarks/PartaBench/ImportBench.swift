import ArgumentParser
import Foundation
import Logging
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore

/// BENCH oneroster_import_2000_students_s: a generated school's OneRoster export imported into an
/// empty school on the embedded database (SQLite, synchronous=FULL), with peak memory.
struct OneRosterImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "oneroster-import", abstract: "BENCH oneroster_import_*: a generated school imported.")

    @Option var students = 2000
    @Option(help: "postgres://… to measure on PostgreSQL instead of SQLite.") var databaseURL: String?

    func run() async throws {
        let students = self.students
        try await withBenchSchool(databaseURL: databaseURL) { parta, system, organization in
            let generated = SchoolGenerator(students: students, firstYear: 2025).oneRoster()
            let summary = generated.summary
            FileHandle.standardError.write(Data("generated: \(summary.students) students, \(summary.homeroomClasses) classes, \(summary.scheduledClasses) scheduled classes, \(summary.enrollments) enrollments\n".utf8))
            let start = ContinuousClock.now
            let report = try await parta.importOneRoster(
                system, organization: organization, files: generated.files, school: nil, dryRun: false)
            let seconds = (ContinuousClock.now - start).milliseconds / 1000
            bench("oneroster_import_\(students)_students_s", seconds, "s")
            bench("oneroster_import_peak_rss_mb", Double(peakRSSKilobytes()) / 1024, "MB")
            bench("oneroster_import_longest_batch_ms", report.longestBatchMilliseconds ?? 0, "ms")
            let again = ContinuousClock.now
            let second = try await parta.importOneRoster(
                system, organization: organization, files: generated.files, school: nil, dryRun: false)
            precondition(second.isEmpty, "the second import changed \(second.counts)")
            bench("oneroster_reimport_\(students)_students_s", (ContinuousClock.now - again).milliseconds / 1000, "s")
        }
    }
}

/// A clock fixed inside the generated school year (15 October 2025, noon in Moscow), so that the
/// figures do not depend on the day they run: the roster's classes are current and have chats.
struct FixedClock: WallClock {
    var date = Date(timeIntervalSince1970: 1_760_518_800)
    func now() -> Date { date }
}

/// Runs `body` with a `Parta` on a fresh, migrated database (SQLite in a scratch directory, or
/// `databaseURL`) holding one registered school; the command line acts.
func withBenchSchool(
    databaseURL: String?, clock: any WallClock = FixedClock(),
    _ body: @escaping @Sendable (Parta, Caller, OrganizationID) async throws -> Void
) async throws {
    let logger = benchLogger()
    let directory = scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var config = ServerConfig()
    config.dataDirectory = directory.path
    config.databaseURL = databaseURL
    let database = try await PartaServer.openDatabase(config, logger: logger)
    try await database.withRunning {
        _ = try await Migrator().migrate(database, logger: logger)
        let parta = Parta(database: database, clock: clock, sms: BenchSMS(policy: SignInPolicy()), logger: logger)
        let system = Caller.system("bench")
        let school = try await parta.registerOrganization(system, OrganizationRegistration(
            region: "Тверская область", municipality: "г. Тверь",
            profile: OrganizationProfile(kind: .school, fullName: "Школа для замеров", shortName: "Школа"),
            administratorName: "Смирнова Ольга", administratorPhone: "+79990000010"))
        try await body(parta, system, school.summary.organization.id)
    }
}

/// The process's peak resident memory (VmHWM), in kilobytes.
func peakRSSKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}
