public import PartaDomain

extension XLSXWorkbook {
    /// A statistics export: a sheet per level, the same cells as the CSV (percentages as fractions).
    public init(title: String, statistics sheets: [StatisticsExport.Sheet]) {
        self.init(title: title, sheets: sheets.map { sheet in
            Sheet(name: sheet.title, header: sheet.header, rows: sheet.rows.map { row in
                row.map { cell in
                    switch cell {
                    case .text(let text): .text(text)
                    case .count(let count): .number(Double(count))
                    case .percent(let value): .percent(value / 100)
                    case .empty: .empty
                    }
                }
            })
        })
    }
}
