import Foundation
public import PartaDomain
public import PartaStore

/// Direct chats (SPEC §6): two people of one organization, where `DirectChatRules` allows it.
extension Parta {
    /// Opens my direct chat with `target` in `organization`: the existing one, or a new one when
    /// the safeguarding rule allows me to start it. Someone outside the organization is 404.
    public func openDirectChat(_ principal: Principal, organization: OrganizationID, with target: AccountID) async throws -> MessengerChat {
        let me = principal.account.id
        let chat: ChatID = try await database.write { store in
            guard let org = try await store.organization(organization) else { throw PartaError.notFound("The organization") }
            // Serialized with roster changes: a side suspended meanwhile is not let back in.
            try await lockRoster(organization, in: store)
            let grants = (try await store.roleGrants(of: me) + (try await store.roleGrants(of: target)))
                .filter { $0.organizationID == organization }
            guard grants.contains(where: { $0.accountID == me }) else { throw PartaError.notFound("The organization") }
            guard target != me, grants.contains(where: { $0.accountID == target }) else { throw PartaError.notFound("The person") }
            let existing = try await store.directChat(between: me, target, in: organization)
            if let existing, try await !store.isClosed(existing) { return existing }

            let date = today(of: org)
            let initiator = try await directParty(me, grants: grants, organization: org, date: date, in: store)
            let other = try await directParty(target, grants: grants, organization: org, date: date, in: store)
            try DirectChatRules.decide(initiator: initiator, target: other).check()

            let now = clock.now()
            if let existing {
                // Closed when one of them left or the roster stopped relating them; the rule allows it again.
                let refs = [ChatMemberRef.account(me), .account(target)]
                var missing: [ChatMemberRef] = []
                for ref in refs where try await !store.isMember(ref.accountID!, of: existing) { missing.append(ref) }
                try await store.setChatClosed(existing, at: nil)
                try await store.insertMemberships(
                    missing.map { (existing, ChatMembership(member: $0, viaRoster: false, viaHand: true), $0.accountID) }, now: now)
                var events: [(chat: ChatID, event: ChatEvent)] = [(existing, .reopened)]
                if !missing.isEmpty { events.append((existing, .membersChanged(added: missing, removed: [], adminsGranted: [], adminsRevoked: []))) }
                try await store.appendChatEvents(events, organization: organization, now: now)
                return existing
            }
            let chat = try await store.insertChat(
                organization: organization, kind: .direct, name: "", rosterKey: nil, classID: nil, subjectID: nil, group: "",
                schoolYearID: nil, createdBy: me, now: now)
            let names = try await store.names(of: [me, target], in: organization).filter(\.value.confirmed).mapValues(\.name)
            try await store.insertDirectChat(chat.id, between: me, target, in: organization, names: names)
            let refs = [ChatMemberRef.account(me), .account(target)]
            try await store.insertMemberships(
                refs.map { (chat.id, ChatMembership(member: $0, viaRoster: false, viaHand: true), $0.accountID) }, now: now)
            try await store.appendChatEvents(
                [(chat.id, ChatEvent.created(name: "", kind: .direct)),
                 (chat.id, ChatEvent.membersChanged(added: refs, removed: [], adminsGranted: [], adminsRevoked: []))],
                organization: organization, now: now)
            return chat.id
        }
        guard let opened = try await myChat(me, chat: chat) else { throw PartaError.notFound("The chat") }
        return opened
    }

    /// The members of a chat I am in, admins first, for the chat's info screen and to name
    /// senders. A chat I am not in is 404.
    public func members(_ principal: Principal, chat: ChatID, page: PageRequest) async throws -> Page<(ChatMembership, ChatMemberName)> {
        try await database.read { store in
            _ = try await seat(principal.account.id, chat: chat, in: store)
            return try await store.chatMembers(chat, page: page)
        }
    }

    /// What the roster says about an account in the organization today, for the direct-chat rule.
    func directParty(
        _ account: AccountID, grants: [RoleGrant], organization: Organization, date: LocalDate, in store: Store
    ) async throws -> DirectParty {
        let roles = Set(grants.filter { $0.accountID == account }.map(\.role))
        let persons = try await store.persons(linkedTo: account).filter { $0.organizationID == organization.id && $0.active }
        var party = DirectParty(account: account, isStaff: roles.contains { $0 == .administrator || $0 == .teacher || $0 == .employee })

        let students = persons.filter { $0.role == .student }.map(\.id)
        party.studentPersons = Set(students)
        for (_, periods) in try await store.enrollmentPeriods(of: students) {
            for period in periods where period.contains(date) { party.classes.insert(period.classID) }
        }
        let parents = Set(persons.filter { $0.role == .parent }.map(\.id))
        if !parents.isEmpty {
            party.children = Set(try await store.guardianships(involving: Array(parents)).filter { parents.contains($0.parent) }.map(\.student))
        }
        let staff = Set(persons.filter(\.role.isStaff).map(\.id))
        if !staff.isEmpty {
            var classes = Set(try await store.classes(of: organization.id, homeroomTeachers: staff).map(\.id))
            classes.formUnion(try await store.assignments(of: organization.id, teachers: staff).map(\.classID))
            if !classes.isEmpty {
                let roster = try await chatRoster(organization, classes: classes, staffRoom: false, in: store)
                party.taught = MembershipPlanner.studentsTaughtOrLed(by: staff, roster)
            }
        }
        return party
    }
}
