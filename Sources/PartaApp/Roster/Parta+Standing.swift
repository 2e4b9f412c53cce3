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
        let enrolled = relevant.filter { $0.person.role == .student }.map(\.person.id) + children.values.flatMap { $0 }
        let periods = try await store.enrollmentPeriods(of: Array(Set(enrolled)))
        let date = today(of: organization)
        let now = clock.now()
        var events: [RosterEvent] = []
        for link in relevant {
            let person = link.person
            let facts = PersonStanding.Facts(
                role: person.role, active: person.active, periods: periods[person.id] ?? [],
                children: (children[person.id] ?? []).map { periods[$0] ?? [] })
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
    /// left, its own rows in the organization's chats go and its direct chats there close without
    /// it; with roles left, a direct chat the roster no longer allows closes (both keep reading).
    func settleAccounts(_ accounts: Set<AccountID>, organization: Organization, in store: Store) async throws {
        let org = organization.id
        let now = clock.now()
        var events: [(chat: ChatID, event: ChatEvent)] = []
        for account in accounts.sorted() {
            let grants = try await store.roleGrants(of: account).filter { $0.organizationID == org }
            let gone = grants.isEmpty
            if gone {
                let chats = try await store.accountRowChats(of: account, in: org)
                try await store.deleteMemberships(chats.map { ($0, [ChatMemberRef.account(account)]) })
                events += chats.map { ($0, ChatEvent.membersChanged(added: [], removed: [.account(account)], adminsGranted: [], adminsRevoked: [])) }
            }
            let directs = try await store.directChats(of: account, in: org)
            guard !directs.isEmpty else { continue }
            let date = today(of: organization)
            let mine = gone ? nil : try await directParty(account, grants: grants, organization: organization, date: date, in: store)
            for direct in directs {
                if !direct.closed, try await !staysOpen(direct, mine: mine, organization: organization, date: date, in: store) {
                    try await store.setChatClosed(direct.chat, at: now)
                    events.append((direct.chat, .closed))
                }
                if gone, try await store.isMember(account, of: direct.chat) {
                    try await store.deleteMemberships(chat: direct.chat, [.account(account)])
                    events.append((direct.chat, .membersChanged(added: [], removed: [.account(account)], adminsGranted: [], adminsRevoked: [])))
                }
            }
        }
        try await store.appendChatEvents(events, organization: org, now: now)
    }

    /// Whether a direct chat stays open with one side as `mine` (`nil`: that side left the organization).
    private func staysOpen(
        _ direct: DirectChatRef, mine: DirectParty?, organization: Organization, date: LocalDate, in store: Store
    ) async throws -> Bool {
        guard let mine else { return false }
        let grants = try await store.roleGrants(of: direct.peer).filter { $0.organizationID == organization.id }
        guard !grants.isEmpty else { return false }
        let peer = try await directParty(direct.peer, grants: grants, organization: organization, date: date, in: store)
        return DirectChatRules.staysOpen(mine, peer)
    }

    /// Brings what older versions wrote up to the rule that every member but an administrator is a
    /// roster person: a role no linked person gives becomes a person under the account's name,
    /// linked (so the roster's chats follow). Runs after migrating; returns how many it made.
    @discardableResult
    public func bringMembersIntoRoster() async throws -> Int {
        let caller = Caller.system("parta upgrade")
        let missing = try await database.read { try await $0.rolesWithoutPersons() }
        for (organization, grants) in Dictionary(grouping: missing, by: \.organization).sorted(by: { $0.key < $1.key }) {
            try await database.write { store in
                try await lockRoster(organization, in: store)
                let accounts = try await store.accounts(grants.map(\.account))
                for grant in grants {
                    guard let role = RosterRole(rawValue: grant.role.rawValue), let account = accounts[grant.account] else { continue }
                    let person = try await insertPerson(
                        caller, organization: organization, role: role, name: account.name, gender: .unspecified, birthDate: nil,
                        externalID: nil, auditDetails: ["source": "upgrade"], in: store)
                    try await link(person, to: account.id, caller: caller, in: store)
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
