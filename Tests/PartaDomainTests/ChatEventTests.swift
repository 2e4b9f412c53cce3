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

    @Test("which kinds may change who is in a chat, and which messages an event names")
    func membershipAndMessageSeq() {
        let changing = ["chat_created", "members_changed", "chat_deleted"]
        let other = ["chat_renamed", "message", "message_edited", "message_deleted", "settings_changed", "unknown"]
        for kind in changing { #expect(ChatEvent.changesMembership(kind: kind), "\(kind)") }
        for kind in other { #expect(!ChatEvent.changesMembership(kind: kind), "\(kind)") }
        #expect(ChatEvent.messageSeq(payload: ChatEvent.messageDeleted(seq: 42).payload) == 42)
        #expect(ChatEvent.messageSeq(payload: ChatEvent.message.payload) == nil)
    }

    @Test("chat management sees every kind but direct chats")
    func managedKinds() {
        #expect(ChatKind.managedKinds == [.staffRoom, .classChat, .parents, .subject, .custom])
        #expect(!ChatKind.direct.isManaged && !ChatKind.direct.followsRoster)
    }
}
