/// One problem in an imported file, named precisely enough to fix it in a spreadsheet.
public struct ImportProblem: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    /// The line where the record starts (1 is the header); 0 for the file as a whole.
    public var line: Int
    public var column: String?
    public var problem: String

    public init(file: String, line: Int, column: String?, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if let column { place += " [\(column)]" }
        return "\(place): \(problem)"
    }
}

/// A parsed CSV file: a header and records, each with the line it starts on.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public var file: String
    public var header: [String]
    public var rows: [Row]
    public var delimiter: Character

    /// The index of a column by name, ignoring case and surrounding spaces.
    public func column(_ name: String) -> Int? {
        let wanted = name.lowercased()
        return header.firstIndex { $0.trimmingWhitespace().lowercased() == wanted }
    }
}

/// Reads CSV as spreadsheets write it: UTF-8 with or without a byte-order mark; `;` (Russian
/// Excel) or `,` chosen by the header; quoted fields with `""` escapes and line breaks inside;
/// CRLF or LF. Rows must have as many fields as the header; blank lines are skipped.
public enum CSVReader {
    public static func read(_ input: [UInt8], file: String) throws(ImportProblem) -> CSVTable {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ImportProblem(
                file: file, line: 0, column: nil,
                problem: "The file is not UTF-8 text. In Excel choose «Save as» → «CSV UTF-8 (comma delimited)».")
        }
        let delimiter = detectDelimiter(bytes)
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quoteLine = 0
        var fieldWasQuoted = false
        var i = bytes.startIndex
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append((recordLine, fields))
            }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.endIndex {
            let byte = bytes[i]
            if inQuotes {
                if byte == 0x22 {
                    let next = bytes.index(after: i)
                    if next < bytes.endIndex && bytes[next] == 0x22 {
                        field.append(0x22)
                        i = bytes.index(after: next)
                        continue
                    }
                    inQuotes = false
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                i = bytes.index(after: i)
                continue
            }
            switch byte {
            case 0x22 where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
            case delimiter:
                endField()
            case 0x0D:
                break
            case 0x0A:
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(byte)
            }
            i = bytes.index(after: i)
        }
        if inQuotes {
            throw ImportProblem(file: file, line: quoteLine, column: nil, problem: "A quoted field is never closed.")
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        guard let header = records.first else {
            throw ImportProblem(file: file, line: 0, column: nil, problem: "The file is empty; it needs a header line.")
        }
        let names = header.fields.map { $0.trimmingWhitespace() }
        var rows: [CSVTable.Row] = []
        rows.reserveCapacity(records.count)
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw ImportProblem(
                    file: file, line: record.line, column: nil,
                    problem: "This line has \(record.fields.count) fields, the header has \(names.count)."
                        + (record.fields.count == 1 ? " Is the delimiter «\(Character(UnicodeScalar(delimiter)))» right?" : ""))
            }
            rows.append(CSVTable.Row(line: record.line, fields: record.fields))
        }
        return CSVTable(file: file, header: names, rows: rows, delimiter: Character(UnicodeScalar(delimiter)))
    }

    /// `;` or `,` (or a tab), whichever the header line uses most; `,` when it uses none.
    static func detectDelimiter(_ bytes: ArraySlice<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [0x3B: 0, 0x2C: 0, 0x09: 0]
        var inQuotes = false
        for byte in bytes {
            if byte == 0x22 { inQuotes.toggle() }
            if !inQuotes && byte == 0x0A { break }
            if !inQuotes, counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { ($0.value, $0.key == 0x2C ? 1 : 0) < ($1.value, $1.key == 0x2C ? 1 : 0) }!
        return best.value == 0 ? 0x2C : best.key
    }
}
