import Foundation

/// Folding of names for search: case-insensitive for Cyrillic and Latin, `ё` equal to `е`,
/// punctuation ignored, so `«Школа №5»`, `школа 5` and `ШКОЛА  № 5` all match.
///
/// Stored search columns hold `fold(name)`; a query is folded the same way, split into
/// words, and every word must occur (see `SearchQuery`).
public enum SearchText {
    public static func fold(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        // Composed form first, so that `й` typed as `и` + combining breve matches `й`.
        for character in text.precomposedStringWithCanonicalMapping.lowercased() {
            let folded: Character
            switch character {
            case "ё": folded = "е"
            default: folded = character
            }
            if folded.isLetter || folded.isNumber {
                if pendingSpace && !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.append(folded)
            } else {
                pendingSpace = true
            }
        }
        return result
    }

    /// The folded words of a query, at most `limit` of them, each non-empty.
    public static func words(_ query: String, limit: Int = 8) -> [String] {
        Array(fold(query).split(separator: " ").prefix(limit).map(String.init))
    }

    /// A SQL `LIKE` pattern matching `word` anywhere, with `\` escaping `%`, `_` and `\`.
    public static func containsPattern(_ word: String) -> String {
        "%" + escapeLike(word) + "%"
    }

    /// A SQL `LIKE` pattern matching text that starts with `word` (a surname in a folded full name).
    public static func prefixPattern(_ word: String) -> String {
        escapeLike(word) + "%"
    }

    static func escapeLike(_ word: String) -> String {
        var escaped = ""
        for character in word {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
