/// What any text people type into the system may hold (SPEC §9, "every input has a limit"):
/// bounded in characters *and* in bytes (one character may be any number of combining marks), no
/// control characters but line breaks and tabs where text runs over lines, and — for names others
/// see — no bidirectional overrides that turn text around and nothing that shows no letter at all.
public enum TextRules {
    /// The bytes a text may take for each character it may hold, by default: four covers any
    /// letter or accented letter people type; a character made of hundreds of marks does not fit.
    public static let bytesPerCharacter = 4

    /// Characters that reorder text on screen: embeddings and overrides (U+202A–U+202E), isolates
    /// (U+2066–U+2069), the marks U+200E, U+200F and U+061C.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators; newlines
    /// and tabs too unless `multiline`.
    public static func isForbiddenControl(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !multiline
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Characters that show nothing: spaces, format characters (zero-width and joiners), other
    /// default-ignorable code points, and the blank letters people use to fake an empty name
    /// (Hangul fillers, the braille blank).
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace || scalar.properties.isDefaultIgnorableCodePoint { return true }
        if scalar.properties.generalCategory == .format || scalar.properties.generalCategory == .control { return true }
        switch scalar.value {
        case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800: return true
        default: return false
        }
    }

    /// Free text as it will be stored: line breaks made `\n` (`\r\n` and `\r` from other systems),
    /// no other control character (400 `invalid`), at most `maxCharacters` characters and
    /// `maxCharacters × bytesPerCharacter` bytes (400 `tooLong`). Trimming is the caller's.
    public static func checkText(
        _ raw: String, field: String, maxCharacters: Int, bytesPerCharacter: Int = bytesPerCharacter, multiline: Bool,
        tooLong: String = "text_too_long", invalid: String = "invalid_text"
    ) throws(PartaError) -> String {
        let text = multiline ? raw.replacingLineBreaks() : raw
        if let bad = text.unicodeScalars.first(where: { isForbiddenControl($0, multiline: multiline) }) {
            throw PartaError.invalid(
                invalid,
                "The \(field.replacingUnderscores()) holds a control character (U+\(String(bad.value, radix: 16, uppercase: true))); only \(multiline ? "line breaks and tabs are" : "printable characters are") allowed.",
                details: ["field": .string(field)])
        }
        let bytes = text.utf8.count
        let maxBytes = maxCharacters * bytesPerCharacter
        guard text.count <= maxCharacters, bytes <= maxBytes else {
            throw PartaError.invalid(
                tooLong,
                bytes > maxBytes && text.count <= maxCharacters
                    ? "The \(field.replacingUnderscores()) is too large: \(bytes) bytes for at most \(maxCharacters) characters."
                    : "The \(field.replacingUnderscores()) holds at most \(maxCharacters) characters; this one has \(text.count).",
                details: ["field": .string(field), "max": .int(maxCharacters)])
        }
        return text
    }

    /// A name others see (a person's part of a name, a chat's name): one line within the limits of
    /// `checkText`, no bidirectional control, and at least one visible letter or digit.
    public static func checkName(_ raw: String, field: String, maxCharacters: Int, code: String) throws(PartaError) -> String {
        let name = try checkText(raw, field: field, maxCharacters: maxCharacters, multiline: false, tooLong: code, invalid: code)
        if name.unicodeScalars.contains(where: isBidiControl) {
            throw PartaError.invalid(
                code, "The \(field.replacingUnderscores()) holds a character that reverses the direction of text.",
                details: ["field": .string(field)])
        }
        if !name.isEmpty, !name.unicodeScalars.contains(where: { ($0.properties.isAlphabetic || $0.properties.numericType != nil) && !isInvisible($0) }) {
            throw PartaError.invalid(
                code, "The \(field.replacingUnderscores()) shows no letter at all.", details: ["field": .string(field)])
        }
        return name
    }
}

extension String {
    /// `\r\n` and lone `\r` as `\n`.
    func replacingLineBreaks() -> String {
        guard contains("\r") || contains("\r\n") else { return self }
        var result = ""
        result.reserveCapacity(utf8.count)
        var scalars = unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            if scalar == "\r" {
                result.unicodeScalars.append("\n")
                if pending == "\n" { pending = scalars.next() }
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
