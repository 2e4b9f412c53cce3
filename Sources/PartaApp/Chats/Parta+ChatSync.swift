import Foundation
public import PartaDomain
import PartaStore

/// What bringing chats to the roster did (or, for a dry run, would do), per chat type.
public struct ChatSyncReport: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var chatsCreated = 0
        public var chatsRenamed = 0
        public var membersAdded = 0
        public var membersRemoved = 0
        public var adminChanges = 0

        public init() {}

        public var isEmpty: Bool { self == Counts() }

        mutating func add(_ other: Counts) {
            chatsCreated += other.chatsCreated
            chatsRenamed += other.chatsRenamed
            membersAdded += other.membersAdded
            membersRemoved += other.membersRemoved
            adminChanges += other.adminChanges
        }
    }

    public var byKind: [ChatKind: Counts] = [:]
    public var dryRun = false

    public init() {}

    public var total: Counts {
        var total = Counts()
        for counts in byKind.values { total.add(counts) }
        return total
    }
}

/// Which missing roster chats a sync may create.
enum ChatCreation: Equatable {
    /// Only bring existing chats to the roster.
    case none
    /// Create what the roster now calls for, except chats a person deleted.
    case automatic
    /// Create every missing chat of these kinds, deleted ones included, and touch only these kinds.
    case initialize(Set<ChatKind>)
}

/// Keeping chats in step with the roster: every roster change calls `syncChats` for the chats it
/// touches, in the transaction of the change; "initialize chats" calls it for the whole school.
extension Parta {
    /// Brings the chats of `scope` to the roster on the organization's today.
    func syncChats(
        _ scope: ChatScope, organization: Organization, creation: ChatCreation, dryRun: Bool = false, in store: Store
    ) async throws -> ChatSyncReport {
        var report = ChatSyncReport()
        report.dryRun = dryRun
        let org = organization.id
        let now = clock.now()
        if !dryRun { try await lockRoster(org, in: store) }
        if !dryRun { try await followLinks(scope.links, organization: org, now: now, in: store) }
        // Chats that follow a rule read the whole school: any change may concern them.
        let ruleCounts = try await syncRuleChats(organization, dryRun: dryRun, in: store)
        if !ruleCounts.isEmpty { report.byKind[.custom, default: .init()].add(ruleCounts) }

        // The classes whose chats are affected.
        var classIDs = scope.classes
        let initializing: Set<ChatKind>?
        if case .initialize(let kinds) = creation {
            initializing = kinds
            classIDs.formUnion(try await store.classes(of: org).map(\.id))
        } else {
            initializing = nil
            classIDs = try await affectedClasses(scope, organization: org, in: store)
        }
        let withStaffRoom = initializing.map { $0.contains(.staffRoom) } ?? scope.staffRoom
        guard !classIDs.isEmpty || withStaffRoom else { return report }

        let roster = try await chatRoster(organization, classes: classIDs, staffRoom: withStaffRoom, in: store)
        var desired = MembershipPlanner.desiredChats(roster)
        if let initializing { desired = desired.filter { initializing.contains($0.key.kind) } }
        let existing = try await store.rosterChats(of: org, classes: classIDs, staffRoom: withStaffRoom)

        // Pair every desired chat with its chat (existing, to create, or skipped) and every existing
        // chat in scope that the roster no longer wants with `nil`.
        var work: [(chat: Chat?, key: RosterChatKey, desired: DesiredChat?)] = []
        var wantedKeys = Set<RosterChatKey>()
        for chat in desired {
            wantedKeys.insert(chat.key)
            if let found = existing.live[chat.key] {
                work.append((found, chat.key, chat))
            } else if creation == .automatic && !existing.dismissed.contains(chat.key) || initializing != nil {
                work.append((nil, chat.key, chat))
            }
        }
        for (key, chat) in existing.live where !wantedKeys.contains(key) {
            if let initializing, !initializing.contains(key.kind) { continue }
            work.append((chat, key, nil))
        }
        work.sort { $0.key < $1.key }

        let chatIDs = work.compactMap(\.chat?.id)
        let current = try await store.memberships(of: chatIDs)
        let excluded = try await store.exclusions(of: chatIDs)
        var writes = MembershipWrites()

        for item in work {
            var counts = ChatSyncReport.Counts()
            var chat = item.chat
            if chat == nil, let wanted = item.desired {
                counts.chatsCreated = 1
                if !dryRun {
                    chat = try await store.insertChat(
                        organization: org, kind: item.key.kind, name: wanted.name, rosterKey: item.key, classID: item.key.classID,
                        subjectID: item.key.subjectID, group: item.key.group, schoolYearID: wanted.schoolYearID, createdBy: nil, now: now)
                    writes.events.append((chat!.id, ChatEvent.created(name: wanted.name, kind: item.key.kind)))
                }
            } else if let existingChat = chat, let wanted = item.desired, !existingChat.nameEdited, existingChat.name != wanted.name {
                counts.chatsRenamed = 1
                if !dryRun {
                    try await store.renameChat(existingChat.id, name: wanted.name, edited: false, now: now)
                    writes.events.append((existingChat.id, ChatEvent.renamed(wanted.name)))
                }
            }
            let rows = chat.flatMap { current[$0.id] } ?? []
            let plan = MembershipPlanner.plan(item.desired, current: rows, excluded: chat.flatMap { excluded[$0.id] } ?? [])
            counts.membersAdded = plan.add.count
            counts.membersRemoved = plan.remove.count
            counts.adminChanges = plan.grantAdmin.count + plan.revokeAdmin.count
            report.byKind[item.key.kind, default: .init()].add(counts)
            guard !dryRun, let chat, !plan.isEmpty else { continue }
            writes.add(plan, chat: chat.id) { roster.persons[$0]?.accountID }
        }
        if !dryRun { try await writes.write(organization: org, now: now, in: store) }
        return report
    }

    /// Brings the organization's rule chats to the roster (or one of them), as roster chats are:
    /// the rule's people are roster members; hand-added members stay; removed ones are not brought back.
    func syncRuleChats(_ organization: Organization, only: ChatID? = nil, dryRun: Bool, in store: Store) async throws -> ChatSyncReport.Counts {
        var chats = try await store.ruleChats(of: organization.id)
        if let only { chats = chats.filter { $0.chat.id == only } }
        var counts = ChatSyncReport.Counts()
        guard !chats.isEmpty else { return counts }
        let roster = try await ruleRoster(organization, in: store)
        let ids = chats.map(\.chat.id)
        let current = try await store.memberships(of: ids)
        let excluded = try await store.exclusions(of: ids)
        var writes = MembershipWrites()
        var wanted = Set<RosterPersonID>()
        var plans: [(ChatID, MembershipPlan)] = []
        for (chat, rule) in chats {
            let members = rule.members(roster)
            wanted.formUnion(members)
            let plan = MembershipPlanner.plan(
                members: Set(members.map(ChatMemberRef.person)), admins: [], current: current[chat.id] ?? [], excluded: excluded[chat.id] ?? [])
            counts.membersAdded += plan.add.count
            counts.membersRemoved += plan.remove.count
            if !plan.isEmpty { plans.append((chat.id, plan)) }
        }
        guard !dryRun, !plans.isEmpty else { return counts }
        let accounts = try await store.personFacts(wanted)
        for (chat, plan) in plans { writes.add(plan, chat: chat) { accounts[$0]?.accountID } }
        try await writes.write(organization: organization.id, now: clock.now(), in: store)
        return counts
    }

    /// The whole organization as rule chats read it, on its today.
    func ruleRoster(_ organization: Organization, in store: Store) async throws -> RuleRoster {
        let classes = try await store.classes(of: organization.id)
        let periods = try await store.enrollmentPeriods(ofClasses: Set(classes.map(\.id)))
        let guardianships = try await store.guardianships(involving: Array(periods.keys))
        return RuleRoster(
            date: today(of: organization), persons: try await store.ruleFacts(of: organization.id), classes: classes, periods: periods,
            guardianships: Array(guardianships))
    }

    /// The classes whose chats `scope` touches: its classes, and those its persons and subjects
    /// lead to (where a person studies, leads, teaches or has children; where a subject is taught).
    func affectedClasses(_ scope: ChatScope, organization: OrganizationID, in store: Store) async throws -> Set<ClassID> {
        var classes = scope.classes
        classes.formUnion(try await store.classesTouching(scope.persons))
        classes.formUnion(try await store.classes(withSubjectChats: scope.subjects, in: organization))
        return classes
    }

    /// How many roster chats the roster wants of `organization` that do not exist (deleted ones
    /// too): what initializing its chats would create, without planning their members.
    func missingRosterChats(_ organization: Organization, in store: Store) async throws -> Int {
        let classes = Set(try await store.classes(of: organization.id).map(\.id))
        let roster = try await chatRoster(organization, classes: classes, staffRoom: true, in: store)
        let kinds = Set(ChatKind.rosterKinds)
        let wanted = Set(MembershipPlanner.desiredChats(roster).map(\.key).filter { kinds.contains($0.kind) })
        let existing = try await store.rosterChats(of: organization.id, classes: classes, staffRoom: true)
        return wanted.subtracting(existing.live.keys).count
    }

    /// The roster the planner needs for some classes and, optionally, the staff room.
    func chatRoster(_ organization: Organization, classes classIDs: Set<ClassID>, staffRoom: Bool, in store: Store) async throws -> ChatRoster {
        let org = organization.id
        let classes = try await store.classes(classIDs, in: org)
        let periods = try await store.enrollmentPeriods(ofClasses: classIDs)
        let guardianships = try await store.guardianships(involving: Array(periods.keys))
        let assignments = try await store.assignments(of: org, classIDs: classIDs)
        var staff: ChatRoster.StaffRoom?
        if staffRoom {
            let administrators = try await store.roleGrants(in: org, role: .administrator).map(\.accountID)
            staff = ChatRoster.StaffRoom(teachers: try await store.teacherIDs(of: org), administrators: administrators)
        }
        var people = Set(periods.keys)
        people.formUnion(guardianships.map(\.parent))
        people.formUnion(assignments.map(\.teacherID))
        people.formUnion(classes.compactMap(\.homeroomTeacherID))
        people.formUnion(staff?.teachers ?? [])
        var years: [SchoolYearID: SchoolYear] = [:]
        for year in try await store.schoolYears(of: org) { years[year.id] = year }
        var subjects: [SubjectID: String] = [:]
        for subject in try await store.subjects(of: org) { subjects[subject.id] = subject.name }
        return ChatRoster(
            date: today(of: organization), classes: classes, schoolYears: years, subjectNames: subjects,
            persons: try await store.personFacts(people), periods: periods, guardianships: Array(guardianships),
            assignments: assignments, staffRoom: staff)
    }

    /// Member rows follow a person's account: linking points them at it; unlinking leaves every row
    /// with the person (pending: the account leaves those chats at once, and a relink or a
    /// restored standing brings it back), whether the roster or a person put it there.
    func followLinks(_ links: [ChatScope.LinkChange], organization: OrganizationID, now: Date, in store: Store) async throws {
        var events: [(chat: ChatID, event: ChatEvent)] = []
        for change in links {
            try await store.setMemberAccount(person: change.person, account: change.linked ? change.account : nil)
            let member = ChatMemberRef.person(change.person)
            for (chat, _) in try await store.memberships(ofPerson: change.person) {
                events.append((chat, ChatEvent.membersChanged(
                    added: change.linked ? [member] : [], removed: change.linked ? [] : [member], adminsGranted: [], adminsRevoked: [])))
            }
        }
        try await store.appendChatEvents(events, organization: organization, now: now)
    }

    /// Once a day: whatever a change left half-applied is set right — member rows whose account
    /// differs from their person's link, accounts with no role still in the organization's chats —
    /// and every open direct chat is checked against the roster (a teacher who stopped teaching).
    func repairLeaving(_ organization: Organization, in store: Store) async throws {
        let repaired = try await store.repairMemberAccounts(in: organization.id)
        try await store.appendChatEvents(repaired.map { row in
            let member = ChatMemberRef.person(row.person)
            return (row.chat, ChatEvent.membersChanged(
                added: row.linked ? [member] : [], removed: row.linked ? [] : [member], adminsGranted: [], adminsRevoked: []))
        }, organization: organization.id, now: clock.now())
        try await settleAccounts(try await store.accountsWithoutRoles(in: organization.id), organization: organization, in: store)
        try await closeLapsedDirectChats(try await store.openDirectChats(in: organization.id), leaving: [], organization: organization, in: store)
    }

    /// Dated roster changes (an enrollment from next Monday, a withdrawal on Friday, the end of a
    /// school year) reach the links and the chats on their day: once per day of the organization,
    /// everyone linked or suspended is checked against the standing rule, and the classes whose
    /// membership changed by date since the last run are re-planned.
    public func syncDatedChats(organization id: OrganizationID) async throws -> ChatSyncReport {
        try await database.write { store in
            guard let organization = try await store.organization(id) else { throw PartaError.notFound("The organization") }
            let today = today(of: organization)
            let last = try await store.chatsSyncedOn(id)
            if let last, last >= today { return ChatSyncReport() }
            try await lockRoster(id, in: store)
            // Withdrawals that took effect end the links of those who left; then the chats.
            let links = try await sweepStanding(organization, in: store)
            var scope = try await record(links, organization: id, in: store)
            if let last { scope.classes.formUnion(try await store.classesChangingByDate(of: id, after: last, through: today)) }
            let report = scope.isEmpty
                ? ChatSyncReport() : try await syncChats(scope, organization: organization, creation: .automatic, in: store)
            try await settleAccounts(Self.leavingAccounts(links), organization: organization, in: store)
            try await repairLeaving(organization, in: store)
            try await store.setChatsSyncedOn(id, today)
            return report
        }
    }
}

/// Membership plans' changes gathered across chats and written by operation: one statement each,
/// not five per chat.
struct MembershipWrites {
    var inserts: [(chat: ChatID, membership: ChatMembership, account: AccountID?)] = []
    var removes: [(chat: ChatID, members: [ChatMemberRef])] = []
    var adopts: [(chat: ChatID, members: [ChatMemberRef])] = []
    var releases: [(chat: ChatID, members: [ChatMemberRef])] = []
    var grants: [(chat: ChatID, members: [ChatMemberRef])] = []
    var revokes: [(chat: ChatID, members: [ChatMemberRef])] = []
    var events: [(chat: ChatID, event: ChatEvent)] = []

    /// Adds one chat's plan; `account` names the account of a person member, if linked.
    mutating func add(_ plan: MembershipPlan, chat: ChatID, account: (RosterPersonID) -> AccountID?) {
        let added = Set(plan.add)
        for ref in plan.add {
            let admin: ChatAdminMark = plan.grantAdmin.contains(ref) ? .roster : .none
            inserts.append((chat, ChatMembership(member: ref, viaRoster: true, viaHand: false, admin: admin), ref.personID.flatMap(account)))
        }
        removes.append((chat, plan.remove))
        adopts.append((chat, plan.adopt))
        releases.append((chat, plan.release))
        grants.append((chat, plan.grantAdmin.filter { !added.contains($0) }))
        revokes.append((chat, plan.revokeAdmin))
        events.append((chat, ChatEvent.membersChanged(
            added: plan.add, removed: plan.remove, adminsGranted: plan.grantAdmin, adminsRevoked: plan.revokeAdmin)))
    }

    func write(organization: OrganizationID, now: Date, in store: Store) async throws {
        try await store.deleteMemberships(removes)
        try await store.updateMemberships(adopts, viaRoster: true)
        try await store.updateMemberships(releases, viaRoster: false)
        try await store.updateMemberships(grants, admin: .roster)
        try await store.updateMemberships(revokes, admin: ChatAdminMark.none)
        try await store.insertMemberships(inserts, now: now)
        try await store.appendChatEvents(events, organization: organization, now: now)
    }
}
