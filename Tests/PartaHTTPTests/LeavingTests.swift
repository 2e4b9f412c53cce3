import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import SQLKit
import Testing

/// Leaving ends access (SPEC §9, issue 16 item 4): removed from the organization, a roster person
/// deactivated, deleted, unlinked or withdrawn without re-enrollment — the account loses the
/// organization's chats, its direct chats there and its rights, at once, on open connections too.
@Suite("Leaving an organization")
struct LeavingTests {
    static func chats(_ client: any TestClientProtocol, _ token: String?) async throws -> [[String: Any]] {
        try await client.call(.get, "/api/v1/me/chats", token: token).items
    }

    static func roles(_ client: any TestClientProtocol, _ token: String?, in organization: OrganizationID) async throws -> [String] {
        let me = try await client.call(.get, "/api/v1/me", token: token)
        let organizations = me["organizations"] as? [[String: Any]] ?? []
        let mine = organizations.first { ($0["id"] as? NSNumber)?.int64Value == organization.rawValue }
        return (mine?["roles"] as? [String]) ?? []
    }

    static func send(_ client: any TestClientProtocol, _ chat: Int64, _ text: String, token: String?) async throws -> JSONResponse {
        try await client.call(.post, "/api/v1/chats/\(chat)/messages", json: ["client_id": UUID().uuidString, "text": text], token: token)
    }

    static func openDirect(_ client: any TestClientProtocol, _ org: OrganizationID, with account: AccountID, token: String?) async throws -> JSONResponse {
        try await client.call(.post, "/api/v1/organizations/\(org)/direct-chats", json: ["account_id": account.rawValue], token: token)
    }

    static func id(_ response: JSONResponse) -> Int64 { (response["id"] as? NSNumber)?.int64Value ?? -1 }

    @Test("a parent whose roster person is deleted loses the direct chat; the teacher keeps it to read, closed", arguments: TestEngine.all)
    func deletedParent(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let parent = s.principals["p2"]!.account.id
            let direct = try await Self.openDirect(client, s.id, with: parent, token: s.tokens["ivanova"])
            #expect(direct.status == .ok && direct["closed"] as? Bool == false, "\(direct.text)")
            let chat = Self.id(direct)
            #expect(try await Self.send(client, chat, "Добрый день! Вера сегодня молодец.", token: s.tokens["ivanova"]).status == .created)
            #expect(try await Self.send(client, chat, "Спасибо!", token: s.tokens["p2"]).status == .created)
            let (parentSocket, _) = try await LiveTests.open(port, s.tokens["p2"])
            let (teacherSocket, _) = try await LiveTests.open(port, s.tokens["ivanova"])

            let deleted = try await client.call(.delete, "/api/v1/organizations/\(s.id)/persons/\(s.p2)", token: s.tokens["admin"])
            #expect(deleted.status == .noContent, "\(deleted.text)")

            // At once on the parent's connection: the direct chat and the parents' chats go.
            var gone = Set<Int64>()
            while gone.count < 3 { gone.insert(try #require(try await parentSocket.next(where: { $0.type == "chat_removed" }).chatID)) }
            #expect(gone.contains(chat))
            #expect(try await Self.chats(client, s.tokens["p2"]).isEmpty)
            #expect(try await Self.roles(client, s.tokens["p2"], in: s.id).isEmpty)
            let refused = try await Self.send(client, chat, "Можно ещё вопрос?", token: s.tokens["p2"])
            #expect(refused.status == .notFound)
            #expect(try await Self.openDirect(client, s.id, with: s.principals["ivanova"]!.account.id, token: s.tokens["p2"]).status == .notFound)

            // The teacher still reads it, marked closed, and cannot write there.
            let closedEvent = try await teacherSocket.next(where: { $0.type == "event" && $0.chatID == chat && $0.kind == "chat_closed" })
            #expect(closedEvent.message == nil)
            let entry = try #require(try await Self.chats(client, s.tokens["ivanova"]).first { ($0["id"] as? NSNumber)?.int64Value == chat })
            #expect(entry["closed"] as? Bool == true)
            let history = try await client.call(.get, "/api/v1/chats/\(chat)/messages", token: s.tokens["ivanova"])
            #expect(history.status == .ok && history.items.compactMap { $0["text"] as? String }.contains("Спасибо!"))
            let closed = try await Self.send(client, chat, "Вы здесь?", token: s.tokens["ivanova"])
            #expect(closed.status == .forbidden && closed.message?.contains("closed") == true)
            // Reopening needs someone the rule relates: the parent left, so it stays closed.
            #expect(try await Self.openDirect(client, s.id, with: parent, token: s.tokens["ivanova"]).status == .notFound)
            await parentSocket.close()
            await teacherSocket.close()
        }
    }

    @Test("a deactivated teacher loses role, chats, direct chats and management at once; reactivated, gets the roster's back", arguments: TestEngine.all)
    func deactivatedTeacher(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let p = world.parta
            let teacher = s.tokens["ivanova"]
            let student = s.principals["s1"]!.account.id
            // A chat she was added to by hand, and a direct chat with her student.
            let club = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Краеведческий кружок", members: [s.ivanova, s.s1]))
            let direct = Self.id(try await Self.openDirect(client, s.id, with: student, token: teacher))
            #expect(try await Self.send(client, direct, "Артём, зайди после уроков.", token: teacher).status == .created)
            let before = Set(try await Self.chats(client, teacher).compactMap { ($0["id"] as? NSNumber)?.int64Value })
            #expect(before.count == 5 && before.contains(direct) && before.contains(club.summary.chat.id.rawValue))
            #expect(try await client.call(.get, "/api/v1/organizations/\(s.id)/chats", token: teacher).status == .ok)
            let (socket, _) = try await LiveTests.open(port, teacher)
            let (studentSocket, _) = try await LiveTests.open(port, s.tokens["s1"])

            let off = try await client.call(.patch, "/api/v1/organizations/\(s.id)/persons/\(s.ivanova)", json: ["active": false], token: s.tokens["admin"])
            #expect(off.status == .ok, "\(off.text)")
            var gone = Set<Int64>()
            while gone.count < before.count { gone.insert(try #require(try await socket.next(where: { $0.type == "chat_removed" }).chatID)) }
            #expect(gone == before)
            #expect(try await Self.chats(client, teacher).isEmpty)
            #expect(try await Self.roles(client, teacher, in: s.id).isEmpty)
            #expect(try await Self.send(client, direct, "Это снова я", token: teacher).status == .notFound)
            #expect(try await Self.openDirect(client, s.id, with: student, token: teacher).status == .notFound)
            #expect(try await Self.openDirect(client, s.id, with: s.principals["petrov"]!.account.id, token: teacher).status == .notFound)
            let manage = try await client.call(.get, "/api/v1/organizations/\(s.id)/chats", token: teacher)
            #expect(manage.status == .forbidden)
            // The student keeps the direct chat to read, closed.
            _ = try await studentSocket.next(where: { $0.type == "event" && $0.chatID == direct && $0.kind == "chat_closed" })
            let studentEntry = try #require(try await Self.chats(client, s.tokens["s1"]).first { ($0["id"] as? NSNumber)?.int64Value == direct })
            #expect(studentEntry["closed"] as? Bool == true)
            #expect(try await Self.send(client, direct, "Хорошо", token: s.tokens["s1"]).status == .forbidden)

            // Active again: the same account, the roster's chats and the hand-added one come back; the
            // direct chat stays closed until she opens it again.
            let on = try await client.call(.patch, "/api/v1/organizations/\(s.id)/persons/\(s.ivanova)", json: ["active": true], token: s.tokens["admin"])
            #expect(on.status == .ok)
            #expect(try await Self.roles(client, teacher, in: s.id) == ["teacher"])
            let back = Set(try await Self.chats(client, teacher).compactMap { ($0["id"] as? NSNumber)?.int64Value })
            #expect(back == before.subtracting([direct]))
            let reopened = try await Self.openDirect(client, s.id, with: student, token: teacher)
            #expect(reopened.status == .ok && Self.id(reopened) == direct && reopened["closed"] as? Bool == false)
            _ = try await studentSocket.next(where: { $0.type == "event" && $0.chatID == direct && $0.kind == "chat_reopened" })
            #expect(try await Self.send(client, direct, "Хорошо", token: s.tokens["s1"]).status == .created)
            await socket.close()
            await studentSocket.close()
        }
    }

    @Test("an administrator removes a member: one role, then all; refusals change nothing; the last administrator stays", arguments: TestEngine.all)
    func removeMember(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let port = try #require(client.port)
            let s = try await world.chatSchool()
            let p = world.parta
            // Петров is also a parent: Алексеева's person (p1, the mother of s1) is linked to him.
            let petrov = s.principals["petrov"]!
            let code = try await p.createLinkCode(s.admin, organization: s.id, person: s.p1).code
            _ = try await p.confirmLinkCode(petrov, code: code, clientAddress: "192.0.2.9")
            let token = s.tokens["petrov"]
            let path = "/api/v1/organizations/\(s.id)/members/\(petrov.account.id)"
            #expect(try await Self.roles(client, token, in: s.id) == ["teacher", "parent"])
            let chatsBefore = try await Self.chats(client, token).compactMap { $0["name"] as? String }.sorted()
            #expect(chatsBefore == ["10А - Родители", "10А - Краеведение", "Учительская"].sorted())

            // Refusals: not an administrator, a role he does not hold, nobody, a bad role.
            #expect(try await client.call(.delete, path, token: s.tokens["ivanova"]).status == .forbidden)
            #expect(try await client.call(.delete, "\(path)?role=administrator", token: s.tokens["admin"]).status == .notFound)
            #expect(try await client.call(.delete, "/api/v1/organizations/\(s.id)/members/999999", token: s.tokens["admin"]).status == .notFound)
            let badRole = try await client.call(.delete, "\(path)?role=director", token: s.tokens["admin"])
            #expect(badRole.status == .badRequest && badRole.error == "invalid_role")
            #expect(try await Self.roles(client, token, in: s.id) == ["teacher", "parent"])
            let admin = s.roster.adminPrincipal.account.id
            let last = try await client.call(.delete, "/api/v1/organizations/\(s.id)/members/\(admin)?role=administrator", token: s.tokens["admin"])
            #expect(last.status == .conflict && last.error == "last_administrator")

            let (socket, _) = try await LiveTests.open(port, token)
            #expect(try await client.call(.delete, "\(path)?role=teacher", token: s.tokens["admin"]).status == .noContent)
            var gone = Set<String>()
            while gone.count < 2 { gone.insert("\(try await socket.next(where: { $0.type == "chat_removed" }).chatID ?? -1)") }
            #expect(try await Self.roles(client, token, in: s.id) == ["parent"])
            #expect(try await Self.chats(client, token).compactMap { $0["name"] as? String } == ["10А - Родители"])
            // The roster keeps the teacher, unlinked, to be linked again with a new code.
            let person = try await client.call(.get, "/api/v1/organizations/\(s.id)/persons/\(s.petrov)", token: s.tokens["admin"])
            #expect(person.status == .ok && (person["person"] as? [String: Any] ?? person.json)["account_id"] == nil)
            let audit = try await client.call(.get, "/api/v1/organizations/\(s.id)/audit?action=organization.member_removed", token: s.tokens["admin"])
            let entry = try #require(audit.items.first)
            #expect((entry["details"] as? [String: String])?["roles"] == "teacher" && entry["target_id"] as? String == "\(petrov.account.id)")

            #expect(try await client.call(.delete, path, token: s.tokens["admin"]).status == .noContent)
            _ = try await socket.next(where: { $0.type == "chat_removed" })
            #expect(try await Self.roles(client, token, in: s.id).isEmpty)
            #expect(try await Self.chats(client, token).isEmpty)
            #expect(try await client.call(.delete, path, token: s.tokens["admin"]).status == .notFound)
            await socket.close()
        }
    }

    @Test("withdrawn without re-enrollment: on its date the student and an only child's parent leave; enrolled again, they come back", arguments: TestEngine.all)
    func withdrawal(engine: TestEngine) async throws {
        try await withApp(engine, config: LiveTests.config(), framework: .live) { world, client in
            let s = try await world.chatSchool()
            let p = world.parta
            // Алексеева (p1), mother of s1 only, signs in and links.
            let signedIn = try await world.signIn("+79990000301")
            let mother = try await world.principal(signedIn)
            let motherToken = signedIn.token
            let code = try await p.createLinkCode(s.admin, organization: s.id, person: s.p1).code
            _ = try await p.confirmLinkCode(mother, code: code, clientAddress: "192.0.2.9")
            let today = LocalDate(world.clock.now(), timeZone: OrganizationProfile.defaultTimeZone)
            let withdrawal = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/orders",
                json: ["student_id": s.s1.rawValue, "kind": "withdrawal", "class_id": s.tenA.rawValue, "effective_date": today.adding(days: 5).iso],
                token: s.tokens["admin"])
            #expect(withdrawal.status == .created, "\(withdrawal.text)")
            // Until the date, nothing changes.
            #expect(try await Self.roles(client, s.tokens["s1"], in: s.id) == ["student"])
            #expect(try await Self.roles(client, motherToken, in: s.id) == ["parent"])

            // On the date, the hourly maintenance takes them out.
            world.clock.advance(by: 6 * 86_400)
            _ = try await Maintenance(parta: p).runOnce()
            #expect(try await Self.roles(client, s.tokens["s1"], in: s.id).isEmpty)
            #expect(try await Self.chats(client, s.tokens["s1"]).isEmpty)
            #expect(try await Self.roles(client, motherToken, in: s.id).isEmpty)
            #expect(try await Self.chats(client, motherToken).isEmpty)

            // Enrolled again (in 9Г, from next week): the same accounts are back at once.
            let now = LocalDate(world.clock.now(), timeZone: OrganizationProfile.defaultTimeZone)
            let again = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/orders",
                json: ["student_id": s.s1.rawValue, "kind": "enrollment", "class_id": s.nineG.rawValue, "effective_date": now.adding(days: 7).iso],
                token: s.tokens["admin"])
            #expect(again.status == .created)
            #expect(try await Self.roles(client, s.tokens["s1"], in: s.id) == ["student"])
            #expect(try await Self.roles(client, motherToken, in: s.id) == ["parent"])
        }
    }
}

extension LeavingTests {
    @Test("a direct chat the roster no longer relates closes — at once for a move, by the daily check for a lesson given up", arguments: TestEngine.all)
    func relations(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let p = world.parta
            // Смит teaches s1 English; Петров teaches 10А Краеведение, so he may write to p2 (s2's mother).
            let english = Self.id(try await Self.openDirect(client, s.id, with: s.principals["s1"]!.account.id, token: s.tokens["smith"]))
            let kraeved = Self.id(try await Self.openDirect(client, s.id, with: s.principals["p2"]!.account.id, token: s.tokens["petrov"]))
            #expect(try await Self.send(client, english, "Домашнее задание на пятницу", token: s.tokens["smith"]).status == .created)

            // s1 moves to 9Г: no longer Смит's student. The chat closes at once; both still read it.
            let today = LocalDate(world.clock.now(), timeZone: OrganizationProfile.defaultTimeZone)
            let moved = try await client.call(
                .post, "/api/v1/organizations/\(s.id)/orders",
                json: ["student_id": s.s1.rawValue, "kind": "enrollment", "class_id": s.nineG.rawValue, "effective_date": today.iso],
                token: s.tokens["admin"])
            #expect(moved.status == .created, "\(moved.text)")
            for token in [s.tokens["smith"], s.tokens["s1"]] {
                let entry = try #require(try await Self.chats(client, token).first { ($0["id"] as? NSNumber)?.int64Value == english })
                #expect(entry["closed"] as? Bool == true)
            }
            #expect(try await Self.send(client, english, "Ещё одно", token: s.tokens["smith"]).status == .forbidden)

            // Петров gives up 10А's Краеведение: his chat with p2 is closed by the next daily check.
            let assignment = try #require(try await p.assignments(s.admin, organization: s.id).first { $0.assignment.teacherID == s.petrov })
            try await p.deleteAssignment(s.admin, organization: s.id, id: assignment.assignment.id)
            let before = try #require(try await Self.chats(client, s.tokens["petrov"]).first { ($0["id"] as? NSNumber)?.int64Value == kraeved })
            #expect(before["closed"] as? Bool == false)
            _ = try await Maintenance(parta: p).runOnce()
            let after = try #require(try await Self.chats(client, s.tokens["petrov"]).first { ($0["id"] as? NSNumber)?.int64Value == kraeved })
            #expect(after["closed"] as? Bool == true)
        }
    }
}

@Suite("Members are roster persons")
struct RosterMembersTests {
    @Test("a role no roster person gives, from an older version, becomes a linked person; the staff room follows", arguments: TestEngine.all)
    func upgrade(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            // What versions before this one wrote: a role straight on the account.
            let legacy = try await world.principal(try await world.signIn("+79990000777"))
            try await world.database.write { store in
                try await store.setAccountName(legacy.account.id, PersonName(surname: "Старова", givenName: "Вера", patronymic: "Ильинична"))
                try await store.grantRole(.teacher, to: legacy.account.id, in: s.id, verified: true, now: world.clock.now())
            }
            #expect(try await p.myChats(legacy).isEmpty)
            #expect(try await p.bringMembersIntoRoster() == 1)
            #expect(try await p.bringMembersIntoRoster() == 0)
            let person = try #require(try await world.database.read { try await $0.persons(linkedTo: legacy.account.id) }.first)
            #expect(person.role == .teacher && person.name.full == "Старова Вера Ильинична" && person.organizationID == s.id)
            #expect(try await p.myChats(legacy).map(\.entry.chat.name) == ["Учительская"])
            let grant = try #require(try await world.database.read { try await $0.roleGrants(of: legacy.account.id) }.first)
            #expect(grant.role == .teacher && grant.verified)
        }
    }
}

/// Names others see come from the roster or from whoever granted a role (issue 16 item 5): what an
/// account calls itself never passes for someone else's name.
@Suite("Names others see")
struct NamesTests {
    static let administrator = ["surname": "Смирнова", "given_name": "Ольга", "patronymic": "Викторовна"]

    @Test("a self-chosen name never replaces the roster's or the operator's, and shows unconfirmed where nothing else names one", arguments: TestEngine.all)
    func selfChosenNames(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let student = s.principals["s1"]!.account.id
            let direct = LeavingTests.id(try await LeavingTests.openDirect(client, s.id, with: student, token: s.tokens["ivanova"]))
            // A second direct chat as an older version wrote it: without the names of its two sides.
            let smith = s.principals["smith"]!.account.id
            let legacy = LeavingTests.id(try await LeavingTests.openDirect(client, s.id, with: smith, token: s.tokens["ivanova"]))
            try await world.database.write { store in
                try await store.sql.raw("UPDATE direct_chats SET low_name = NULL, high_name = NULL WHERE chat_id = \(bind: legacy)").run()
            }

            // The student and the teacher Смит take the administrator's name for themselves.
            for token in [s.tokens["s1"], s.tokens["smith"]] {
                #expect(try await client.call(.patch, "/api/v1/me", json: Self.administrator, token: token).status == .ok)
            }
            // Everywhere the school names them, the roster's name stands, confirmed.
            func entry(_ chat: Int64) async throws -> [String: Any] {
                try #require(try await LeavingTests.chats(client, s.tokens["ivanova"]).first { ($0["id"] as? NSNumber)?.int64Value == chat })
            }
            #expect(try await entry(direct)["name"] as? String == "Алексеев Артём")
            #expect(try await entry(direct)["name_confirmed"] as? Bool == true)
            let members = try await client.call(.get, "/api/v1/organizations/\(s.id)/members?per_page=100", token: s.tokens["admin"])
            let named = members.items.first { ($0["account_id"] as? NSNumber)?.int64Value == student.rawValue }
            #expect(named?["full_name"] as? String == "Алексеев Артём" && named?["name_confirmed"] as? Bool == true)
            #expect(!members.items.contains { $0["full_name"] as? String == "Смирнова Ольга Викторовна" && ($0["account_id"] as? NSNumber)?.int64Value != s.roster.adminPrincipal.account.id.rawValue })

            // The administrator renames herself: the staff room and /me keep the operator's name for her.
            #expect(try await client.call(.patch, "/api/v1/me", json: ["surname": "Иванова", "given_name": "Мария"], token: s.tokens["admin"]).status == .ok)
            let staff = try await LiveTests.chat(world, s.principals["ivanova"]!, "Учительская")
            let staffMembers = try await client.call(.get, "/api/v1/chats/\(staff)/members?per_page=100", token: s.tokens["ivanova"])
            let admin = staffMembers.items.first { ($0["account_id"] as? NSNumber)?.int64Value == s.roster.adminPrincipal.account.id.rawValue }
            #expect(admin?["full_name"] as? String == "Смирнова Ольга Викторовна" && admin?["name_confirmed"] as? Bool == true)
            let me = try await client.call(.get, "/api/v1/me", token: s.tokens["ivanova"])
            let admins = ((me["organizations"] as? [[String: Any]])?.first?["administrators"] as? [[String: Any]]) ?? []
            #expect(admins.map { $0["full_name"] as? String } == ["Смирнова Ольга Викторовна"] && admins.first?["name_confirmed"] as? Bool == true)

            // They leave (unlink): the direct chats close, named as the school knew them — or, for the
            // chat without names, with the self-chosen name marked unconfirmed.
            #expect(try await client.call(.delete, "/api/v1/me/links/\(s.s1)", token: s.tokens["s1"]).status == .noContent)
            #expect(try await client.call(.delete, "/api/v1/me/links/\(s.smith)", token: s.tokens["smith"]).status == .noContent)
            let closed = try await entry(direct)
            #expect(closed["closed"] as? Bool == true && closed["name"] as? String == "Алексеев Артём" && closed["name_confirmed"] as? Bool == true)
            let unnamed = try await entry(legacy)
            #expect(unnamed["name"] as? String == "Смирнова Ольга Викторовна" && unnamed["name_confirmed"] as? Bool == false)
        }
    }
}
