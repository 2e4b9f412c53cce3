import PartaDomain
import Testing

@Suite("Search folding")
struct SearchTextTests {
    @Test("case, ё and punctuation are folded", arguments: [
        ("Школа № 5", "школа 5"),
        ("«ШКОЛА»  №5", "школа 5"),
        ("Ёлочка", "елочка"),
        ("ЁЛКИНСКАЯ СОШ", "елкинская сош"),
        ("Лицей-интернат", "лицей интернат"),
        ("School 1", "school 1"),
        ("  ", ""),
        // й typed as и + combining breve is the same letter as й.
        ("Майская", "майская"),
        ("Ма\u{0438}\u{0306}ская", "майская"),
    ])
    func folds(input: String, expected: String) {
        #expect(SearchText.fold(input) == expected)
    }

    @Test func queryWordsAreFoldedAndLimited() {
        #expect(SearchText.words("ШКОЛА ёлкино №5") == ["школа", "елкино", "5"])
        #expect(SearchText.words("a b c d e f g h i j").count == 8)
    }

    @Test func likePatternsEscapeWildcards() {
        #expect(SearchText.containsPattern("школа") == "%школа%")
        #expect(SearchText.containsPattern("50%_x\\") == "%50\\%\\_x\\\\%")
    }
}
