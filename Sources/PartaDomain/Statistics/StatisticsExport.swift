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

    /// CSV for Russian Excel as it is: UTF-8 with a BOM, `;` between fields, a decimal comma,
    /// CRLF; a header row, a row per child, and the total last.
    public static func csv(week: StatisticsWeek, rows: [(name: String, figures: Figures)], total: (name: String, figures: Figures)) -> String {
        func field(_ raw: String) -> String {
            // A name that starts like a formula stays text in Excel (a school named "=HYPERLINK(…)").
            let text = raw.first.map { "=+-@".contains($0) } == true ? "'" + raw : raw
            return text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func number(_ value: Double?, percent: Bool) -> String {
            guard let value else { return "" }
            if !percent { return String(Int(value)) }
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10),\(abs(tenths % 10))"
        }
        var lines = [(["Неделя", "Название"] + columns.map(\.title)).map(field).joined(separator: ";")]
        for row in rows + [total] {
            lines.append(([week.description, row.name].map(field) + columns.map { number($0.value(row.figures), percent: $0.isPercent) })
                .joined(separator: ";"))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }
}
