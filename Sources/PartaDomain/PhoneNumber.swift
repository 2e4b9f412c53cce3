/// A phone number in E.164 form (`+79991234567`), normalized from what people type.
///
/// Accepted forms, as Russian users write them:
/// - `8 (999) 123-45-67`, `8-999-123-45-67` — the domestic trunk prefix 8;
/// - `+7 999 1234567`, `7 999 123 45 67`;
/// - `9991234567` — ten digits without a prefix;
/// - `+375 29 123-45-67`, `00375291234567` — any other country in international form.
///
/// Phone numbers are personal data: never log them, never show them to other users.
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `+` followed by 8 to 15 digits.
    public let e164: String

    public static let example = "+7 999 123-45-67"
    public static let invalidMessage =
        "Enter a mobile phone number such as +7 999 123-45-67, 8 999 123-45-67 or 9991234567."

    public init(e164 trusted: String) { self.e164 = trusted }

    /// Normalizes `input` or throws `invalid_phone`.
    public init(parsing input: String) throws(PartaError) {
        guard let e164 = Self.normalize(input) else {
            throw PartaError.invalid("invalid_phone", Self.invalidMessage)
        }
        self.e164 = e164
    }

    /// The E.164 form of `input`, or `nil` when it is not a phone number.
    public static func normalize(_ input: String) -> String? {
        let trimmed = input.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 32 else { return nil }
        var digits = ""
        var sawPlus = false
        for (index, character) in trimmed.enumerated() {
            switch character {
            case "0"..."9":
                digits.append(character)
            case "+":
                // Only one plus, and only before any digit.
                guard index == 0 else { return nil }
                sawPlus = true
            case " ", "-", "(", ")", ".", "\u{00A0}", "\u{2011}", "\u{2013}":
                continue
            default:
                return nil
            }
        }
        if sawPlus {
            return international(digits)
        }
        if digits.hasPrefix("00") {
            return international(String(digits.dropFirst(2)))
        }
        switch digits.count {
        case 11 where digits.hasPrefix("8") || digits.hasPrefix("7"):
            return "+7" + digits.dropFirst()
        case 10 where "3456789".contains(digits.first!):
            return "+7" + digits
        default:
            return nil
        }
    }

    private static func international(_ digits: String) -> String? {
        guard let first = digits.first, first != "0" else { return nil }
        if first == "7" {
            // Russia and Kazakhstan: country code 7 and exactly ten national digits.
            return digits.count == 11 ? "+" + digits : nil
        }
        guard (8...15).contains(digits.count) else { return nil }
        return "+" + digits
    }

    /// `+7 999 123-45-67` for Russian numbers, the E.164 form otherwise; shown only to its owner and operators.
    public var formatted: String {
        guard e164.hasPrefix("+7"), e164.count == 12 else { return e164 }
        let d = Array(e164.dropFirst(2))
        return "+7 \(String(d[0..<3])) \(String(d[3..<6]))-\(String(d[6..<8]))-\(String(d[8..<10]))"
    }

    /// The last four digits only (`+7•••••••4567`), for the development SMS log.
    public var masked: String {
        let tail = e164.suffix(4)
        let head = e164.hasPrefix("+7") ? "+7" : String(e164.prefix(2))
        return head + String(repeating: "•", count: max(0, e164.count - head.count - 4)) + tail
    }

    public var description: String { masked }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: raw)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.invalidMessage))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

extension String {
    /// The string without leading and trailing whitespace (no Foundation needed).
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
