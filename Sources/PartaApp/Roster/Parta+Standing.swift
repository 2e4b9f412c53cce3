import Foundation
import Logging
import PartaDomain
import PartaStore

/// Leaving ends access (SPEC §9): a roster person who stops standing — deactivated, deleted,
/// withdrawn without re-enrollment, a parent whose children all left — is suspended, so the
/// account loses the role, the chats and the rights that came through the person; an account left
/// with no role in the organization loses its own rows in the organization's chats and its direct
/// chats there (closed, kept for the other side to read). All in the transaction of the change,
/// so open connections hear of it at once.
extension Parta {
    /// The persons whose standing these events may change.
    static func standingCandidates(_ events: [RosterEvent]) -> Set<RosterPersonID> {
        var persons = Set<RosterPersonID>()
        for event in events {
            switch event {
            case .personChanged(let p), .linked(let p, _): persons.insert(p)
            case .enrollmentChanged(let student, _): persons.insert(student)
            case .guardianshipChanged(let parent, _): persons.insert(parent)
            default: break
            }
        }
        return persons
    }

    /// The accounts that lost a person in these events.
    static func leavingAccounts(_ events: [RosterEvent]) -> Set<AccountID> {
        Set(events.compactMap { event in
            if case .unlinked(_, let account) = event { return account }
            return nil
        })
    }

    /// Suspends those of `persons` (and, for students, their parents) who are linked and no longer
    /// stand, and restores those suspended who stand again. Returns the link events to record.
    func settleStanding(_ persons: Set<RosterPersonID>, organization: Organization, in store: Store) async throws -> [RosterEvent] {
        guard !persons.isEmpty else { return [] }
        let org = organization.id
        var links = try await store.personLinks(persons, in: org)
        let students = links.values.filter { $0.person.role == .student }.map(\.person.id)
        if !students.isEmpty {
            let studentSet = Set(students)
            let parents = try await store.guardianships(involving: students).filter { studentSet.contains($0.student) }.map(\.parent)
            links.merge(try await store.personLinks(Set(parents).subtracting(persons), in: org)) { first, _ in first }
        }
        let relevant = links.values.filter { $0.person.accountID != nil || $0.suspendedAccount != nil }.sorted { $0.person.id < $1.person.id }
        guard !relevant.isEmpty else { return [] }
        let parents = relevant.filter { $0.person.role == .parent }.map(\.person.id)
        let parentSet = Set(parents)
        var children: [RosterPersonID: [RosterPersonID]] = [:]
        for guardianship in try await store.guardianships(involving: parents) where parentSet.contains(guardianship.parent) {
            children[guardianship.parent, default: []].append(guardianship.student)
        }
        let childIDs = Set(children.values.flatMap { $0 })
        let enrolled = relevant.filter { $0.person.role == .student }.map(\.person.id) + childIDs
        let periods = try await store.enrollmentPeriods(of: Array(Set(enrolled)))
        let childActive = try await store.personLinks(childIDs, in: org).mapValues(\.person.active)
        let date = today(of: organization)
        let now = clock.now()
        var events: [RosterEvent] = []
        for link in relevant {
            let person = link.person
            let facts = PersonStanding.Facts(
                role: person.role, active: person.active, periods: periods[person.id] ?? [],
                children: (children[person.id] ?? []).map { .init(active: childActive[$0] ?? false, periods: periods[$0] ?? []) })
            switch PersonStanding.change(facts, linked: person.accountID, suspended: link.suspendedAccount, on: date) {
            case .suspend(let account):
                try await store.setSuspendedAccount(account, for: person.id, now: now)
                try await detach(person, from: account, in: store)
                events.append(.unlinked(person.id, account))
                logger.info("roster.person_suspended", metadata: ["parta.person.id": "\(person.id)", "parta.account.id": "\(account)"])
            case .restore(let account):
                try await store.setSuspendedAccount(nil, for: person.id, now: now)
                try await attach(person, to: account, in: store)
                events.append(.linked(person.id, account))
                logger.info("roster.person_restored", metadata: ["parta.person.id": "\(person.id)", "parta.account.id": "\(account)"])
            case nil:
                break
            }
        }
        return events
    }

    /// What an account keeps in the organization after it lost a person or a role: with no role
    /// left, its own rows in the organization's chats go; and each of its direct chats there that
    /// the roster no longer allows closes without it (kept for the other side to read) — a teacher
    /// who is also a parent and stops teaching leaves the chats with the students.
    func settleAccounts(_ accounts: Set<AccountID>, organization: Organization, in store: Store) async throws {
        guard !accounts.isEmpty else { return }
        let org = organization.id
        var events: [(chat: ChatID, event: ChatEvent)] = []
        var directs: [DirectChatRef] = []
        for account in accounts.sorted() {
            if try await store.roleGrants(of: account).allSatisfy({ $0.organizationID != org }) {
                let chats = try await store.accountRowChats(of: account, in: org)
                try await store.deleteMemberships(chats.map { ($0, [ChatMemberRef.account(account)]) })
                events += chats.map { ($0, ChatEvent.membersChanged(added: [], removed: [.account(account)], adminsGranted: [], adminsRevoked: [])) }
            }
            directs += try await store.directChats(of: account, in: org).map { DirectChatRef(chat: $0.chat, peer: account, closed: $0.closed, other: $0.peer) }
        }
        try await store.appendChatEvents(events, organization: org, now: clock.now())
        try await closeLapsedDirectChats(directs, leaving: accounts, organization: organization, in: store)
    }

    /// Closes the open direct chats of these accounts that the roster no longer allows
    /// (`DirectChatRules.staysOpen`) — both sides keep reading: a relation changed, nobody left.
    func recheckDirectChats(of accounts: Set<AccountID>, organization: Organization, in store: Store) async throws {
        var directs: [DirectChatRef] = []
        for account in accounts.sorted() {
            directs += try await store.directChats(of: account, in: organization.id).filter { !$0.closed }
                .map { DirectChatRef(chat: $0.chat, peer: account, closed: false, other: $0.peer) }
        }
        try await closeLapsedDirectChats(directs, leaving: [], organization: organization, in: store)
    }

    /// Closes each chat whose two sides the rule no longer relates; an account in `leaving`, or
    /// with no role in the organization any more, leaves the chat too. Each side's roster facts
    /// are read once. `DirectChatRef.peer` is one side, `other` the other.
    func closeLapsedDirectChats(
        _ directs: [DirectChatRef], leaving: Set<AccountID>, organization: Organization, in store: Store
    ) async throws {
        guard !directs.isEmpty else { return }
        let org = organization.id
        let date = today(of: organization)
        let now = clock.now()
        var parties: [AccountID: DirectParty?] = [:]
        func party(_ account: AccountID) async throws -> DirectParty? {
            if let known = parties[account] { return known }
            let grants = try await store.roleGrants(of: account).filter { $0.organizationID == org }
            let found = grants.isEmpty ? nil : try await directParty(account, grants: grants, organization: organization, date: date, in: store)
            parties[account] = found
            return found
        }
        var events: [(chat: ChatID, event: ChatEvent)] = []
        var seen = Set<ChatID>()
        for direct in directs where seen.insert(direct.chat).inserted {
            let sides = [direct.peer, direct.other]
            if !direct.closed {
                let a = try await party(sides[0]), b = try await party(sides[1])
                if let a, let b, DirectChatRules.staysOpen(a, b) { continue }
                try await store.setChatClosed(direct.chat, at: now)
                events.append((direct.chat, .closed))
            }
            for side in sides {
                let gone = try await party(side) == nil
                guard leaving.contains(side) || gone, try await store.isMember(side, of: direct.chat) else { continue }
                try await store.deleteMemberships(chat: direct.chat, [.account(side)])
                events.append((direct.chat, .membersChanged(added: [], removed: [.account(side)], adminsGranted: [], adminsRevoked: [])))
            }
        }
        try await store.appendChatEvents(events, organization: org, now: now)
    }

    /// The accounts whose relations these events may change (a student moved, a guardianship,
    /// a homeroom teacher): their direct chats are checked again (`recheckDirectChats`).
    func relatedAccounts(_ events: [RosterEvent], organization: OrganizationID, in store: Store) async throws -> Set<AccountID> {
        var persons = Set<RosterPersonID>()
        var students = Set<RosterPersonID>()
        for event in events {
            switch event {
            case .enrollmentChanged(let student, _): students.insert(student)
            case .guardianshipChanged(let parent, let student): persons.formUnion([parent, student])
            case .homeroomChanged(_, let from, let to): persons.formUnion([from, to].compactMap { $0 })
            default: break
            }
        }
        if !students.isEmpty {
            persons.formUnion(students)
            persons.formUnion(try await store.guardianships(involving: Array(students)).filter { students.contains($0.student) }.map(\.parent))
        }
        guard !persons.isEmpty else { return [] }
        return Set(try await store.personLinks(persons, in: organization).values.compactMap(\.person.accountID))
    }

    /// Brings what older versions wrote up to the rule that every member but an administrator is a
    /// roster person: a role no linked person gives becomes a person under the account's name,
    /// linked (so the roster's chats follow). Runs after migrating; returns how many it made.
    @discardableResult
    public func bringMembersIntoRoster() async throws -> Int {
        let caller = Caller.system("parta upgrade")
        let missing = try await database.read { try await $0.rolesWithoutPersons() }
        for organization in Set(missing.map(\.organization)).sorted() {
            try await database.write { store in
                try await lockRoster(organization, in: store)
                // Asked again under the lock: another node starting at the same time may have done it.
                let grants = try await store.rolesWithoutPersons().filter { $0.organization == organization }
                let accounts = try await store.accounts(grants.map(\.account))
                let held = try await store.roleGrants(in: organization)
                for grant in grants {
                    guard let role = RosterRole(rawValue: grant.role.rawValue), let account = accounts[grant.account] else { continue }
                    let person = try await insertPerson(
                        caller, organization: organization, role: role, name: account.name, gender: .unspecified, birthDate: nil,
                        externalID: nil, auditDetails: ["source": "upgrade"], in: store)
                    try await link(person, to: account.id, caller: caller, in: store)
                    // Linking verifies staff; an unverified member stays unverified.
                    if held.contains(where: { $0.accountID == account.id && $0.role == grant.role && !$0.verified }) {
                        try await store.setRoleVerified(false, role: grant.role, of: account.id, in: organization)
                    }
                }
            }
        }
        if !missing.isEmpty { logger.notice("upgrade.members_brought_into_roster", metadata: ["parta.count": "\(missing.count)"]) }
        return missing.count
    }

    /// Every linked or suspended person of the organization, checked against the standing rule
    /// (dated withdrawals reach the links on their day; the hourly maintenance runs it).
    func sweepStanding(_ organization: Organization, in store: Store) async throws -> [RosterEvent] {
        try await settleStanding(try await store.linkedOrSuspendedPersons(of: organization.id), organization: organization, in: store)
    }
}
