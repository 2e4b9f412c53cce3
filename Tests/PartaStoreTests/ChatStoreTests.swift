import Foundation
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// The chat store's batched writes: a roster change touches some thirty chats and changes their
/// members in one statement per operation, split only by the number of binds.
@Suite("Chat store")
struct ChatStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func school(in store: Store) async throws -> OrganizationID {
        let (region, _) = try await store.findOrCreateRegion(name: "Тверская область", now: now)
        let (municipality, _) = try await store.findOrCreateMunicipality(name: "г. Тверь", region: region.id, now: now)
        return try await store.insertOrganization(
            municipality: municipality.id, profile: OrganizationProfile(kind: .school, fullName: "Школа", shortName: "Школа"),
            communityID: CommunityID(randomBytes: [UInt8](repeating: 1, count: 8)), now: now)
    }

    @Test("member changes across chats touch exactly the named rows, however many binds they take", arguments: TestEngine.all)
    func batchedMemberChanges(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            let (chats, persons, accounts) = try await database.write { store in
                let org = try await school(in: store)
                var persons: [RosterPersonID] = []
                for i in 0..<300 {
                    persons.append(try await store.insertPerson(
                        organization: org, role: .student, name: PersonName(surname: "Ученик\(i)", givenName: "Имя"), gender: .unspecified,
                        birthDate: nil, externalID: nil, now: now).id)
                }
                var accounts: [AccountID] = []
                for i in 0..<3 {
                    accounts.append(try await store.findOrCreateAccount(phone: PhoneNumber(e164: "+7999000100\(i)"), name: nil, now: now).id)
                }
                var chats: [ChatID] = []
                for name in ["Первый", "Второй", "Третий"] {
                    chats.append(try await store.insertChat(
                        organization: org, kind: .custom, name: name, rosterKey: nil, classID: nil, subjectID: nil, group: "",
                        schoolYearID: nil, createdBy: nil, now: now).id)
                }
                var rows: [(chat: ChatID, membership: ChatMembership, account: AccountID?)] = []
                for chat in chats {
                    for person in persons { rows.append((chat, ChatMembership(member: .person(person), viaRoster: true, viaHand: false), nil)) }
                    for account in accounts { rows.append((chat, ChatMembership(member: .account(account), viaRoster: false, viaHand: true), nil)) }
                }
                try await store.insertMemberships(rows, now: now)
                return (chats, persons, accounts)
            }

            // 250 + 200 persons and an account in three chats: more binds than one statement takes.
            try await database.write { store in
                try await store.updateMemberships(
                    [(chats[0], persons[0..<250].map { .person($0) }), (chats[1], persons[100...].map { .person($0) }),
                     (chats[2], [.account(accounts[1])])],
                    admin: .roster)
                try await store.deleteMemberships(
                    [(chats[0], persons[290...].map { .person($0) }), (chats[1], []), (chats[2], [.person(persons[0]), .account(accounts[2])])])
            }
            let after = try await database.read { try await $0.memberships(of: chats) }
            func admins(_ chat: ChatID) -> Set<ChatMemberRef> { Set(after[chat, default: []].filter { $0.admin == .roster }.map(\.member)) }
            #expect(admins(chats[0]) == Set(persons[0..<250].map { .person($0) }))
            #expect(admins(chats[1]) == Set(persons[100...].map { .person($0) }))
            #expect(admins(chats[2]) == [.account(accounts[1])])
            #expect(after[chats[0]]?.count == 303 - 10)
            #expect(after[chats[1]]?.count == 303)
            let third = Set(after[chats[2], default: []].map(\.member))
            #expect(third.count == 301 && !third.contains(.person(persons[0])) && !third.contains(.account(accounts[2])))
            // Provenance was not touched by an admin change.
            #expect(after[chats[0]]?.allSatisfy { $0.viaRoster == ($0.member.personID != nil) } == true)
        }
    }

    @Test("events take consecutive sequence numbers per chat, in the order given", arguments: TestEngine.all)
    func eventSequences(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            let (org, chats) = try await database.write { store in
                let org = try await school(in: store)
                var chats: [ChatID] = []
                for name in ["А", "Б", "В"] {
                    chats.append(try await store.insertChat(
                        organization: org, kind: .custom, name: name, rosterKey: nil, classID: nil, subjectID: nil, group: "",
                        schoolYearID: nil, createdBy: nil, now: now).id)
                }
                return (org, chats)
            }
            let (a, b, c) = (chats[0], chats[1], chats[2])
            _ = try await database.write { store in
                try await store.appendChatEvents(
                    [(a, "x", "a1"), (b, "x", "b1"), (a, "x", "a2"), (c, "x", "c1"), (a, "x", "a3"), (c, "x", "c2")],
                    organization: org, now: now)
            }
            _ = try await database.write { store in
                try await store.appendChatEvents([(c, "x", "c3"), (a, "x", "a4")], organization: org, now: now)
            }
            let events = try await database.read { store in
                (try await store.chatEvents(a), try await store.chatEvents(b), try await store.chatEvents(c))
            }
            #expect(events.0.map(\.seq) == [1, 2, 3, 4] && events.0.map(\.payload) == ["a1", "a2", "a3", "a4"])
            #expect(events.1.map(\.seq) == [1] && events.1.map(\.payload) == ["b1"])
            #expect(events.2.map(\.seq) == [1, 2, 3] && events.2.map(\.payload) == ["c1", "c2", "c3"])
            // An event for a chat that does not exist is refused and writes nothing.
            await #expect(throws: StoreError.missingRow("chat \(ChatID(999_999))")) {
                try await database.write { store in
                    try await store.appendChatEvents([(a, "x", "a5"), (ChatID(999_999), "x", "?")], organization: org, now: now)
                }
            }
            #expect(try await database.read { try await $0.chatEvents(a) }.count == 4)
        }
    }
}
