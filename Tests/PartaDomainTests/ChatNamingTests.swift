import Testing
@testable import PartaDomain

/// The names the roster gives its chats, as a school writes them (SPEC.md §4).
struct ChatNamingTests {
    static let c = ClassID(1), s = SubjectID(2)

    @Test("roster chats are named the school's way, the class once and the subject always", arguments: [
        // (key's group, class, subject) → name
        ("", "10А", "Химия", "10А - Химия"),
        ("Англ.яз/1", "10А", "Английский язык", "10А - Английский язык (Англ.яз/1)"),
        // A school system's group title repeats the class, with a space, a slash or a dash.
        ("10А Англ.яз/1", "10А", "Английский язык", "10А - Английский язык (Англ.яз/1)"),
        ("10А/Англ.яз/1", "10А", "Английский язык", "10А - Английский язык (Англ.яз/1)"),
        ("10а - Англ.яз/2", "10А", "Английский язык", "10А - Английский язык (Англ.яз/2)"),
        // A bare number is a group of the class.
        ("2", "10А", "Информатика", "10А - Информатика (группа 2)"),
        ("10А 1", "10А", "Информатика", "10А - Информатика (группа 1)"),
        // The group named after the subject: its number alone, or nothing when that is all it says.
        ("Англ.яз/1", "10А", "Англ.яз", "10А - Англ.яз (группа 1)"),
        ("10А Химия", "10А", "Химия", "10А - Химия"),
        ("10А", "10А", "Химия", "10А - Химия"),
        // Not a class prefix: `10А` is not cut out of `10Аб` or the middle of a title.
        ("10Аб мальчики", "10А", "Технология", "10А - Технология (10Аб мальчики)"),
        ("Проф 10А", "10А", "Физика", "10А - Физика (Проф 10А)"),
        // Without a subject's name the group names the chat.
        ("10А Физ.проф", "10А", "", "10А - Физ.проф"),
        ("", "10А", "", "10А - ?"),
    ])
    func subjectChat(group: String, className: String, subject: String, expected: String) {
        let name = RosterChatKey.name(of: .subject(Self.c, Self.s, group: group), className: className, subjectName: subject.isEmpty ? nil : subject)
        #expect(name == expected)
    }

    @Test("staff room, class and parents chats")
    func otherKinds() {
        #expect(RosterChatKey.name(of: .staffRoom, className: nil, subjectName: nil) == "Учительская")
        #expect(RosterChatKey.name(of: .classChat(Self.c), className: "10А", subjectName: nil) == "10А - Ученики")
        #expect(RosterChatKey.name(of: .parents(Self.c), className: "10А", subjectName: nil) == "10А - Родители")
    }
}
