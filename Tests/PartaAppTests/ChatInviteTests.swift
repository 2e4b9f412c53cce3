import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Chat invite links")
struct ChatInviteTests {
    static func code(_ body: () async throws -> Void) async -> String? {
        do { try await body(); return nil } catch let error as PartaError { return error.code } catch { return "\(error)" }
    }

    /// A custom chat (`Родительский комитет 10А`) the administrator made, with Иванова as its admin.
    static func committee(_ world: TestWorld, _ s: TestWorld.ChatSchool) async throws -> ChatID {
        let p = world.parta
        let chat = try await p.createChat(s.admin, organization: s.id, ChatDraft(kind: .custom, name: "Родительский комитет 10А", members: [s.ivanova]))
        let id = chat.summary.chat.id
        try await p.setChatAdmin(s.admin, organization: s.id, id: id, member: .person(s.ivanova), admin: true)
        return id
    }

    /// Links a roster person to a newly signed-in account.
    static func link(_ world: TestWorld, _ s: TestWorld.ChatSchool, _ person: RosterPersonID, phone: String) async throws -> Principal {
        let address = "192.0.2.\(Int.random(in: 100...200))"
        let principal = try await world.principal(try await world.signIn(phone, address: address))
        let code = try await world.parta.createLinkCode(s.admin, organization: s.id, person: person).code
        _ = try await world.parta.confirmLinkCode(principal, code: code, clientAddress: address)
        return principal
    }

    @Test("a chat invite admits the invited roles of the school, once each, and refuses everyone else; joining is audited", arguments: TestEngine.all)
    func admits(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let chat = try await Self.committee(world, s)
            let ivanova = s.callers["ivanova"]!

            // Only those who add members make links, and a subject teacher's are for students only.
            #expect(await Self.code { _ = try await p.createChatInvite(s.callers["petrov"]!, organization: s.id, chat: chat, audiences: [.parents]) } == "forbidden")
            #expect(await Self.code { _ = try await p.createChatInvite(s.callers["s1"]!, organization: s.id, chat: chat, audiences: [.parents]) } == "forbidden")
            #expect(await Self.code { _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: []) } == "audience_required")
            #expect(await Self.code { _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents], maxUses: 0) } == "invalid_max_uses")
            #expect(await Self.code { _ = try await p.createChatInvite(ivanova, organization: s.id, chat: ChatID(999_999), audiences: [.parents]) } == "not_found")
            #expect(try await p.chatInvites(s.admin, organization: s.id, chat: chat, page: PageRequest()).total == 0)

            let invite = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents])
            #expect(invite.invite.audiences == [.parents] && invite.invite.maxUses == nil && invite.status == .active)
            #expect(invite.invite.expiresAt == world.clock.now().addingTimeInterval(7 * 86_400))
            #expect(invite.createdByName?.surname == "Иванова")
            #expect(invite.path == "/chat-invite/\(invite.token)" && Secrets.looksLikeToken(invite.token))

            // Anyone holding the link sees where it leads.
            let preview = try await p.previewChatInvite(token: invite.token)
            #expect(preview.chatName == "Родительский комитет 10А" && preview.chatKind == .custom && preview.audiences == [.parents])
            #expect(preview.organization.organization.id == s.id)
            #expect(await Self.code { _ = try await p.previewChatInvite(token: Secrets.newToken()) } == "not_found")
            #expect(await Self.code { _ = try await p.previewChatInvite(token: "short") } == "not_found")

            // A student of the school, and someone not in it, are refused; nothing changes.
            let outsider = try await world.principal(try await world.signIn("+79990000777", address: "192.0.2.230"))
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["s1"]!, token: invite.token) } == "chat_invite_role_not_invited")
            #expect(await Self.code { _ = try await p.joinChatByInvite(outsider.caller(from: "192.0.2.230"), token: invite.token) } == "chat_invite_not_in_organization")
            // (The administrator who made the chat, and Иванова.)
            #expect(try await p.chatMembers(s.admin, organization: s.id, id: chat, page: PageRequest()).total == 2)

            // A parent comes in, as a member by hand, marked as having come by this link; the chat is in their list.
            let joined = try await p.joinChatByInvite(s.callers["p2"]!, token: invite.token)
            #expect(joined == ChatInviteJoin(organizationID: s.id, chatID: chat, chatName: "Родительский комитет 10А", joined: true))
            let members = try await p.chatMembers(s.admin, organization: s.id, id: chat, page: PageRequest())
            let p2 = try #require(members.items.first { $0.0.member == .person(s.p2) })
            #expect(p2.0.viaHand && !p2.0.viaRoster && !p2.0.isAdmin && p2.1.viaInvite == invite.invite.id)
            #expect(members.items.first { $0.0.member == .person(s.ivanova) }?.1.viaInvite == nil)
            #expect(try await p.myChats(s.principals["p2"]!).contains { $0.entry.chat.id == chat })

            // Again: already a member, the link is not used.
            #expect(try await p.joinChatByInvite(s.callers["p2"]!, token: invite.token).joined == false)
            let listed = try await p.chatInvites(ivanova, organization: s.id, chat: chat, page: PageRequest())
            #expect(listed.items.map(\.invite.useCount) == [1] && listed.items.map(\.token) == [invite.token])

            let audit = try await p.auditLog(s.admin, organization: s.id, action: .chatJoinedByInvite, page: PageRequest())
            #expect(audit.items.map(\.details) == [["invite": "\(invite.invite.id)", "member": ChatMemberRef.person(s.p2).description]])
            #expect(try await p.auditLog(s.admin, organization: s.id, action: .chatInviteCreated, page: PageRequest()).items.first?.details["roles"] == "parents")

            // Removed by the chat's admin, the parent does not come back by the link.
            _ = try await p.removeChatMembers(ivanova, organization: s.id, id: chat, [.person(s.p2)])
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["p2"]!, token: invite.token) } == "chat_invite_removed")

            // Revoked: shown again with its status, and it works no more.
            let revoked = try await p.revokeChatInvite(ivanova, organization: s.id, chat: chat, invite: invite.invite.id)
            #expect(revoked.status == .revoked && revoked.token == invite.token)
            #expect(try await p.revokeChatInvite(ivanova, organization: s.id, chat: chat, invite: invite.invite.id).invite.revokedAt == revoked.invite.revokedAt)
            #expect(try await p.chatInvite(ivanova, organization: s.id, chat: chat, invite: invite.invite.id).status == .revoked)
            #expect(await Self.code { _ = try await p.previewChatInvite(token: invite.token) } == "chat_invite_revoked")
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["smith"]!, token: invite.token) } == "chat_invite_revoked")
            // A member tapping the dead link again is led to the chat, using nothing; the removed parent is not.
            #expect(try await p.joinChatByInvite(ivanova, token: invite.token)
                    == ChatInviteJoin(organizationID: s.id, chatID: chat, chatName: "Родительский комитет 10А", joined: false))
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["p2"]!, token: invite.token) } == "chat_invite_revoked")
            #expect(try await p.chatInvites(ivanova, organization: s.id, chat: chat, usableOnly: true, page: PageRequest()).total == 0)
            #expect(try await p.auditLog(s.admin, organization: s.id, action: .chatInviteRevoked, page: PageRequest()).total == 1)

            // Another chat's invite is not this chat's.
            let other = try await Self.committee(world, s)
            #expect(await Self.code { _ = try await p.chatInvite(ivanova, organization: s.id, chat: other, invite: invite.invite.id) } == "not_found")

            // Expiry, and a deleted chat.
            let shortLived = try await p.createChatInvite(
                ivanova, organization: s.id, chat: other, audiences: [.staff], expiresAt: world.clock.now().addingTimeInterval(3_600))
            world.clock.advance(by: 3_601)
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["smith"]!, token: shortLived.token) } == "chat_invite_expired")
            let fresh = try await p.createChatInvite(ivanova, organization: s.id, chat: other, audiences: [.staff])
            try await p.deleteChat(s.admin, organization: s.id, id: other)
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["smith"]!, token: fresh.token) } == "chat_invite_chat_deleted")
            #expect(await Self.code { _ = try await p.previewChatInvite(token: fresh.token) } == "chat_invite_chat_deleted")
        }
    }

    @Test("a link lets in only whom its maker could add, works only while they could, and shows to whom they make links for", arguments: TestEngine.all)
    func makersReach(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let petrov = s.callers["petrov"]!, ivanova = s.callers["ivanova"]!
            _ = try await p.initializeChats(s.admin, organization: s.id, dryRun: false)
            let chats = try await p.listChats(s.admin, organization: s.id, query: ChatListQuery(kinds: [.subject, .parents]), page: PageRequest())
            let kraeved = try #require(chats.items.first { $0.chat.kind == .subject && $0.chat.subjectID == s.kraeved }).chat.id
            let parents10A = try #require(chats.items.first { $0.chat.kind == .parents && $0.chat.classID == s.tenA }).chat.id

            // Петров's link to his subject chat is for the students he teaches, not for 9Г's.
            let his = try await p.createChatInvite(petrov, organization: s.id, chat: kraeved, audiences: [.students])
            let s9 = try await Self.link(world, s, s.s9, phone: "+79990000311")
            let before = try await p.chatMembers(s.admin, organization: s.id, id: kraeved, page: PageRequest()).total
            #expect(await Self.code { _ = try await p.joinChatByInvite(s9.caller(from: "192.0.2.3"), token: his.token) } == "chat_invite_not_for_you")
            #expect(try await p.joinChatByInvite(s.callers["s1"]!, token: his.token).joined == false)
            #expect(try await p.chatMembers(s.admin, organization: s.id, id: kraeved, page: PageRequest()).total == before)
            #expect(try await p.chatInvite(s.admin, organization: s.id, chat: kraeved, invite: his.invite.id).invite.useCount == 0)

            // The administrators' link for parents in the same chat is not Петров's to see, show or revoke.
            let theirs = try await p.createChatInvite(s.admin, organization: s.id, chat: kraeved, audiences: [.parents])
            let seen = try await p.chatInvites(petrov, organization: s.id, chat: kraeved, page: PageRequest())
            #expect(seen.items.map(\.invite.id) == [his.invite.id] && seen.total == 1)
            #expect(try await p.chatInvites(s.admin, organization: s.id, chat: kraeved, page: PageRequest()).items.map(\.invite.id) == [theirs.invite.id, his.invite.id])
            #expect(await Self.code { _ = try await p.chatInvite(petrov, organization: s.id, chat: kraeved, invite: theirs.invite.id) } == "not_found")
            #expect(await Self.code { _ = try await p.revokeChatInvite(petrov, organization: s.id, chat: kraeved, invite: theirs.invite.id) } == "not_found")
            #expect(try await p.chatInvite(s.admin, organization: s.id, chat: kraeved, invite: theirs.invite.id).status == .active)
            #expect(try await p.revokeChatInvite(petrov, organization: s.id, chat: kraeved, invite: his.invite.id).status == .revoked)

            // The homeroom teacher's link to a chat of her class: a parent of 9Г only is refused, a parent of 10А comes in.
            let trip = try await p.createChat(ivanova, organization: s.id, ChatDraft(kind: .custom, classID: s.tenA, name: "Поездка 10А")).summary.chat.id
            let hers = try await p.createChatInvite(ivanova, organization: s.id, chat: trip, audiences: [.parents])
            let orlova = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .parent, surname: "Орлова", givenName: "Ольга")).person.id
            try await p.addGuardianship(s.admin, organization: s.id, parent: orlova, student: s.s9)
            let other = try await Self.link(world, s, orlova, phone: "+79990000312")
            #expect(await Self.code { _ = try await p.joinChatByInvite(other.caller(from: "192.0.2.4"), token: hers.token) } == "chat_invite_not_for_you")
            #expect(try await p.joinChatByInvite(s.callers["p2"]!, token: hers.token).joined)

            // A link outlives nobody's rights: once 10А has another homeroom teacher, hers to its parents' chat stops working.
            let classLink = try await p.createChatInvite(ivanova, organization: s.id, chat: parents10A, audiences: [.parents, .staff])
            _ = try await p.updateClass(s.admin, organization: s.id, id: s.tenA, homeroomTeacher: .some(s.smith))
            #expect(await Self.code { _ = try await p.joinChatByInvite(s.callers["petrov"]!, token: classLink.token) } == "chat_invite_maker_left")
            #expect(await Self.code { _ = try await p.previewChatInvite(token: classLink.token) } == "chat_invite_maker_left")
            #expect(try await p.chatInvite(s.admin, organization: s.id, chat: parents10A, invite: classLink.invite.id).invite.useCount == 0)
            #expect(try await p.auditLog(s.admin, organization: s.id, action: .chatJoinedByInvite, page: PageRequest()).total == 1)
        }
    }

    @Test("each maker has room for 20 working links to a chat: their own, which they see and revoke", arguments: TestEngine.all)
    func room(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let chat = try await Self.committee(world, s)
            let ivanova = s.callers["ivanova"]!
            var made: [ChatInviteView] = []
            for _ in 0..<ChatInviteRules.maximumActivePerChat {
                made.append(try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents], expiresAt: world.clock.now().addingTimeInterval(3_600 * 2)))
            }
            #expect(await Self.code { _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents]) } == "too_many_chat_invites")
            // Her links do not hold the administrator back.
            let administrators = try await p.createChatInvite(s.admin, organization: s.id, chat: chat, audiences: [.staff])
            #expect(administrators.status == .active)
            // Revoking one of hers makes room for one.
            _ = try await p.revokeChatInvite(ivanova, organization: s.id, chat: chat, invite: made[0].invite.id)
            _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents])
            #expect(await Self.code { _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents]) } == "too_many_chat_invites")
            // Expired ones hold no room: the 19 short ones end, and she may make 19 more.
            world.clock.advance(by: 3 * 3_600)
            for _ in 0..<(ChatInviteRules.maximumActivePerChat - 1) {
                _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents])
            }
            #expect(await Self.code { _ = try await p.createChatInvite(ivanova, organization: s.id, chat: chat, audiences: [.parents]) } == "too_many_chat_invites")
            let usable = try await p.chatInvites(s.admin, organization: s.id, chat: chat, usableOnly: true, page: PageRequest(perPage: 100))
            #expect(usable.total == ChatInviteRules.maximumActivePerChat + 1)
        }
    }

    @Test("a link's use limit holds when people open it at the same moment", arguments: TestEngine.all)
    func useLimitUnderConcurrency(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let chat = try await Self.committee(world, s)
            let p1 = try await Self.link(world, s, s.p1, phone: "+79990000301")
            let sidorova = try await Self.link(world, s, s.sidorova, phone: "+79990000302")
            let invite = try await p.createChatInvite(s.callers["ivanova"]!, organization: s.id, chat: chat, audiences: [.staff, .parents], maxUses: 2)
            let callers = [s.callers["petrov"]!, s.callers["smith"]!, s.callers["p2"]!, p1.caller(from: "192.0.2.1"), sidorova.caller(from: "192.0.2.2")]
            let outcomes = await withTaskGroup(of: String.self) { group in
                for caller in callers {
                    group.addTask {
                        await Self.code { _ = try await p.joinChatByInvite(caller, token: invite.token) } ?? "joined"
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.sorted() == ["chat_invite_used_up", "chat_invite_used_up", "chat_invite_used_up", "joined", "joined"])
            let members = try await p.chatMembers(s.admin, organization: s.id, id: chat, page: PageRequest())
            #expect(members.total == 4)
            #expect(members.items.filter { $0.1.viaInvite == invite.invite.id }.count == 2)
            let after = try await p.chatInvite(s.admin, organization: s.id, chat: chat, invite: invite.invite.id)
            #expect(after.invite.useCount == 2 && after.status == .usedUp)
            #expect(try await p.auditLog(s.admin, organization: s.id, action: .chatJoinedByInvite, page: PageRequest()).total == 2)
        }
    }
}

@Suite("Other chats of a class")
struct ClassCustomChatTests {
    @Test("a homeroom teacher makes and runs the class's other chats with the class's people; others may not", arguments: TestEngine.all)
    func homeroomTeacherMakesClassChats(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let ivanova = s.callers["ivanova"]!, petrov = s.callers["petrov"]!

            // The form offers her the class she leads; Петров the class and subject he teaches; a parent nothing.
            let hers = try await p.chatCreationOptions(ivanova, organization: s.id)
            #expect(hers.classes.map(\.schoolClass.name) == ["10А"] && hers.classes.map(\.year) == ["2026/2027"])
            #expect(Set(hers.subjects.map(\.name)) == ["Краеведение", "Английский язык", "Химия"])
            let his = try await p.chatCreationOptions(petrov, organization: s.id)
            #expect(his.classes.map(\.schoolClass.name) == ["10А"] && his.subjects.map(\.name) == ["Краеведение"])
            #expect(try await p.chatCreationOptions(s.admin, organization: s.id).classes.count == 2)
            #expect(await ChatInviteTests.code { _ = try await p.chatCreationOptions(s.callers["p2"]!, organization: s.id) } == "forbidden")

            // Only the homeroom teacher (and administrators) make a custom chat of 10А; nobody but administrators one of no class.
            let committee = ChatDraft(kind: .custom, classID: s.tenA, name: "Родительский комитет 10А", members: [s.p1])
            #expect(await ChatInviteTests.code { _ = try await p.createChat(petrov, organization: s.id, committee) } == "forbidden")
            #expect(await ChatInviteTests.code { _ = try await p.createChat(ivanova, organization: s.id, ChatDraft(kind: .custom, name: "Кружок")) } == "forbidden")
            #expect(await ChatInviteTests.code { _ = try await p.createChat(ivanova, organization: s.id, ChatDraft(kind: .custom, classID: s.nineG, name: "Поход")) } == "forbidden")
            let created = try await p.createChat(ivanova, organization: s.id, committee)
            let chat = created.summary.chat
            #expect(chat.kind == .custom && chat.classID == s.tenA && chat.rosterKey == nil && chat.name == "Родительский комитет 10А")
            #expect(Set(created.allowed) == [.rename, .delete, .addMembers, .removeMembers, .changeAdmins])
            #expect(created.inviteAudiences == [.students, .parents, .staff])

            // She adds the class's people and staff, not another class's.
            #expect(try await p.addChatMembers(ivanova, organization: s.id, id: chat.id, .persons([s.p2, s.smith])).added == 2)
            #expect(await ChatInviteTests.code { _ = try await p.addChatMembers(ivanova, organization: s.id, id: chat.id, .persons([s.s9])) } == "forbidden")
            let members = try await p.chatMembers(ivanova, organization: s.id, id: chat.id, page: PageRequest())
            #expect(Set(members.items.map(\.0.member)) == [.person(s.ivanova), .person(s.p1), .person(s.p2), .person(s.smith)])
            #expect(members.items.first { $0.0.member == .person(s.ivanova) }?.0.isAdmin == true)

            // It is in her management list, and the roster leaves its members alone.
            let listed = try await p.listChats(ivanova, organization: s.id, query: ChatListQuery(kinds: [.custom]), page: PageRequest())
            #expect(listed.items.map(\.chat.name) == ["Родительский комитет 10А"])
            _ = try await p.initializeChats(s.admin, organization: s.id, dryRun: false)
            #expect(try await p.chatMembers(ivanova, organization: s.id, id: chat.id, page: PageRequest()).total == 4)

            // She renames and deletes it; Петров may not touch it.
            #expect(await ChatInviteTests.code { _ = try await p.renameChat(petrov, organization: s.id, id: chat.id, name: "Комитет") } == "forbidden")
            #expect(try await p.renameChat(ivanova, organization: s.id, id: chat.id, name: "Родительский комитет").summary.chat.name == "Родительский комитет")
            try await p.deleteChat(ivanova, organization: s.id, id: chat.id)
            #expect(try await p.auditLog(s.admin, organization: s.id, action: .chatDeleted, page: PageRequest()).items.first?.details["name"] == "Родительский комитет")
        }
    }
}

@Suite("Link-code cards for a class")
struct ClassLinkCardsTests {
    @Test("a class's cards: one code for every unlinked student and parent, a parent's card naming the children", arguments: TestEngine.all)
    func cards(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            // 10А: s1 (linked), s2 and s3 (not); parents p1 (of s1, not linked) and p2 (linked).
            let issued = try await p.createClassLinkCards(s.admin, organization: s.id, class: s.tenA)
            #expect(issued.schoolClass.name == "10А")
            #expect(issued.cards.map(\.code.person.id) == [s.s2, s.s3, s.p1])
            #expect(issued.cards.map { $0.children.map(\.full) } == [[], [], ["Алексеев Артём"]])
            for card in issued.cards {
                let preview = try await p.previewLinkCode(code: card.code.code, clientAddress: "192.0.2.1")
                #expect(preview.person.id == card.code.person.id)
            }
            #expect(Set(issued.cards.map(\.code.code)).count == 3)
            let audit = try await p.auditLog(s.admin, organization: s.id, action: .linkCodeCreated, page: PageRequest())
            #expect(audit.items.first?.targetType == "class" && audit.items.first?.targetID == "\(s.tenA)")
            #expect(audit.items.first?.details == ["cards": "3", "persons": "\(s.s2),\(s.s3),\(s.p1)"])

            // Printed again, the new cards replace the old: only the newest code of each person links them.
            world.clock.advance(by: 60)
            let again = try await p.createClassLinkCards(s.admin, organization: s.id, class: s.tenA)
            #expect(again.cards.map(\.code.person.id) == [s.s2, s.s3, s.p1])
            for (old, new) in zip(issued.cards, again.cards) {
                #expect(await ChatInviteTests.code { _ = try await p.previewLinkCode(code: old.code.code, clientAddress: "192.0.2.1") } == "link_code_expired")
                #expect(try await p.previewLinkCode(code: new.code.code, clientAddress: "192.0.2.1").person.id == new.code.person.id)
            }

            // Only administrators print them; another organization's or an unknown class is not found.
            await #expect(throws: PartaError.self) { try await p.createClassLinkCards(s.callers["ivanova"]!, organization: s.id, class: s.tenA) }
            do {
                _ = try await p.createClassLinkCards(s.admin, organization: s.id, class: ClassID(999_999))
                Issue.record("an unknown class made cards")
            } catch let error as PartaError { #expect(error.code == "not_found") }
        }
    }
}
