import PartaDomain
import Testing

@Suite("Phone numbers")
struct PhoneNumberTests {
    @Test("forms people type normalize to E.164", arguments: [
        ("8 (999) 123-45-67", "+79991234567"),
        ("8-999-123-45-67", "+79991234567"),
        ("+7 999 1234567", "+79991234567"),
        ("+7 (999) 123 45 67", "+79991234567"),
        ("7 999 123 45 67", "+79991234567"),
        ("9991234567", "+79991234567"),
        ("  89991234567  ", "+79991234567"),
        ("8.999.123.45.67", "+79991234567"),
        ("4951234567", "+74951234567"),
        ("+375 29 123-45-67", "+375291234567"),
        ("00375291234567", "+375291234567"),
        ("+998 90 123 45 67", "+998901234567"),
        ("+7 727 123 45 67", "+77271234567"),
    ])
    func normalizes(input: String, expected: String) throws {
        #expect(try PhoneNumber(parsing: input).e164 == expected)
    }

    @Test("anything else is refused with a message showing a valid number", arguments: [
        "", "   ", "abc", "999123456", "99912345678", "+7 999 123 45 6", "+7 999 123 45 678",
        "8 999 123 45 67 ext 5", "+7+9991234567", "7-999-123-45-6x", "1234567", "+0 999 123 45 67",
        "+1234567", "+1234567890123456", "89991234567890", "2991234567", "8(999)123-45-67#",
        String(repeating: "9", count: 40),
    ])
    func refuses(input: String) {
        #expect(throws: PartaError.self) { try PhoneNumber(parsing: input) }
        do {
            _ = try PhoneNumber(parsing: input)
        } catch {
            #expect(error.code == "invalid_phone")
            #expect(error.kind == .badRequest)
            #expect(error.message.contains("+7 999 123-45-67"))
        }
    }

    @Test func formattingAndMaskingNeverLeakTheWholeNumberIntoDescriptions() throws {
        let phone = try PhoneNumber(parsing: "89991234567")
        #expect(phone.formatted == "+7 999 123-45-67")
        #expect(phone.masked == "+7••••••4567")
        #expect("\(phone)" == phone.masked)
        #expect(!"\(phone)".contains("999123"))
        #expect(PhoneNumber(e164: "+375291234567").formatted == "+375291234567")
    }
}
