/// A person's name as Russian schools write it: surname, given name, patronymic (optional).
public struct PersonName: Hashable, Sendable, Codable {
    public var surname: String
    public var givenName: String
    public var patronymic: String

    public init(surname: String, givenName: String, patronymic: String = "") {
        self.surname = surname
        self.givenName = givenName
        self.patronymic = patronymic
    }

    public static let empty = PersonName(surname: "", givenName: "", patronymic: "")

    public var isEmpty: Bool { surname.isEmpty && givenName.isEmpty }

    /// `Смирнова Ольга Викторовна`.
    public var full: String {
        [surname, givenName, patronymic].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `Смирнова О. В.` — how school documents abbreviate a name.
    public var short: String {
        var parts = [surname]
        if let g = givenName.first { parts.append("\(g).") }
        if let p = patronymic.first { parts.append("\(p).") }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    public static let maxPartLength = 60

    /// Parses a full name written surname first (`Смирнова Ольга Викторовна`).
    /// The first word is the surname, the second the given name, the rest the patronymic
    /// (`Алиев Рашид Ахмед оглы`).
    public init(parsing input: String) throws(PartaError) {
        let words = input.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard words.count >= 2 else {
            throw PartaError.invalid(
                "invalid_name",
                "Write the full name surname first, for example «Смирнова Ольга Викторовна»."
            )
        }
        try self.init(
            validatingSurname: words[0],
            givenName: words[1],
            patronymic: words.dropFirst(2).joined(separator: " ")
        )
    }

    /// Builds a name from separate parts, checking each.
    public init(validatingSurname surname: String, givenName: String, patronymic: String) throws(PartaError) {
        let surname = surname.trimmingWhitespace()
        let givenName = givenName.trimmingWhitespace()
        let patronymic = patronymic.trimmingWhitespace()
        guard !surname.isEmpty, !givenName.isEmpty else {
            throw PartaError.invalid("invalid_name", "Both the surname and the given name are required.")
        }
        for (field, value) in [("surname", surname), ("given_name", givenName), ("patronymic", patronymic)] {
            // Bounded in characters and bytes, no control or direction-reversing characters, a visible letter.
            _ = try TextRules.checkName(value, field: field, maxCharacters: Self.maxPartLength, code: "invalid_name")
            guard value.unicodeScalars.allSatisfy(Self.isNameScalar) else {
                throw PartaError.invalid(
                    "invalid_name",
                    "The \(field.replacingUnderscores()) may contain only letters, spaces, hyphens and apostrophes.",
                    details: ["field": .string(field)])
            }
        }
        self.init(surname: surname, givenName: givenName, patronymic: patronymic)
    }

    /// Letters (with their accents), spaces, hyphens, apostrophes and dots — nothing invisible.
    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: break
        }
        if s.properties.isAlphabetic { return !TextRules.isInvisible(s) }
        return s == " " || s == "-" || s == "'" || s == "’" || s == "."
    }
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
