import PartaDomain
import Testing

@Suite("Text rules")
struct TextRulesTests {
    @Test("free text: bounded in characters and bytes, line breaks and tabs only", arguments: [
        ("Завтра в 9:00", true), ("строка\nещё\tтаб", true), ("👨‍👩‍👧 семья", true),
        ("a\u{0}b", false), ("звонок\u{7}", false), ("esc\u{1B}[31m", false), ("del\u{7F}", false), ("c1\u{85}", false),
        ("line\u{2028}sep", false),
    ])
    func text(raw: String, ok: Bool) {
        let accepted = (try? TextRules.checkText(raw, field: "text", maxCharacters: 100, multiline: true)) != nil
        #expect(accepted == ok, "\(raw.debugDescription)")
    }

    @Test("line breaks from other systems become newlines; one-line text has none")
    func lineBreaks() throws {
        #expect(try TextRules.checkText("a\r\nb\rc\nd", field: "text", maxCharacters: 10, multiline: true) == "a\nb\nc\nd")
        #expect(throws: PartaError.self) { try TextRules.checkText("a\nb", field: "note", maxCharacters: 10, multiline: false) }
        #expect(throws: PartaError.self) { try TextRules.checkText("a\tb", field: "note", maxCharacters: 10, multiline: false) }
    }

    @Test("one character of 300,000 combining marks is too large; 4,000 emoji are not")
    func bytes() throws {
        let zalgo = "e" + String(repeating: "\u{301}", count: 300_000)
        #expect(zalgo.count == 1)
        do {
            _ = try TextRules.checkText(zalgo, field: "text", maxCharacters: 4000, multiline: true)
            Issue.record("accepted")
        } catch {
            #expect(error.code == "text_too_long" && error.message.contains("bytes"))
        }
        #expect(try TextRules.checkText(String(repeating: "😀", count: 4000), field: "text", maxCharacters: 4000, multiline: true).count == 4000)
    }

    @Test("names others see: no direction tricks, something visible", arguments: [
        ("10А - Родители", true), ("Кружок «Юный химик»", true), ("O'Connor", true), ("", true),
        ("\u{202E}яанрем", false), ("Совет\u{2066}", false), ("\u{200F}מורה", false),
        ("\u{200B}\u{200B}", false), ("\u{3164}", false), ("\u{2800}\u{2800}", false), ("   ", false), ("\u{115F}\u{1160}", false),
    ])
    func names(raw: String, ok: Bool) {
        let accepted = (try? TextRules.checkName(raw, field: "name", maxCharacters: 100, code: "invalid_name")) != nil
        #expect(accepted == ok, "\(raw.debugDescription)")
    }

    @Test("a person's name: letters with their accents, spaces, hyphens, apostrophes; no joiners or fillers", arguments: [
        ("Иванова", true), ("Анна-Мария", true), ("Ё\u{308}жик", true), ("Д'Артаньян", true),
        ("Ива\u{200D}нова", false), ("\u{3164}", false), ("Иван\u{202E}ова", false), ("Иван0ва", false),
        ("e" + String(repeating: "\u{301}", count: 1000), false),
    ])
    func personName(surname: String, ok: Bool) {
        let accepted = (try? PersonName(validatingSurname: surname, givenName: "Мария", patronymic: "")) != nil
        #expect(accepted == ok, "\(surname.debugDescription)")
    }
}
