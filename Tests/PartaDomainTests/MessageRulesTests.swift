import Foundation
import PartaDomain
import Testing

@Suite("Message rules")
struct MessageRulesTests {
    struct Row: CustomStringConvertible, Sendable {
        var action: MessageAction
        var member: Bool
        var admin: Bool
        var own: Bool
        var announcements: Bool
        var receipts: Bool
        var deleted: Bool
        var closed: Bool
        var allowed: Bool

        var description: String {
            "\(action) member=\(member) admin=\(admin) own=\(own) announcements=\(announcements) receipts=\(receipts) deleted=\(deleted) closed=\(closed)"
        }
    }

    /// Every combination, with the rule each expects.
    static let table: [Row] = {
        var rows: [Row] = []
        for action in MessageAction.allCases {
            for member in [false, true] {
                for admin in [false, true] {
                    for own in [false, true] {
                        for announcements in [false, true] {
                            for receipts in [false, true] {
                                for deleted in [false, true] { for closed in [false, true] {
                                    let allowed: Bool
                                    if !member {
                                        allowed = false
                                    } else if closed {
                                        // A closed chat is read, not written in: only who read one's message.
                                        allowed = action == .seeReaders && own && receipts
                                    } else {
                                        switch action {
                                        case .post: allowed = !announcements || admin
                                        case .edit: allowed = own && !deleted
                                        case .delete: allowed = own || admin
                                        case .seeReaders: allowed = own && receipts
                                        case .changeSettings: allowed = admin
                                        }
                                    }
                                    rows.append(Row(action: action, member: member, admin: admin, own: own, announcements: announcements,
                                                    receipts: receipts, deleted: deleted, closed: closed, allowed: allowed))
                                } }
                            }
                        }
                    }
                }
            }
        }
        return rows
    }()

    @Test("post, edit, delete, see readers, change settings: member, admin, own message, announcements-only, read receipts, deleted, closed", arguments: table)
    func permissions(row: Row) {
        let me = AccountID(1)
        let message = Message(
            id: MessageID(7), chatID: ChatID(3), seq: 4, senderID: row.own ? me : AccountID(2), clientID: "c", text: "Привет",
            replyTo: nil, createdAt: Date(timeIntervalSince1970: 0), deletedAt: row.deleted ? Date(timeIntervalSince1970: 1) : nil)
        let decision = MessageRules.decide(
            row.action, actor: MessageActor(account: me, isMember: row.member, isChatAdmin: row.admin),
            chat: ChatSettings(announcementsOnly: row.announcements, readReceipts: row.receipts), closed: row.closed,
            message: row.action == .post || row.action == .changeSettings ? nil : message)
        #expect(decision.isAllowed == row.allowed, "\(row): \(decision)")
        if case .denied(let rule) = decision { #expect(!rule.isEmpty) }
    }

    @Test("text: trimmed, not empty, at most 4,000 characters as people count them")
    func text() throws {
        #expect(try MessageRules.checkText("  Завтра собрание в 18:00 \n") == "Завтра собрание в 18:00")
        #expect(try MessageRules.checkText("a\n\nb") == "a\n\nb")
        for blank in ["", "   ", "\n\t "] {
            #expect(throws: PartaError.self) { try MessageRules.checkText(blank) }
        }
        // 4,000 emoji are 4,000 characters; so are 4,000 flags of two scalars each (8 bytes).
        #expect(try MessageRules.checkText(String(repeating: "😀", count: 4000)).count == 4000)
        #expect(try MessageRules.checkText(String(repeating: "🇷🇺", count: 4000)).count == 4000)
        // Bounded by bytes too: one "character" of 300,000 combining marks, or 4,000 families of 18 bytes each, is too large.
        for heavy in ["e" + String(repeating: "\u{301}", count: 300_000), String(repeating: "👨‍👩‍👧", count: 4000)] {
            #expect(throws: PartaError.invalid("text_too_long", "The text is too large: \(heavy.utf8.count) bytes for at most 4000 characters.", details: ["field": .string("text"), "max": .int(4000)])) {
                try MessageRules.checkText(heavy)
            }
        }
        #expect(try MessageRules.checkText(String(repeating: "👨‍👩‍👧", count: 1500)).count == 1500)
        #expect(try MessageRules.checkText(String(repeating: "ё", count: 4000)).count == 4000)
        do {
            _ = try MessageRules.checkText(String(repeating: "ё", count: 4001))
            Issue.record("4,001 characters were accepted")
        } catch {
            #expect(error.code == "text_too_long")
        }
    }

    @Test("a read marker stops at the chat's last event and is never negative")
    func readMarker() throws {
        #expect(try MessageRules.readMarker(5, lastSeq: 9) == 5)
        #expect(try MessageRules.readMarker(9, lastSeq: 9) == 9)
        #expect(try MessageRules.readMarker(1_000_000, lastSeq: 9) == 9)
        #expect(try MessageRules.readMarker(0, lastSeq: 0) == 0)
        #expect(throws: PartaError.self) { try MessageRules.readMarker(-1, lastSeq: 9) }
    }

    @Test("client ids: letters, digits, - and _, 1 to 64")
    func clientIDs() throws {
        for good in ["a", "550e8400-e29b-41d4-a716-446655440000", "msg_1", String(repeating: "x", count: 64)] {
            #expect(try MessageRules.checkClientID(good) == good)
        }
        for bad in ["", String(repeating: "x", count: 65), "a b", "привет", "a/b", "a\u{0}"] {
            #expect(throws: PartaError.self, "\(bad)") { try MessageRules.checkClientID(bad) }
        }
    }
}
