import CXLSXWriter
public import Foundation

/// A spreadsheet written by Debian's libxlsxwriter: sheets of a bold header row (frozen, with a
/// filter) and typed cells — numbers as numbers, percentages as fractions shown `0.0%` — so Excel
/// and LibreOffice sort and sum them as they are.
public struct XLSXWorkbook: Sendable {
    public enum Cell: Hashable, Sendable {
        case text(String)
        case number(Double)
        /// A fraction (0.453 is shown 45.3%).
        case percent(Double)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]

        public init(name: String, header: [String], rows: [[Cell]]) {
            self.name = name
            self.header = header
            self.rows = rows
        }
    }

    public struct WriteFailed: Error, CustomStringConvertible {
        public var description: String
    }

    public var title: String
    public var sheets: [Sheet]

    public init(title: String, sheets: [Sheet]) {
        self.title = title
        self.sheets = sheets
    }

    /// Excel's rules for a sheet name: at most 31 characters, none of `[]:*?/\`, not starting or
    /// ending with an apostrophe, unique in the workbook (a number is added to a repeated one).
    static func sheetNames(_ names: [String]) -> [String] {
        var used: Set<String> = []
        return names.map { raw in
            var name = String(raw.map { "[]:*?/\\".contains($0) ? " " : $0 }).trimmingCharacters(in: CharacterSet(charactersIn: "' "))
            if name.isEmpty { name = "Лист" }
            name = String(name.prefix(31))
            var candidate = name
            var number = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(number))"
                candidate = String(name.prefix(31 - suffix.count)) + suffix
                number += 1
            }
            used.insert(candidate.lowercased())
            return candidate
        }
    }

    /// The workbook's bytes; libxlsxwriter writes a file, so it is written in `directory` and
    /// read back (and removed whatever happens).
    public func data(directory: URL) throws -> Data {
        let file = directory.appendingPathComponent("export-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try write(to: file.path, temporary: directory.path)
        return try Data(contentsOf: file)
    }

    func write(to path: String, temporary: String) throws {
        var options = lxw_workbook_options()
        let workbook: UnsafeMutablePointer<lxw_workbook>? = temporary.withCString { tmp in
            options.tmpdir = UnsafeMutablePointer(mutating: tmp)
            return workbook_new_opt(path, &options)
        }
        guard let workbook else { throw WriteFailed(description: "libxlsxwriter could not start a workbook") }
        var closed = false
        defer { if !closed { workbook_close(workbook) } }

        title.withCString { text in
            var properties = lxw_doc_properties()
            properties.title = UnsafeMutablePointer(mutating: text)
            workbook_set_properties(workbook, &properties)
        }
        let bold = workbook_add_format(workbook)
        format_set_bold(bold)
        format_set_text_wrap(bold)
        let percent = workbook_add_format(workbook)
        format_set_num_format(percent, "0.0%")
        let integer = workbook_add_format(workbook)
        format_set_num_format(integer, "#,##0")

        for (sheet, name) in zip(sheets, Self.sheetNames(sheets.map(\.name))) {
            guard let worksheet = workbook_add_worksheet(workbook, name) else {
                throw WriteFailed(description: "libxlsxwriter refused the sheet name")
            }
            for (column, title) in sheet.header.enumerated() {
                worksheet_write_string(worksheet, 0, lxw_col_t(column), title, bold)
            }
            for (index, row) in sheet.rows.enumerated() {
                let line = lxw_row_t(index + 1)
                for (column, cell) in row.enumerated() {
                    let at = lxw_col_t(column)
                    switch cell {
                    case .text(let text): worksheet_write_string(worksheet, line, at, String(text.prefix(32_000)), nil)
                    case .number(let value): worksheet_write_number(worksheet, line, at, value, value.rounded() == value ? integer : nil)
                    case .percent(let value): worksheet_write_number(worksheet, line, at, value, percent)
                    case .empty: break
                    }
                }
            }
            // Names wide, figures narrow; the header wraps.
            let textColumns = sheet.rows.first.map { $0.prefix { if case .text = $0 { true } else { false } }.count } ?? 1
            worksheet_set_column(worksheet, 0, lxw_col_t(max(0, textColumns - 1)), 28, nil)
            if sheet.header.count > textColumns {
                worksheet_set_column(worksheet, lxw_col_t(textColumns), lxw_col_t(sheet.header.count - 1), 14, nil)
            }
            worksheet_freeze_panes(worksheet, 1, lxw_col_t(textColumns))
            if !sheet.header.isEmpty {
                worksheet_autofilter(worksheet, 0, 0, lxw_row_t(sheet.rows.count), lxw_col_t(sheet.header.count - 1))
            }
        }
        closed = true
        let result = workbook_close(workbook)
        guard result == LXW_NO_ERROR else {
            throw WriteFailed(description: "libxlsxwriter: " + String(cString: lxw_strerror(result)))
        }
    }
}
