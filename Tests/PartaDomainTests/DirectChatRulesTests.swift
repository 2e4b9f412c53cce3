import PartaDomain
import Testing

@Suite("Direct chat rules")
struct DirectChatRulesTests {
    // A small school: 10А has students Аня (1) and Борис (2), 11Б has Вера (3). Ирина Петровна
    // teaches 10А; Олег Иванович teaches 11Б; the administrator is staff with no class. Мама Ани
    // and папа Веры are parents; a teacher whose own son Борис is in 10А is both.
    static let anya = DirectParty(account: AccountID(1), studentPersons: [RosterPersonID(1)], classes: [ClassID(10)])
    static let boris = DirectParty(account: AccountID(2), studentPersons: [RosterPersonID(2)], classes: [ClassID(10)])
    static let vera = DirectParty(account: AccountID(3), studentPersons: [RosterPersonID(3)], classes: [ClassID(11)])
    static let irina = DirectParty(account: AccountID(4), isStaff: true, taught: [RosterPersonID(1), RosterPersonID(2)])
    static let oleg = DirectParty(account: AccountID(5), isStaff: true, taught: [RosterPersonID(3)])
    static let admin = DirectParty(account: AccountID(6), isStaff: true)
    static let anyasMother = DirectParty(account: AccountID(7), children: [RosterPersonID(1)])
    static let verasFather = DirectParty(account: AccountID(8), children: [RosterPersonID(3)])
    static let borisFather = DirectParty(account: AccountID(9), isStaff: true, children: [RosterPersonID(2)], taught: [RosterPersonID(3)])
    /// Not on the roster in any role that counts (an account with no person).
    static let stranger = DirectParty(account: AccountID(10))

    struct Row: CustomStringConvertible, Sendable {
        var initiator: String
        var target: String
        var allowed: Bool
        var studentToAdult = false
        var description: String { "\(initiator) → \(target)" }
    }

    static let parties: [String: DirectParty] = [
        "anya": anya, "boris": boris, "vera": vera, "irina": irina, "oleg": oleg, "admin": admin,
        "anyasMother": anyasMother, "verasFather": verasFather, "borisFather": borisFather, "stranger": stranger,
    ]

    static let table: [Row] = [
        // Staff with staff, either way.
        Row(initiator: "irina", target: "oleg", allowed: true),
        Row(initiator: "oleg", target: "admin", allowed: true),
        Row(initiator: "admin", target: "irina", allowed: true),
        Row(initiator: "borisFather", target: "irina", allowed: true),
        // A teacher with the students they teach; not with others.
        Row(initiator: "irina", target: "anya", allowed: true),
        Row(initiator: "irina", target: "vera", allowed: false),
        Row(initiator: "oleg", target: "vera", allowed: true),
        Row(initiator: "admin", target: "anya", allowed: false),
        // A teacher with their students' parents, and those parents with them.
        Row(initiator: "irina", target: "anyasMother", allowed: true),
        Row(initiator: "anyasMother", target: "irina", allowed: true),
        Row(initiator: "irina", target: "verasFather", allowed: false),
        Row(initiator: "verasFather", target: "irina", allowed: false),
        Row(initiator: "verasFather", target: "oleg", allowed: true),
        Row(initiator: "verasFather", target: "borisFather", allowed: true),
        Row(initiator: "anyasMother", target: "admin", allowed: false),
        // Being a parent too: Борис's father (a teacher of 11Б) reaches 10А's teacher as a colleague.
        Row(initiator: "irina", target: "borisFather", allowed: true),
        // Students with classmates only.
        Row(initiator: "anya", target: "boris", allowed: true),
        Row(initiator: "boris", target: "anya", allowed: true),
        Row(initiator: "anya", target: "vera", allowed: false),
        // A student does not start a chat with an adult, even one who may start it with them.
        Row(initiator: "anya", target: "irina", allowed: false, studentToAdult: true),
        Row(initiator: "vera", target: "oleg", allowed: false, studentToAdult: true),
        Row(initiator: "anya", target: "anyasMother", allowed: false),
        Row(initiator: "anya", target: "oleg", allowed: false),
        // Parents with parents, parents with other people's children, strangers: no.
        Row(initiator: "anyasMother", target: "verasFather", allowed: false),
        Row(initiator: "anyasMother", target: "boris", allowed: false),
        Row(initiator: "anyasMother", target: "anya", allowed: false),
        Row(initiator: "stranger", target: "irina", allowed: false),
        Row(initiator: "irina", target: "stranger", allowed: false),
        // Not with oneself.
        Row(initiator: "irina", target: "irina", allowed: false),
    ]

    @Test("who may open a direct chat with whom", arguments: table)
    func decide(row: Row) throws {
        let initiator = try #require(Self.parties[row.initiator])
        let target = try #require(Self.parties[row.target])
        let decision = DirectChatRules.decide(initiator: initiator, target: target)
        switch decision {
        case .allowed:
            #expect(row.allowed)
        case .denied(let reason):
            #expect(!row.allowed)
            #expect(reason.contains("student cannot start") == row.studentToAdult, "\(reason)")
        }
    }

    @Test("an existing chat stays open while one of the two could start it today", arguments: [
        ("irina", "anya", true), ("anya", "irina", true), ("anyasMother", "irina", true), ("anya", "boris", true),
        // The roster no longer relates them (another class, left the school): closed.
        ("irina", "vera", false), ("vera", "irina", false), ("anya", "vera", false), ("stranger", "irina", false),
        ("irina", "stranger", false), ("irina", "irina", false),
    ])
    func staysOpen(a: String, b: String, open: Bool) throws {
        #expect(DirectChatRules.staysOpen(try #require(Self.parties[a]), try #require(Self.parties[b])) == open)
    }

    @Test("the relation names why")
    func relation() {
        #expect(DirectChatRules.relation(Self.irina, Self.oleg) == .colleagues)
        #expect(DirectChatRules.relation(Self.irina, Self.anya) == .teacherAndStudent)
        #expect(DirectChatRules.relation(Self.anyasMother, Self.irina) == .teacherAndParent)
        #expect(DirectChatRules.relation(Self.anya, Self.boris) == .classmates)
        #expect(DirectChatRules.relation(Self.anya, Self.irina) == nil)
    }
}
