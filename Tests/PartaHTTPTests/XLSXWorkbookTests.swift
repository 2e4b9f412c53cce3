import Foundation
@testable import PartaXLSX
import Testing

/// The spreadsheet writer on its own: Excel's sheet-name rules, and a workbook that is a zip of
/// the parts Excel reads (its content is read back with openpyxl in the e2e tests).
@Suite("XLSX workbooks")
struct XLSXWorkbookTests {
    @Test("sheet names: at most 31 characters, none of []:*?/\\, no edge apostrophes, unique ignoring case")
    func names() {
        let long = String(repeating: "Муниципалитет ", count: 4)
        #expect(XLSXWorkbook.sheetNames(["Школы", "a/b:c", "'Итого'", "", long, "школы", "Школы"])
                == ["Школы", "a b c", "Итого", "Лист", String(long.prefix(31)), "школы (2)", "Школы (3)"])
        let repeated = XLSXWorkbook.sheetNames([long, long])
        #expect(repeated[1].count <= 31 && repeated[1].hasSuffix(" (2)"))
    }

    @Test("a workbook is written in the given folder, read back and the file removed")
    func write() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let book = XLSXWorkbook(title: "Тест", sheets: [
            .init(name: "Школы", header: ["Название", "Учеников", "Доля"], rows: [[.text("=1+1"), .number(12), .percent(0.25)], [.text("Б"), .empty, .empty]]),
            .init(name: "Итого", header: ["Название"], rows: []),
        ])
        let data = try book.data(directory: folder)
        #expect(data.prefix(2) == Data("PK".utf8))
        let text = String(decoding: data, as: UTF8.self)
        for part in ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml", "docProps/core.xml"] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing left behind")
    }
}
