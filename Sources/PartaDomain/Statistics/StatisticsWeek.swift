public import Foundation

/// A statistics week: ISO week numbering on Moscow time (SPEC §8), Monday 00:00 to the next
/// Monday 00:00. Written `2026-W48`.
public struct StatisticsWeek: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The ISO week-numbering year (the year of the week's Thursday).
    public let year: Int
    public let week: Int

    public static let timeZone = TimeZone(identifier: "Europe/Moscow")!

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// `nil` for a week the year does not have (week 53 of a 52-week year).
    public init?(year: Int, week: Int) {
        guard (1970...9999).contains(year), (1...53).contains(week) else { return nil }
        var components = DateComponents()
        components.yearForWeekOfYear = year
        components.weekOfYear = week
        components.weekday = 2
        guard let monday = Self.calendar.date(from: components) else { return nil }
        let back = Self.calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: monday)
        guard back.yearForWeekOfYear == year, back.weekOfYear == week else { return nil }
        self.year = year
        self.week = week
    }

    /// The week `date` falls in, on Moscow's clock.
    public static func containing(_ date: Date) -> StatisticsWeek {
        let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return StatisticsWeek(year: c.yearForWeekOfYear!, week: c.weekOfYear!)!
    }

    /// `2026-W48` (also `2026-w48`, `2026W48`).
    public static func parse(_ raw: String) throws(PartaError) -> StatisticsWeek {
        let text = raw.trimmingWhitespace().uppercased().replacingOccurrences(of: "-W", with: "W")
        let parts = text.split(separator: "W", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let number = Int(parts[1]), let week = StatisticsWeek(year: year, week: number)
        else {
            throw PartaError.invalid("invalid_week", "A week is written like 2026-W48 (an ISO week that exists).", details: ["field": .string("week")])
        }
        return week
    }

    /// Monday 00:00, Moscow time.
    public var start: Date {
        var components = DateComponents()
        components.yearForWeekOfYear = year
        components.weekOfYear = week
        components.weekday = 2
        return Self.calendar.date(from: components)!
    }

    /// The next Monday 00:00, Moscow time.
    public var end: Date { adding(weeks: 1).start }

    public func adding(weeks: Int) -> StatisticsWeek {
        Self.containing(Self.calendar.date(byAdding: .day, value: 7 * weeks, to: start)!.addingTimeInterval(3600))
    }

    public var description: String { "\(year)-W\(week < 10 ? "0" : "")\(week)" }

    public static func < (lhs: StatisticsWeek, rhs: StatisticsWeek) -> Bool {
        (lhs.year, lhs.week) < (rhs.year, rhs.week)
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do { self = try Self.parse(raw) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a week: \(raw)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// When the weekly snapshot is taken: a weekday and a time on Moscow's clock (Friday 16:00 by
/// default, `PARTA_STATS_SNAPSHOT="FRI 16:00"`).
public struct SnapshotSchedule: Hashable, Sendable {
    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int
    /// Minutes after midnight.
    public var minutes: Int

    public static let standard = SnapshotSchedule(weekday: 5, minutes: 16 * 60)

    public init(weekday: Int, minutes: Int) {
        self.weekday = weekday
        self.minutes = minutes
    }

    static let weekdays = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]

    /// `FRI 16:00`, `mon 08:30`.
    public static func parse(_ raw: String) throws(PartaError) -> SnapshotSchedule {
        let parts = raw.trimmingWhitespace().uppercased().split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let day = weekdays.firstIndex(of: String(parts[0])), let time = LocalTime(parsing: String(parts[1])) else {
            throw PartaError.invalid("invalid_schedule", "The snapshot time is a weekday and a time, such as FRI 16:00.")
        }
        return SnapshotSchedule(weekday: day + 1, minutes: time.minutes)
    }

    /// The moment of `week`'s snapshot.
    public func moment(in week: StatisticsWeek) -> Date {
        week.start.addingTimeInterval(TimeInterval((weekday - 1) * 86_400 + minutes * 60))
    }

    /// The week whose snapshot is due at `now`: the latest week whose moment has passed, unless
    /// `lastTaken` is that week or a later one. A node that was down at the moment takes it when it
    /// comes back (only the latest missed week: an older one would be counted from today's roster).
    public func due(now: Date, lastTaken: StatisticsWeek?) -> StatisticsWeek? {
        var week = StatisticsWeek.containing(now)
        if moment(in: week) > now { week = week.adding(weeks: -1) }
        if let lastTaken, lastTaken >= week { return nil }
        return week
    }
}
