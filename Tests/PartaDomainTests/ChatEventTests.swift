import PartaDomain
import Testing

@Suite("Chat events")
struct ChatEventTests {
    @Test("each event's kind and stored JSON")
    func kindsAndPayloads() {
        let cases: [(ChatEvent, String, String)] = [
            (.created(name: "10А - Ученики", kind: .classChat), "chat_created", #"{"name":"10А - Ученики","type":"class"}"#),
            (.renamed("10А"), "chat_renamed", #"{"name":"10А"}"#),
            (.deleted, "chat_deleted", "{}"),
            (.membersChanged(added: [.person(RosterPersonID(3))], removed: [.account(AccountID(5))], adminsGranted: [], adminsRevoked: []),
             "members_changed",
             #"{"added":[{"person_id":3}],"admins_granted":[],"admins_revoked":[],"removed":[{"account_id":5}]}"#),
            (.message, "message", "{}"),
            (.messageEdited(seq: 7), "message_edited", #"{"message_seq":7}"#),
            (.messageDeleted(seq: 7), "message_deleted", #"{"message_seq":7}"#),
            (.settingsChanged(ChatSettings(announcementsOnly: true, readReceipts: false)), "settings_changed",
             #"{"announcements_only":true,"read_receipts":false}"#),
        ]
        for (event, kind, payload) in cases {
            #expect(event.kind == kind)
            #expect(event.payload == payload, "\(kind)")
        }
    }
}
