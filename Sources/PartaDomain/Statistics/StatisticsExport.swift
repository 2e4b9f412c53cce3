import Foundation

/// A statistics table as people read it in a spreadsheet: a column per figure, in Russian, with
/// percentages beside the counts they are of; a row per territory or school and the total.
public enum StatisticsExport {
    public struct Column: Sendable {
        public var title: String
        public var value: @Sendable (Figures) -> Double?
        public var isPercent: Bool
    }

    static func count(_ title: String, _ value: @escaping @Sendable (Figures) -> Int) -> Column {
        Column(title: title, value: { Double(value($0)) }, isPercent: false)
    }

    static func percent(_ title: String, _ part: @escaping @Sendable (Figures) -> Int, of whole: @escaping @Sendable (Figures) -> Int) -> Column {
        Column(title: title, value: { StatisticsRules.percent(part($0), of: whole($0)) }, isPercent: true)
    }

    public static let columns: [Column] = [
        count("Организаций", \.organizations),
        count("Активных", \.activeOrganizations),
        percent("Активных, %", \.activeOrganizations, of: \.organizations),
        count("Подтверждённых учителей", \.verifiedTeachers),
        count("Подтверждённых сотрудников", \.verifiedEmployees),
        count("Учеников", \.students),
        count("Учеников с аккаунтом", \.studentsLinked),
        percent("Учеников с аккаунтом, %", \.studentsLinked, of: \.students),
        count("Родителей", \.parents),
        count("Родителей с аккаунтом", \.parentsLinked),
        percent("Родителей с аккаунтом, %", \.parentsLinked, of: \.parents),
        count("Учителей в контингенте", \.rosterTeachers),
        count("Учителей с аккаунтом", \.rosterTeachersLinked),
        count("Чатов", { $0.chats.values.reduce(0, +) }),
        count("Недостающих чатов", \.missingRosterChats),
        count("Сообщений за неделю", \.messages),
        count("Активных за неделю", { $0.activeAccountsByRole.values.reduce(0, +) }),
        count("Приглашений", \.invitesCreated),
        count("Заявок принято", \.joinRequestsAccepted),
        count("Заявок отклонено", \.joinRequestsRejected),
        count("Звонков", \.calls),
        count("Дистанционных уроков", \.distanceLessons),
        count("Участников звонков", \.callParticipants),
        count("Минут в звонках", \.callMinutes),
    ]

    /// A cell of an exported table: text, a count, a percentage (45.3 for 45.3 %), or nothing
    /// (a percentage of nothing).
    public enum Cell: Hashable, Sendable {
        case text(String)
        case count(Int)
        case percent(Double)
        case empty
    }

    /// One line of a table: a territory or a school, the one it belongs to (on sheets that list
    /// the children of several parents), its figures.
    public struct Line: Sendable {
        public var name: String
        public var parent: String?
        public var figures: Figures

        public init(name: String, parent: String? = nil, figures: Figures) {
            self.name = name
            self.parent = parent
            self.figures = figures
        }
    }

    /// A sheet of a week's export: a level (regions, municipalities, schools), a line per child
    /// and the total last.
    public struct Sheet: Sendable {
        public var title: String
        public var week: StatisticsWeek
        public var lines: [Line]
        public var total: Line?

        public init(title: String, week: StatisticsWeek, lines: [Line], total: Line?) {
            self.title = title
            self.week = week
            self.lines = lines
            self.total = total
        }

        /// Whether the sheet has the "belongs to" column.
        public var hasParent: Bool { lines.contains { $0.parent != nil } }

        /// The header row's titles.
        public var header: [String] {
            ["Неделя", "Название"] + (hasParent ? ["Входит в"] : []) + StatisticsExport.columns.map(\.title)
        }

        /// The data rows, the total last, cell by cell (the same in CSV and XLSX).
        public var rows: [[Cell]] {
            (lines + (total.map { [$0] } ?? [])).map { line in
                [.text(week.description), .text(line.name)] + (hasParent ? [.text(line.parent ?? "")] : [])
                    + StatisticsExport.columns.map { column in
                        guard let value = column.value(line.figures) else { return .empty }
                        return column.isPercent ? .percent(value) : .count(Int(value))
                    }
            }
        }
    }

    /// The file name of an export: `statistics-2026-W48-region-3.csv`.
    public static func fileName(week: StatisticsWeek, level: String, id: Int64?, extension ext: String) -> String {
        "statistics-\(week)-\(level)\(id.map { "-\($0)" } ?? "").\(ext)"
    }

    /// CSV for Russian Excel as it is: UTF-8 with a BOM, `;` between fields, a decimal comma,
    /// CRLF; a header row, a row per child, and the total last.
    public static func csv(_ sheet: Sheet) -> String {
        func field(_ raw: String) -> String {
            // A name that starts like a formula stays text in Excel (a school named "=HYPERLINK(…)").
            let text = raw.first.map { "=+-@".contains($0) } == true ? "'" + raw : raw
            return text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func cell(_ cell: Cell) -> String {
            switch cell {
            case .text(let text): return field(text)
            case .count(let count): return String(count)
            case .percent(let value):
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10),\(abs(tenths % 10))"
            case .empty: return ""
            }
        }
        let lines = [sheet.header.map(field).joined(separator: ";")] + sheet.rows.map { $0.map(cell).joined(separator: ";") }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The CSV of one page: its rows and its total.
    public static func csv(week: StatisticsWeek, rows: [(name: String, figures: Figures)], total: (name: String, figures: Figures)) -> String {
        csv(Sheet(title: "", week: week, lines: rows.map { Line(name: $0.name, figures: $0.figures) },
                  total: Line(name: total.name, figures: total.figures)))
    }
}
