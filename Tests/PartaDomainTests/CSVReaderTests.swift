import PartaDomain
import Testing

@Suite("CSV reading")
struct CSVReaderTests {
    func read(_ text: String) throws(ImportProblem) -> CSVTable {
        try CSVReader.read(Array(text.utf8), file: "people.csv")
    }

    @Test func semicolonsWithABOMAsRussianExcelWrites() throws {
        let table = try CSVReader.read([0xEF, 0xBB, 0xBF] + Array("фамилия;имя\r\nИванов;Пётр\r\nПетрова;\"Анна; Мария\"\r\n".utf8), file: "f.csv")
        #expect(table.delimiter == ";")
        #expect(table.header == ["фамилия", "имя"])
        #expect(table.rows.map(\.fields) == [["Иванов", "Пётр"], ["Петрова", "Анна; Мария"]])
        #expect(table.rows.map(\.line) == [2, 3])
    }

    @Test func commasQuotesAndLineBreaksInsideFields() throws {
        let table = try read("a,b,c\n1,\"x, \"\"y\"\"\",3\n\n4,\"multi\nline\",6\n7,8,9")
        #expect(table.delimiter == ",")
        #expect(table.rows.map(\.fields) == [["1", "x, \"y\"", "3"], ["4", "multi\nline", "6"], ["7", "8", "9"]])
        #expect(table.rows.map(\.line) == [2, 4, 6])
        #expect(table.column("B") == 1)
    }

    @Test func aDelimiterInsideQuotedHeaderDoesNotCount() throws {
        let table = try read("\"a,b\";c\n1;2\n")
        #expect(table.delimiter == ";")
        #expect(table.header == ["a,b", "c"])
    }

    @Test func wrongFieldCountsNameTheLine() {
        do {
            _ = try read("a;b\n1;2\n3\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 3)
            #expect(error.problem.contains("1 fields"))
        }
    }

    @Test func unclosedQuotesNameWhereTheyOpened() {
        do {
            _ = try read("a,b\n1,2\n3,\"open\n4,5\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 3)
        }
    }

    @Test func windows1251IsRefusedWithAHint() {
        // «Иванов» in Windows-1251.
        let bytes: [UInt8] = Array("a;b\n".utf8) + [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x3B, 0x31, 0x0A]
        do {
            _ = try CSVReader.read(bytes, file: "people.csv")
            Issue.record("accepted")
        } catch {
            #expect(error.problem.contains("UTF-8"))
            #expect(error.description.hasPrefix("people.csv: "))
        }
    }

    @Test func emptyFilesNeedAHeader() throws {
        #expect(throws: ImportProblem.self) { try read("") }
        #expect(try read("a,b\n").rows.isEmpty)
    }
}
