import ArgumentParser
import Foundation
import PartaApp
import PartaDomain
import PartaStore
import SQLKit

/// BENCH stats_snapshot_region_s: the weekly snapshot of a generated region — 200 schools of 300
/// students (their rosters imported, their roster chats made), 2,000,000 messages over 10 weeks —
/// with the process's peak memory; then the same week's snapshot again after the history has grown
/// to 10× the messages (older weeks), which must not take 10× as long: its cost follows the week.
struct StatsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "BENCH stats_snapshot_region_s, stats_snapshot_peak_rss_mb, stats_snapshot_10x_history_s.")

    @Option var schools = 200
    @Option var students = 300
    @Option(help: "Messages over the weeks (spread evenly; the snapshot's week is the last).") var messages = 2_000_000
    @Option var weeks = 10
    @Option(help: "Then grow the history to this many times the messages, in older weeks, and snapshot again (1: skip).") var historyFactor = 10
    @Option(help: "postgres://… to measure on PostgreSQL instead of SQLite.") var databaseURL: String?

    func validate() throws {
        guard schools > 0, students > 0, messages >= 0, weeks > 0, historyFactor >= 1 else { throw ValidationError("Sizes are positive.") }
    }

    func run() async throws {
        let (schools, students, messages, weeks, factor) = (schools, students, messages, weeks, historyFactor)
        let clock = FixedClock()
        try await withBenchSchool(databaseURL: databaseURL, clock: clock) { parta, system, first in
            let week = StatisticsWeek.containing(clock.now())
            let asOf = parta.config.statisticsSchedule.moment(in: week)
            let setup = ContinuousClock.now
            // The region: ten schools a municipality, each with its roster, its chats and five
            // confirmed teachers who write.
            var territory: [(id: OrganizationID, chats: [Int64], senders: [Int64])] = []
            for index in 0..<schools {
                let id = index == 0 ? first : try await parta.registerOrganization(system, OrganizationRegistration(
                    region: "Тверская область", municipality: "Район \(index / 10 + 1)",
                    profile: OrganizationProfile(kind: .school, fullName: "Школа для замеров № \(index + 1)", shortName: "Школа № \(index + 1)"),
                    administratorName: "Смирнова Ольга", administratorPhone: "+7999\(String(format: "%07d", 1_000_000 + index))")).summary.organization.id
                let generated = SchoolGenerator(students: students, firstYear: 2025).oneRoster()
                _ = try await parta.importOneRoster(system, organization: id, files: generated.files, school: nil, dryRun: false)
                _ = try await parta.initializeChats(system, organization: id, dryRun: false)
                var senders: [Int64] = []
                for teacher in 0..<5 {
                    let account = try await parta.attachMember(
                        system, organization: id, name: "Учитель Замер Иванович", phone: "+7998\(String(format: "%07d", index * 10 + teacher))",
                        role: .teacher, verified: true)
                    senders.append(account.id.rawValue)
                }
                let chats = try await parta.database.read { store in
                    try await store.sql.raw("SELECT id FROM chats WHERE organization_id = \(bind: id.rawValue) ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
                }
                territory.append((id, chats, senders))
                if index % 20 == 19 { FileHandle.standardError.write(Data("schools: \(index + 1)/\(schools)\n".utf8)) }
            }
            let inserter = MessageInserter(database: parta.database)
            try await inserter.insert(messages, over: (0..<weeks).map { week.adding(weeks: $0 - weeks + 1) }, until: asOf, territory: territory)
            FileHandle.standardError.write(Data("setup: \(Int((ContinuousClock.now - setup).milliseconds / 1000)) s, \(messages) messages\n".utf8))
            // A live database has its planner statistics (autovacuum); a bulk load has not yet.
            if databaseURL != nil { try await parta.database.write { try await $0.sql.raw("ANALYZE").run() } }

            // The peak from here on: the setup's (imports, insert batches) is forgotten.
            try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
            let start = ContinuousClock.now
            let taken = try await parta.takeSnapshot(week, asOf: asOf)
            let seconds = (ContinuousClock.now - start).milliseconds / 1000
            precondition(taken, "the snapshot was taken")
            bench("stats_snapshot_region_s", seconds, "s")
            bench("stats_snapshot_peak_rss_mb", Double(peakRSSKilobytes()) / 1024, "MB")
            let page = try await parta.statistics(system, level: .platform, id: nil, week: week.description)
            precondition(page.total.organizations == schools && page.total.messages == messages / weeks, "the week's messages: \(page.total.messages)")
            bench("stats_snapshot_week_messages", Double(page.total.messages), "messages")

            guard factor > 1 else { return }
            // The same week again with ten times the history: the older weeks grow, this one does not.
            let older = (0..<(weeks * (factor - 1))).map { week.adding(weeks: $0 - weeks * factor + 1) }
            let added = try await inserter.grow(by: messages * (factor - 1), over: older)
            FileHandle.standardError.write(Data("history grown by \(added) messages\n".utf8))
            try await parta.database.write { store in
                try await store.sql.raw("DELETE FROM statistics_figures WHERE week = \(bind: week.description)").run()
                try await store.sql.raw("DELETE FROM statistics_weeks WHERE week = \(bind: week.description)").run()
            }
            let again = ContinuousClock.now
            let retaken = try await parta.takeSnapshot(week, asOf: asOf)
            let grown = (ContinuousClock.now - again).milliseconds / 1000
            precondition(retaken, "the snapshot was taken again")
            bench("stats_snapshot_\(factor)x_history_s", grown, "s")
            bench("stats_snapshot_history_ratio", grown / max(seconds, 0.001), "x")
            let same = try await parta.statistics(system, level: .platform, id: nil, week: week.description)
            precondition(same.total == page.total, "the week's figures do not change with the history")
        }
    }
}

/// Writes messages straight into the tables (as the messenger would have: an event and a message
/// per message, the chat's sequence moved on), many rows per statement, spread over `weeks` and
/// the territory's chats, each week's before its snapshot moment.
struct MessageInserter {
    let database: Database

    func insert(_ count: Int, over weeks: [StatisticsWeek], until asOf: Date, territory: [(id: OrganizationID, chats: [Int64], senders: [Int64])]) async throws {
        guard count > 0, !weeks.isEmpty else { return }
        let perWeek = count / weeks.count
        let kind = ChatEvent.message.kind
        var sequence = try await database.read { store in
            Dictionary(uniqueKeysWithValues: try await store.sql.raw("SELECT id, last_seq FROM chats").all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "last_seq", as: Int64.self))
            })
        }
        var written = 0
        var serial = try await database.read { store in
            try await store.sql.raw("SELECT COUNT(*) AS n FROM messages").first()?.decode(column: "n", as: Int64.self) ?? 0
        }
        for week in weeks {
            // A message every few seconds of the working week, round the schools and their chats.
            let span = max(1, asOf.millis - week.start.millis)
            let window = week.end.millis - week.start.millis
            let length = min(span, window)
            var index = 0
            while index < perWeek {
                let batch = min(2_000, perWeek - index)
                var events: [SQLGroupExpression] = []
                var rows: [SQLGroupExpression] = []
                for n in index..<(index + batch) {
                    let school = territory[n % territory.count]
                    guard !school.chats.isEmpty else { continue }
                    let chat = school.chats[(n / territory.count) % school.chats.count]
                    let sender = school.senders[n % school.senders.count]
                    let seq = (sequence[chat] ?? 0) + 1
                    sequence[chat] = seq
                    serial += 1
                    let at = week.start.millis + Int64(n) * length / Int64(perWeek)
                    events.append(SQLGroupExpression([
                        SQLBind(school.id.rawValue), SQLBind(chat), SQLBind(seq), SQLBind(at), SQLBind(kind), SQLBind("{}"),
                    ]))
                    rows.append(SQLGroupExpression([
                        SQLBind(chat), SQLBind(seq), SQLBind(sender), SQLBind("bench-\(serial)"), SQLBind("Сообщение для замера"), SQLBind(at),
                    ]))
                }
                try await database.write { store in
                    for (chunk, more) in zip(events.chunked(400), rows.chunked(400)) {
                        try await store.sql.raw("INSERT INTO chat_events (organization_id, chat_id, seq, at, kind, payload) VALUES \(SQLList(Array(chunk)))").run()
                        try await store.sql.raw("INSERT INTO messages (chat_id, seq, sender_id, client_id, text, created_at) VALUES \(SQLList(Array(more)))").run()
                    }
                }
                index += batch
                written += batch
            }
        }
        let last = sequence
        try await database.write { store in
            for (chat, seq) in last { try await store.sql.raw("UPDATE chats SET last_seq = \(bind: seq) WHERE id = \(bind: chat)").run() }
        }
        precondition(written == perWeek * weeks.count)
    }
}

extension MessageInserter {
    /// Older weeks' messages made by the database itself (a recursive series per chat), for a
    /// history of tens of millions: the same rows as `insert`, the chats' sequences moved on.
    /// Answers how many were written.
    func grow(by count: Int, over weeks: [StatisticsWeek]) async throws -> Int {
        let chats = try await database.read { try await $0.sql.raw("SELECT COUNT(*) AS n FROM chats").first()?.decode(column: "n", as: Int.self) ?? 0 }
        guard chats > 0, !weeks.isEmpty else { return 0 }
        let perChat = max(1, count / weeks.count / chats)
        let kind = ChatEvent.message.kind
        for week in weeks {
            let step = (week.end.millis - week.start.millis) / Int64(perChat + 1)
            try await database.write { store in
                try await store.sql.raw("""
                    INSERT INTO chat_events (organization_id, chat_id, seq, at, kind, payload)
                    WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < \(bind: perChat))
                    SELECT c.organization_id, c.id, c.last_seq + n.k, \(bind: week.start.millis) + n.k * \(bind: step), \(bind: kind), '{}'
                    FROM chats c CROSS JOIN n
                    """).run()
                try await store.sql.raw("""
                    INSERT INTO messages (chat_id, seq, sender_id, client_id, text, created_at)
                    WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < \(bind: perChat))
                    SELECT c.id, c.last_seq + n.k, s.sender, 'h-' || CAST(c.id AS TEXT) || '-' || CAST(c.last_seq + n.k AS TEXT),
                        'Сообщение для замера', \(bind: week.start.millis) + n.k * \(bind: step)
                    FROM chats c CROSS JOIN n
                    JOIN (SELECT organization_id, MIN(account_id) AS sender FROM organization_roles WHERE role = 'teacher' GROUP BY organization_id) s
                        ON s.organization_id = c.organization_id
                    """).run()
                try await store.sql.raw("UPDATE chats SET last_seq = last_seq + \(bind: perChat)").run()
            }
        }
        return perChat * chats * weeks.count
    }
}
