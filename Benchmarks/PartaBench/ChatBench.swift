import ArgumentParser
import Foundation
import Logging
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore

/// BENCH initialize_school_2000_s: every roster chat of a generated 2,000-student school created
/// from nothing ("initialize chats" after the chats are wiped), on SQLite; then a second run that
/// finds nothing to do. BENCH enrollment_to_members_ms: one enrollment order (a transfer between two
/// classes) applied with its chats, p50 and p99 over 1,000 orders.
struct ChatSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chats", abstract: "BENCH initialize_school_*, enrollment_to_members_*.")

    @Option var students = 2000
    @Option var orders = 1000
    @Option(help: "postgres://… to measure on PostgreSQL instead of SQLite.") var databaseURL: String?

    func run() async throws {
        let (students, orders) = (self.students, self.orders)
        let clock = FixedClock()
        try await withBenchSchool(databaseURL: databaseURL, clock: clock) { parta, system, org in
            let generated = SchoolGenerator(students: students, firstYear: 2025).oneRoster()
            _ = try await parta.importOneRoster(system, organization: org, files: generated.files, school: nil, dryRun: false)

            try await parta.database.write { try await $0.deleteAllChats(of: org) }
            let start = ContinuousClock.now
            let report = try await parta.initializeChats(system, organization: org, dryRun: false)
            bench("initialize_school_\(students)_s", (ContinuousClock.now - start).milliseconds / 1000, "s")
            bench("initialize_school_chats", Double(report.total.chatsCreated), "chats")
            bench("initialize_school_memberships", Double(report.total.membersAdded), "memberships")
            let again = ContinuousClock.now
            let second = try await parta.initializeChats(system, organization: org, dryRun: false)
            precondition(second.total.isEmpty, "the second initialize changed \(second.total)")
            bench("initialize_school_again_\(students)_s", (ContinuousClock.now - again).milliseconds / 1000, "s")

            // Transfers back and forth between the two largest classes of one grade.
            let today = LocalDate(clock.now(), timeZone: "Europe/Moscow")
            let classes = try await parta.classes(system, organization: org, on: today)
            let byGrade = Dictionary(grouping: classes, by: \.schoolClass.label.grade)
            let pair = byGrade.values.filter { $0.count >= 2 }.max { $0.map(\.studentCount).reduce(0, +) < $1.map(\.studentCount).reduce(0, +) }!
            let (a, b) = (pair[0].schoolClass.id, pair[1].schoolClass.id)
            let movers = try await parta.students(system, organization: org, classID: a, on: today).map(\.id)
            var times: [Double] = []
            for i in 0..<orders {
                let round = i / movers.count
                let started = ContinuousClock.now
                _ = try await parta.createOrder(
                    system, organization: org, student: movers[i % movers.count], kind: .enrollment, classID: round % 2 == 0 ? b : a, date: today)
                times.append((ContinuousClock.now - started).milliseconds)
            }
            times.sort()
            bench("enrollment_to_members_p50_ms", times[times.count / 2], "ms")
            bench("enrollment_to_members_p99_ms", times[min(times.count - 1, times.count * 99 / 100)], "ms")
        }
    }
}
