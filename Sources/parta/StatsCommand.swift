import ArgumentParser
import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaXLSX

/// `parta stats`: the weekly statistics from the command line — take a snapshot, show a page,
/// export it as CSV for Russian Excel or as an XLSX workbook.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Weekly statistics: take a snapshot, show or export a territory's or a school's week.",
        subcommands: [Snapshot.self, Show.self, Export.self])

    struct Scope: ParsableArguments {
        @Option(help: "A region's number.") var region: Int64?
        @Option(help: "A municipality's number.") var municipality: Int64?
        @Option(help: "An organization's number or community id.") var org: String?
        @Option(help: "An ISO week with a snapshot, like 2026-W48 (default: the latest; `now`: counted now, provisional).") var week: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard [region != nil, municipality != nil, org != nil].filter({ $0 }).count <= 1 else {
                throw ValidationError("Give at most one of --region, --municipality, --org (none: the whole platform).")
            }
        }

        /// The level and id asked for.
        func target(_ parta: Parta) async throws -> (level: StatisticsPage.Level, id: Int64?) {
            if let org { return (.organization, try await OrgCommand.resolve(parta, org).summary.organization.id.rawValue) }
            if let municipality { return (.municipality, municipality) }
            if let region { return (.region, region) }
            return (.platform, nil)
        }

        func page() async throws -> StatisticsPage {
            try await withParta(database) { parta in
                let (level, id) = try await target(parta)
                return try await parta.statistics(commandLineCaller(), level: level, id: id, week: week)
            }
        }
    }

    struct Snapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take the snapshot that is due now (or the given week's), as the server does on Fridays; one node takes it.")
        @Option(help: "A week to take (as of its scheduled moment), like 2026-W48.") var week: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let week = week
            let taken = try await withParta(database) { parta in
                if let week {
                    let parsed = try StatisticsWeek.parse(week)
                    return try await parta.takeSnapshot(parsed, asOf: min(parta.config.statisticsSchedule.moment(in: parsed), Date())) ? parsed : nil
                }
                return try await parta.takeDueSnapshot()
            }
            print(taken.map { "snapshot of \($0) taken" } ?? "nothing to take: the snapshot is taken already (or another node takes it)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a week's table: a row per region, municipality or school, the total last.")
        @OptionGroup var scope: Scope

        func run() async throws {
            let page = try await scope.page()
            func percent(_ part: Int, _ whole: Int) -> String {
                StatisticsRules.percent(part, of: whole).map { String(format: "%.1f%%", $0) } ?? "—"
            }
            func line(_ name: String, _ f: Figures) -> [String] {
                [name, "\(f.organizations)", "\(f.activeOrganizations)", "\(f.verifiedTeachers)", "\(f.students)", percent(f.studentsLinked, f.students),
                 "\(f.parents)", percent(f.parentsLinked, f.parents), "\(f.messages)", "\(f.calls + f.distanceLessons)"]
            }
            print("\(page.name), \(page.week) (\(page.provisional ? "provisional, counted" : "as of") \(ISO8601DateFormatter().string(from: page.asOf)))")
            print(table([["name", "orgs", "active", "teachers✓", "students", "linked", "parents", "linked", "messages", "calls"]]
                        + page.rows.map { line($0.name, $0.figures) } + [line("total", page.total)]))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a week's table as CSV for Russian Excel (UTF-8 with BOM, `;`) or as an XLSX workbook with a sheet per level.")
        @OptionGroup var scope: Scope
        @Option(help: "csv or xlsx (default: from the output's extension, else csv).") var format: String?
        @Option(help: "The file to write (default: standard output).") var output: String?

        func validate() throws {
            guard format == nil || format == "csv" || format == "xlsx" else { throw ValidationError("--format is csv or xlsx.") }
            if resolvedFormat == "xlsx" && output == nil { throw ValidationError("An XLSX workbook is written to a file: give --output.") }
        }

        var resolvedFormat: String { format ?? (output?.lowercased().hasSuffix(".xlsx") == true ? "xlsx" : "csv") }

        func run() async throws {
            if resolvedFormat == "xlsx", let output {
                let scope = scope
                let (page, sheets) = try await withParta(scope.database) { parta in
                    let (level, id) = try await scope.target(parta)
                    return try await parta.statisticsSheets(commandLineCaller(), level: level, id: id, week: scope.week)
                }
                let target = URL(fileURLWithPath: output)
                try XLSXWorkbook(title: "\(page.name), \(page.week)", statistics: sheets)
                    .data(directory: target.deletingLastPathComponent()).write(to: target)
                print("wrote \(output): \(sheets.map { "\($0.title) (\($0.lines.count) rows)" }.joined(separator: ", ")) of \(page.week)")
                return
            }
            let page = try await scope.page()
            let csv = StatisticsExport.csv(week: page.week, rows: page.rows.map { ($0.name, $0.figures) }, total: (page.name, page.total))
            if let output {
                try Data(csv.utf8).write(to: URL(fileURLWithPath: output))
                print("wrote \(output): \(page.rows.count + 1) rows of \(page.week)")
            } else {
                FileHandle.standardOutput.write(Data(csv.utf8))
            }
        }
    }
}
