import Foundation
public import PartaDomain
public import PartaStore

/// A chat on the management screen, with what the viewer may do to it.
public struct ChatView: Sendable, Equatable {
    public var summary: ChatSummary
    public var allowed: [ChatAction]
    /// Whom the viewer may make invite links for (`ChatInviteRules.decide`), none if they may not.
    public var inviteAudiences: [ChatInviteAudience] = []
}

/// A chat to create.
public struct ChatDraft: Sendable, Equatable {
    public var kind: ChatKind
    public var classID: ClassID?
    public var subjectID: SubjectID?
    public var group: String?
    /// `nil`: the name the school would give it (required for custom chats without a rule).
    public var name: String?
    public var members: [RosterPersonID]
    /// A custom chat whose members follow this rule.
    public var rule: ChatRule?

    public init(
        kind: ChatKind, classID: ClassID? = nil, subjectID: SubjectID? = nil, group: String? = nil, name: String? = nil,
        members: [RosterPersonID] = [], rule: ChatRule? = nil
    ) {
        self.kind = kind
        self.classID = classID
        self.subjectID = subjectID
        self.group = group
        self.name = name
        self.members = members
        self.rule = rule
    }
}

/// The member picker's filters as people type them.
public struct PickerQuery: Sendable, Equatable {
    public var roleGroup: PickerFilter.RoleGroup?
    public var gender: Gender?
    public var classID: ClassID?
    public var surname: String?
    public var text: String?

    public init(
        roleGroup: PickerFilter.RoleGroup? = nil, gender: Gender? = nil, classID: ClassID? = nil, surname: String? = nil, text: String? = nil
    ) {
        self.roleGroup = roleGroup
        self.gender = gender
        self.classID = classID
        self.surname = surname
        self.text = text
    }
}

/// Whom to add: people chosen on a page, or everyone the picker's query matches.
public enum MemberSelection: Sendable, Equatable {
    case persons([RosterPersonID])
    case matching(PickerQuery)
}

public struct MemberAddition: Sendable, Equatable {
    /// People the selection named or matched.
    public var matched: Int
    public var added: Int
    public var alreadyMembers: Int

    public init(matched: Int, added: Int, alreadyMembers: Int) {
        self.matched = matched
        self.added = added
        self.alreadyMembers = alreadyMembers
    }
}

/// The chat list's filters as people type them.
public struct ChatListQuery: Sendable, Equatable {
    public var kinds: [ChatKind]
    public var name: String?
    public var memberSurname: String?

    public init(kinds: [ChatKind] = [], name: String? = nil, memberSurname: String? = nil) {
        self.kinds = kinds
        self.name = name
        self.memberSurname = memberSurname
    }
}

/// Managing chats (SPEC §5): every action is decided by `ChatPermissions`, written in one
/// transaction with its chat event, and audited.
extension Parta {
    /// The most people one request adds ("add all N matching" included).
    public static let maxMembersPerRequest = 10_000

    /// Who acts, as far as chats care.
    struct ChatContext {
        var organization: Organization
        var actor: ChatActor
        /// The caller's active roster persons in the organization.
        var persons: [RosterPerson]
        var account: AccountID?

        var personIDs: [RosterPersonID] { persons.map(\.id) }
        var teacherIDs: [RosterPersonID] { persons.filter { $0.role == .teacher }.map(\.id) }
        /// Who the caller is as a chat member: a staff person first, any person, or the account.
        var memberRef: ChatMemberRef? {
            if let person = persons.first(where: \.role.isStaff) ?? persons.first { return .person(person.id) }
            return account.map(ChatMemberRef.account)
        }
    }

    func chatContext(_ caller: Caller, _ id: OrganizationID, in store: Store) async throws -> ChatContext {
        guard let organization = try await store.organization(id) else { throw PartaError.notFound("The organization") }
        let roles = try await actorRoles(caller, in: store)
        let account = caller.accountID
        var persons: [RosterPerson] = []
        if let account {
            persons = try await store.persons(linkedTo: account).filter { $0.organizationID == id && $0.active }
        }
        var context = ChatContext(organization: organization, actor: ChatActor(), persons: persons, account: account)
        // Only the classes this caller leads and what they teach, not the school's.
        let homeroom = try await store.classes(of: id, homeroomTeachers: Set(context.personIDs)).map(\.id)
        let teaching = try await store.assignments(of: id, teachers: Set(context.teacherIDs))
            .map { ChatActor.Teaching(classID: $0.classID, subjectID: $0.subjectID) }
        context.actor = ChatActor(
            isAdministrator: roles.isSystem || roles.isAdministrator(of: id),
            isStaff: roles.roles(in: id).contains { $0.isStaff }, homeroomClasses: Set(homeroom), teaching: Set(teaching))
        return context
    }

    func chatTarget(_ chat: Chat, _ context: ChatContext, in store: Store) async throws -> ChatTarget {
        let isAdmin = try await store.isChatAdmin(chat.id, persons: context.personIDs, account: context.account, organization: chat.organizationID)
        return ChatTarget(kind: chat.kind, classID: chat.classID, subjectID: chat.subjectID, actorIsChatAdmin: isAdmin)
    }

    /// The chat and the caller's context, once `action` is allowed on it.
    func chatAccess(
        _ caller: Caller, _ organization: OrganizationID, _ id: ChatID, _ action: ChatAction, in store: Store
    ) async throws -> (Chat, ChatContext, ChatTarget) {
        let context = try await chatContext(caller, organization, in: store)
        guard let chat = try await store.chat(id, in: organization) else { throw PartaError.notFound("The chat") }
        let target = try await chatTarget(chat, context, in: store)
        try ChatPermissions.decide(context.actor, action, target).check()
        return (chat, context, target)
    }

    func recordChatEvent(_ chat: ChatID, _ event: ChatEvent, organization: OrganizationID, in store: Store) async throws {
        try await store.appendChatEvents([(chat, event)], organization: organization, now: clock.now())
    }

    // MARK: Initialize

    /// Creates the missing chats of `kinds` and brings existing ones to the roster; a dry run
    /// reports the same without writing.
    public func initializeChats(
        _ caller: Caller, organization: OrganizationID, kinds: [ChatKind] = ChatKind.rosterKinds, dryRun: Bool
    ) async throws -> ChatSyncReport {
        guard !kinds.isEmpty, kinds.allSatisfy(\.followsRoster) else {
            throw PartaError.invalid(
                "invalid_chat_type", "Initialize creates staff_room, class, parents and subject chats; choose at least one of them.")
        }
        let body: @Sendable (Store) async throws -> ChatSyncReport = { store in
            let context = try await chatContext(caller, organization, in: store)
            try ChatPermissions.decide(context.actor, .initialize, ChatTarget(kind: .staffRoom)).check()
            let report = try await syncChats(
                ChatScope(), organization: context.organization, creation: .initialize(Set(kinds)), dryRun: dryRun, in: store)
            if !dryRun {
                let total = report.total
                try await audit(store, caller, .chatsInitialized, organization: organization, target: ("organization", "\(organization)"), details: [
                    "types": kinds.map(\.rawValue).joined(separator: ","), "chats_created": "\(total.chatsCreated)",
                    "members_added": "\(total.membersAdded)", "members_removed": "\(total.membersRemoved)",
                ])
            }
            return report
        }
        return dryRun ? try await database.read(body) : try await database.write(body)
    }

    // MARK: List and view

    public func listChats(_ caller: Caller, organization: OrganizationID, query: ChatListQuery, page: PageRequest) async throws -> Page<ChatSummary> {
        try await database.read { store in
            let context = try await chatContext(caller, organization, in: store)
            var filter = ChatListFilter(
                kinds: query.kinds, nameWords: SearchText.words(query.name ?? ""),
                memberSurname: SearchText.words(query.memberSurname ?? "").first)
            if !context.actor.isAdministrator {
                let administersSome = try await store.isChatAdmin(
                    nil, persons: context.personIDs, account: context.account, organization: organization)
                try ChatPermissions.decideListing(context.actor, administersAnyChat: administersSome).check()
                filter.manageable = .init(
                    homeroomClasses: context.actor.homeroomClasses.sorted(), teaching: Array(context.actor.teaching),
                    persons: context.personIDs, account: context.account)
            }
            return try await store.listChats(of: organization, filter: filter, page: page)
        }
    }

    public func chat(_ caller: Caller, organization: OrganizationID, id: ChatID) async throws -> ChatView {
        try await database.read { store in
            try await chatView(caller, organization, id, in: store)
        }
    }

    func chatView(_ caller: Caller, _ organization: OrganizationID, _ id: ChatID, in store: Store) async throws -> ChatView {
        let context = try await chatContext(caller, organization, in: store)
        guard let chat = try await store.chat(id, in: organization) else { throw PartaError.notFound("The chat") }
        let target = try await chatTarget(chat, context, in: store)
        let allowed = ChatAction.allCases.filter { $0 != .initialize && $0 != .create && ChatPermissions.decide(context.actor, $0, target).isAllowed }
        guard !allowed.isEmpty else {
            try ChatPermissions.decide(context.actor, .addMembers, target).check()
            throw PartaError.forbidden("You do not manage this chat.")
        }
        let summary = try await store.listChats(of: organization, filter: ChatListFilter(ids: [id]), page: PageRequest(page: 1, perPage: 10))
        let audiences = ChatInviteAudience.allCases.filter { ChatInviteRules.decide(context.actor, target, audiences: [$0]).isAllowed }
        return ChatView(summary: summary.items[0], allowed: allowed, inviteAudiences: audiences)
    }

    public func chatMembers(
        _ caller: Caller, organization: OrganizationID, id: ChatID, surname: String? = nil, page: PageRequest
    ) async throws -> Page<(ChatMembership, ChatMemberName)> {
        let folded = SearchText.words(surname ?? "").first
        return try await database.read { store in
            let (chat, _, _) = try await chatAccess(caller, organization, id, .addMembers, in: store)
            return try await store.chatMembers(chat.id, surname: folded, page: page)
        }
    }

    // MARK: Create, rename, delete

    /// A new chat's class and subject, found in the organization, once the caller may create it;
    /// and the name the school gives such a chat (none for a custom chat).
    func resolveNewChat(
        _ draft: ChatDraft, key: RosterChatKey?, context: ChatContext, organization: OrganizationID, in store: Store
    ) async throws -> (schoolClass: SchoolClass?, subject: Subject?, generatedName: String?) {
        var schoolClass: SchoolClass?
        if let classID = draft.classID {
            guard let found = try await store.schoolClass(classID, in: organization) else { throw PartaError.notFound("The class") }
            schoolClass = found
        }
        var subject: Subject?
        if let subjectID = draft.subjectID {
            guard let found = try await store.subject(subjectID, in: organization) else { throw PartaError.notFound("The subject") }
            subject = found
        }
        try ChatPermissions.decide(context.actor, .create, ChatTarget(kind: draft.kind, classID: draft.classID, subjectID: draft.subjectID)).check()
        let generated = key.map { RosterChatKey.name(of: $0, className: schoolClass?.name, subjectName: subject?.name) }
        return (schoolClass, subject, generated)
    }

    /// What the creation form offers the caller: the classes and subjects they may make chats for
    /// (`ChatPermissions.creationScope`).
    public func chatCreationOptions(
        _ caller: Caller, organization: OrganizationID
    ) async throws -> (classes: [(schoolClass: SchoolClass, year: String)], subjects: [Subject]) {
        try await database.read { store in
            let scope = try ChatPermissions.creationScope(try await chatContext(caller, organization, in: store).actor)
            let years = Dictionary(uniqueKeysWithValues: try await store.schoolYears(of: organization).map { ($0.id, $0.name) })
            let classes = try await store.classes(of: organization).filter { scope.classes?.contains($0.id) ?? true }
            let subjects = try await store.subjects(of: organization).filter { scope.subjects?.contains($0.id) ?? true }
            return (classes.map { ($0, years[$0.schoolYearID] ?? "") }, subjects)
        }
    }

    /// The name a chat of this draft would get when created without one (`10А - Ученики`,
    /// `10А - Английский язык (Англ.яз/1)`), for the creation form; `nil` for a custom chat, which names itself.
    public func suggestedChatName(_ caller: Caller, organization: OrganizationID, _ draft: ChatDraft) async throws -> String? {
        guard draft.kind != .custom else { return nil }
        let group = try TeachingAssignment.checkGroup(draft.group)
        let key = try RosterChatKey.forNewChat(kind: draft.kind, classID: draft.classID, subjectID: draft.subjectID, group: group, name: nil)
        return try await database.read { store in
            let context = try await chatContext(caller, organization, in: store)
            return try await resolveNewChat(draft, key: key, context: context, organization: organization, in: store).generatedName
        }
    }

    public func createChat(_ caller: Caller, organization: OrganizationID, _ rawDraft: ChatDraft) async throws -> ChatView {
        var draft = rawDraft
        let group = try TeachingAssignment.checkGroup(draft.group)
        let name = try draft.name.map(Chat.checkName)
        if let rule = draft.rule {
            try ChatPermissions.checkRuleDraft(kind: draft.kind, classID: draft.classID, rule: rule)
            // A committee chat belongs to its class: the homeroom teacher runs it.
            if case .parentsCommittee(let c) = rule { draft.classID = c }
        }
        let key = try RosterChatKey.forNewChat(
            kind: draft.kind, classID: draft.classID, subjectID: draft.subjectID, group: group, name: name, followsRule: draft.rule != nil)
        return try await database.write { [draft] store in
            let context = try await chatContext(caller, organization, in: store)
            var (schoolClass, _, generated) = try await resolveNewChat(draft, key: key, context: context, organization: organization, in: store)
            if let rule = draft.rule {
                try ChatPermissions.decideRule(context.actor, rule).check()
                let classes = try await store.classes(Set(rule.classIDs), in: organization)
                guard classes.count == Set(rule.classIDs).count else { throw PartaError.notFound("A class of the rule") }
                generated = rule.name(classNames: Dictionary(uniqueKeysWithValues: classes.map { ($0.id, $0.name) }))
            }
            let target = ChatTarget(kind: draft.kind, classID: draft.classID, subjectID: draft.subjectID)
            if let key {
                let existing = try await store.rosterChats(of: organization, classes: key.classID.map { [$0] } ?? [], staffRoom: key == .staffRoom)
                if let found = existing.live[key] {
                    throw PartaError.conflict("chat_exists", "«\(found.name)» already exists (chat \(found.id)); edit it instead.")
                }
            }
            let now = clock.now()
            let chatName = name ?? generated ?? ""
            let chat = try await store.insertChat(
                organization: organization, kind: draft.kind, name: chatName, nameEdited: name != nil && name != generated,
                rosterKey: key, classID: draft.classID, subjectID: draft.subjectID, group: key?.group ?? "",
                schoolYearID: schoolClass?.schoolYearID, createdBy: context.account, rule: draft.rule, now: now)
            try await recordChatEvent(chat.id, ChatEvent.created(name: chatName, kind: draft.kind), organization: organization, in: store)
            if let key {
                let scope = key == .staffRoom ? ChatScope(staffRoom: true) : ChatScope(classes: [key.classID!])
                _ = try await syncChats(scope, organization: context.organization, creation: .none, in: store)
            }
            if draft.rule != nil {
                _ = try await syncRuleChats(context.organization, only: chat.id, dryRun: false, in: store)
            }
            // Whoever creates a chat administers it.
            if let me = context.memberRef {
                try await addByHand(chat, [me], admin: true, in: store)
            }
            if !draft.members.isEmpty {
                let limit = ChatPermissions.additionLimit(context.actor, target)
                let ids = try await checkedAdditions(.persons(draft.members), limit: limit, context: context, in: store)
                try await addByHand(chat, ids.map(ChatMemberRef.person), admin: false, in: store)
            }
            var details = ["name": chatName, "type": draft.kind.rawValue, "members": "\(draft.members.count)"]
            if let rule = draft.rule { details["rule"] = rule.storageKey }
            try await audit(store, caller, .chatCreated, organization: organization, target: ("chat", "\(chat.id)"), details: details)
            return try await chatView(caller, organization, chat.id, in: store)
        }
    }

    public func renameChat(_ caller: Caller, organization: OrganizationID, id: ChatID, name rawName: String) async throws -> ChatView {
        let name = try Chat.checkName(rawName)
        return try await database.write { store in
            let (chat, _, _) = try await chatAccess(caller, organization, id, .rename, in: store)
            if chat.name != name || !chat.nameEdited {
                try await store.renameChat(id, name: name, edited: true, now: clock.now())
                try await recordChatEvent(id, ChatEvent.renamed(name), organization: organization, in: store)
                try await audit(store, caller, .chatRenamed, organization: organization, target: ("chat", "\(id)"),
                                details: ["from": chat.name, "to": name])
            }
            return try await chatView(caller, organization, id, in: store)
        }
    }

    /// Deletes a chat for every member, for good. The roster does not bring it back; "initialize
    /// chats" creates a new one if asked.
    public func deleteChat(_ caller: Caller, organization: OrganizationID, id: ChatID) async throws {
        try await database.write { store in
            let (chat, _, _) = try await chatAccess(caller, organization, id, .delete, in: store)
            try await store.deleteChat(id, now: clock.now())
            try await recordChatEvent(id, ChatEvent.deleted, organization: organization, in: store)
            try await audit(store, caller, .chatDeleted, organization: organization, target: ("chat", "\(id)"),
                            details: ["name": chat.name, "type": chat.kind.rawValue])
        }
    }

    // MARK: Members

    /// The picker: the active people the caller may add (`ChatPermissions.additionLimit`) matching
    /// the query, each marked if already a member. Only administrators browse the whole school, and
    /// only they get birth dates (to tell namesakes apart).
    public func chatCandidates(
        _ caller: Caller, organization: OrganizationID, id: ChatID, query: PickerQuery, page: PageRequest
    ) async throws -> Page<(person: RosterPerson, isMember: Bool)> {
        try await database.read { store in
            let (chat, context, target) = try await chatAccess(caller, organization, id, .addMembers, in: store)
            let limit = ChatPermissions.additionLimit(context.actor, target)
            let filter = try await pickerFilter(query, limit: limit, context: context, in: store)
            var found = try await store.pickPersons(of: organization, filter: filter, chat: chat.id, page: page)
            if !ChatPermissions.showsBirthDates(limit) {
                for index in found.items.indices { found.items[index].person.birthDate = nil }
            }
            return found
        }
    }

    /// The picker's query, narrowed to the people the caller may add.
    func pickerFilter(_ query: PickerQuery, limit: AdditionLimit, context: ChatContext, in store: Store) async throws -> PickerFilter {
        PickerFilter(
            roleGroup: query.roleGroup, gender: query.gender, classID: query.classID,
            surname: SearchText.words(query.surname ?? "").first, words: SearchText.words(query.text ?? ""),
            ids: try await addablePersons(limit, context: context, in: store)?.sorted(), date: today(of: context.organization))
    }

    /// Whom the caller may add under `limit` today (`ChatPermissions.addablePersons`); `nil`: anyone.
    func addablePersons(_ limit: AdditionLimit, context: ChatContext, in store: Store) async throws -> Set<RosterPersonID>? {
        let classes: Set<ClassID>
        switch limit {
        case .anyone: return nil
        case .studentsTaught: classes = Set(context.actor.teaching.map(\.classID))
        case .classCommunity(let c): classes = [c]
        case .related: classes = context.actor.homeroomClasses.union(context.actor.teaching.map(\.classID))
        }
        let roster = try await chatRoster(context.organization, classes: classes, staffRoom: false, in: store)
        let staff = limit == .studentsTaught ? [] : Set(try await store.staffIDs(of: context.organization.id))
        let mine = Set(context.persons.filter(\.role.isStaff).map(\.id))
        return ChatPermissions.addablePersons(limit, teachers: mine, staff: staff, roster: roster)
    }

    /// Adds people by hand: chosen ones, or all the picker matches, in one operation.
    public func addChatMembers(_ caller: Caller, organization: OrganizationID, id: ChatID, _ selection: MemberSelection) async throws -> MemberAddition {
        try await database.write { store in
            let (chat, context, target) = try await chatAccess(caller, organization, id, .addMembers, in: store)
            // Who may be added is read from the roster: it stays as it is until this commits
            // (locked once the caller may, so nobody else's request waits on a school's lock).
            try await lockRoster(organization, in: store)
            let limit = ChatPermissions.additionLimit(context.actor, target)
            let ids = try await checkedAdditions(selection, limit: limit, context: context, in: store)
            let added = try await addByHand(chat, ids.map(ChatMemberRef.person), admin: false, in: store)
            var details = ["count": "\(added)", "matched": "\(ids.count)"]
            if case .matching = selection { details["selection"] = "all_matching" }
            try await audit(store, caller, .chatMembersAdded, organization: organization, target: ("chat", "\(id)"), details: details)
            return MemberAddition(matched: ids.count, added: added, alreadyMembers: ids.count - added)
        }
    }

    /// The people a selection names, checked: of this organization, active, and within the limit.
    func checkedAdditions(_ selection: MemberSelection, limit: AdditionLimit, context: ChatContext, in store: Store) async throws -> [RosterPersonID] {
        let org = context.organization.id
        switch selection {
        case .matching(let query):
            let filter = try await pickerFilter(query, limit: limit, context: context, in: store)
            let ids = try await store.pickPersonIDs(of: org, filter: filter, limit: Self.maxMembersPerRequest + 1)
            guard ids.count <= Self.maxMembersPerRequest else {
                throw PartaError.invalid("too_many_members", "At most \(Self.maxMembersPerRequest) people are added at once; narrow the query.")
            }
            return ids
        case .persons(let raw):
            let ids = Array(Set(raw)).sorted()
            guard !ids.isEmpty, ids.count <= Self.maxMembersPerRequest else {
                throw PartaError.invalid("invalid_members", "Choose 1 to \(Self.maxMembersPerRequest) people to add.")
            }
            let found = try await store.persons(ids, in: org)
            let unknown = ids.filter { found[$0]?.active != true }
            guard unknown.isEmpty else {
                throw PartaError.invalid(
                    "unknown_person", "Not an active person of this organization: \(unknown.map(\.description).joined(separator: ", ")).",
                    details: ["person_ids": .string(unknown.map(\.description).joined(separator: ","))])
            }
            if let addable = try await addablePersons(limit, context: context, in: store) {
                try ChatPermissions.checkAdditions(limit, ids.map { (id: $0, name: found[$0]!.name.short, addable: addable.contains($0)) })
            }
            return ids
        }
    }

    /// Adds members by hand (or marks existing ones as hand-added); returns how many are new.
    @discardableResult
    func addByHand(_ chat: Chat, _ refs: [ChatMemberRef], admin: Bool, in store: Store) async throws -> Int {
        let current = Dictionary(uniqueKeysWithValues: (try await store.memberships(of: [chat.id])[chat.id] ?? []).map { ($0.member, $0) })
        let new = refs.filter { current[$0] == nil }
        let accounts = try await store.personFacts(Set(new.compactMap(\.personID)))
        try await store.include(refs, in: chat.id)
        try await store.insertMemberships(
            new.map { ref in
                (chat.id, ChatMembership(member: ref, viaRoster: false, viaHand: true, admin: admin ? .manual : .none),
                 ref.personID.flatMap { accounts[$0]?.accountID })
            }, now: clock.now())
        let present = refs.filter { current[$0] != nil }
        try await store.updateMemberships(chat: chat.id, present.filter { current[$0]?.viaHand == false }, viaHand: true)
        if admin { try await store.updateMemberships(chat: chat.id, present.filter { current[$0]?.isAdmin == false }, admin: .manual) }
        if !new.isEmpty || admin {
            try await recordChatEvent(chat.id, ChatEvent.membersChanged(
                added: new, removed: [], adminsGranted: admin ? refs : [], adminsRevoked: []), organization: chat.organizationID, in: store)
        }
        return new.count
    }

    /// Removes members; the roster does not bring them back. Returns how many left.
    public func removeChatMembers(_ caller: Caller, organization: OrganizationID, id: ChatID, _ refs: [ChatMemberRef]) async throws -> Int {
        guard !refs.isEmpty, refs.count <= Self.maxMembersPerRequest else {
            throw PartaError.invalid("invalid_members", "Choose 1 to \(Self.maxMembersPerRequest) members to remove.")
        }
        return try await database.write { store in
            let (chat, _, _) = try await chatAccess(caller, organization, id, .removeMembers, in: store)
            try await lockRoster(organization, in: store)
            let current = Set((try await store.memberships(of: [id])[id] ?? []).map(\.member))
            let leaving = Array(Set(refs).intersection(current)).sorted()
            guard !leaving.isEmpty else { throw PartaError.notFound("Those members of the chat") }
            try await store.deleteMemberships(chat: id, leaving)
            try await store.exclude(leaving, from: id, now: clock.now())
            try await recordChatEvent(id, ChatEvent.membersChanged(
                added: [], removed: leaving, adminsGranted: [], adminsRevoked: []), organization: organization, in: store)
            try await audit(store, caller, .chatMembersRemoved, organization: organization, target: ("chat", "\(chat.id)"),
                            details: ["count": "\(leaving.count)"])
            return leaving.count
        }
    }

    /// Makes a member a chat admin, or unmakes them (an admin the roster made stays unmade).
    public func setChatAdmin(_ caller: Caller, organization: OrganizationID, id: ChatID, member: ChatMemberRef, admin: Bool) async throws {
        try await database.write { store in
            _ = try await chatAccess(caller, organization, id, .changeAdmins, in: store)
            // Not racing the roster, which may be taking the same member out of the chat.
            try await lockRoster(organization, in: store)
            guard let row = (try await store.memberships(of: [id])[id] ?? []).first(where: { $0.member == member }) else {
                throw PartaError.notFound("That member of the chat")
            }
            guard row.isAdmin != admin else { return }
            try await store.updateMemberships(chat: id, [member], admin: row.adminMark(settingAdmin: admin))
            try await recordChatEvent(id, ChatEvent.membersChanged(
                added: [], removed: [], adminsGranted: admin ? [member] : [], adminsRevoked: admin ? [] : [member]),
                organization: organization, in: store)
            try await audit(store, caller, admin ? .chatAdminGranted : .chatAdminRevoked, organization: organization,
                            target: ("chat", "\(id)"), details: ["member": member.description])
        }
    }
}
