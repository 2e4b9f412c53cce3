public import Foundation
public import PartaDomain
import SQLKit

/// A row of the chat-management list.
public struct ChatSummary: Sendable, Equatable {
    public var chat: Chat
    public var memberCount: Int
    /// Members who are roster persons not yet linked to an account.
    public var pendingCount: Int
    public var className: String?
    public var schoolYearName: String?
    public var admins: [ChatMemberName]
}

/// A chat member with a name to show (never a phone number).
public struct ChatMemberName: Sendable, Equatable {
    public var member: ChatMemberRef
    public var name: PersonName
    public var role: RosterRole?
    public var accountID: AccountID?
    /// From the roster or given with a role; `false` for an account's own name (`OrganizationName`).
    public var confirmed: Bool
    /// The chat invite link this member came in by, if they did.
    public var viaInvite: ChatInviteID? = nil
}

/// Which chats a list shows: filters, and (for someone who is not the administrator) only the
/// chats they may manage.
public struct ChatListFilter: Sendable, Equatable {
    public var kinds: [ChatKind]
    /// Folded words of the chat's name.
    public var nameWords: [String]
    /// A folded surname: chats with a member whose surname starts with it.
    public var memberSurname: String?
    /// `nil`: every chat of the organization.
    public var manageable: Manageable?
    /// Only these chats.
    public var ids: [ChatID]?

    public struct Manageable: Sendable, Equatable {
        public var homeroomClasses: [ClassID]
        public var teaching: [ChatActor.Teaching]
        /// Chats where a member row of these persons or this account is a chat admin.
        public var persons: [RosterPersonID]
        public var account: AccountID?

        public init(homeroomClasses: [ClassID], teaching: [ChatActor.Teaching], persons: [RosterPersonID], account: AccountID?) {
            self.homeroomClasses = homeroomClasses
            self.teaching = teaching
            self.persons = persons
            self.account = account
        }
    }

    public init(
        kinds: [ChatKind] = [], nameWords: [String] = [], memberSurname: String? = nil, manageable: Manageable? = nil, ids: [ChatID]? = nil
    ) {
        self.ids = ids
        self.kinds = kinds
        self.nameWords = nameWords
        self.memberSurname = memberSurname
        self.manageable = manageable
    }
}

/// The member picker's query over the organization's active roster people.
public struct PickerFilter: Sendable, Equatable {
    public enum RoleGroup: String, Sendable, CaseIterable, Codable {
        case staff
        case students
        case parents
    }

    public var roleGroup: RoleGroup?
    public var gender: Gender?
    /// Students of the class, parents of its students, or staff who lead or teach it (on `date`).
    public var classID: ClassID?
    public var surname: String?
    public var words: [String]
    /// Only these people (a subject teacher's students, or the ones chosen).
    public var ids: [RosterPersonID]?
    public var date: LocalDate

    public init(
        roleGroup: RoleGroup? = nil, gender: Gender? = nil, classID: ClassID? = nil, surname: String? = nil, words: [String] = [],
        ids: [RosterPersonID]? = nil, date: LocalDate
    ) {
        self.roleGroup = roleGroup
        self.gender = gender
        self.classID = classID
        self.surname = surname
        self.words = words
        self.ids = ids
        self.date = date
    }
}

extension Store {
    static let chatColumns = """
        c.id, c.organization_id, c.kind, c.name, c.name_edited, c.roster_key, c.class_id, c.subject_id, c.group_name,
        c.school_year_id, c.created_at, c.rule
        """

    static func chat(from row: any SQLRow) throws -> Chat {
        Chat(
            id: try row.id("id"), organizationID: try row.id("organization_id"),
            kind: ChatKind(rawValue: try row.string("kind")) ?? .custom, name: try row.string("name"),
            nameEdited: try row.bool("name_edited"),
            rosterKey: try row.optionalString("roster_key").flatMap(RosterChatKey.init(storageKey:)),
            classID: try row.optionalID("class_id"), subjectID: try row.optionalID("subject_id"), group: try row.string("group_name"),
            schoolYearID: try row.optionalID("school_year_id"), createdAt: try row.date("created_at"),
            rule: try row.optionalString("rule").flatMap { try? ChatRule.parse($0) })
    }

    /// The active roster person an account is linked to in an organization (the first, should it
    /// be linked to several), as a scalar subquery over the named columns: how the organization
    /// names an account that is a chat member as itself rather than as a person.
    static func linkedPerson(account: String, organization: String) -> SQLQueryString {
        """
        (SELECT MIN(x.id) FROM roster_persons x
         WHERE x.account_id = \(unsafeRaw: account) AND x.organization_id = \(unsafeRaw: organization) AND x.active = \(bind: true))
        """
    }

    /// The kinds chat management sees (`ChatKind.isManaged`), as a bound list.
    static var managedKinds: SQLGroupExpression {
        SQLGroupExpression(ChatKind.managedKinds.map { SQLBind($0.rawValue) })
    }

    /// The admin marks that make a member a chat admin (`ChatAdminMark.isAdmin`), as a bound list.
    static var adminMarks: SQLGroupExpression {
        SQLGroupExpression(ChatAdminMark.allCases.filter(\.isAdmin).map { SQLBind($0.rawValue) })
    }

    // MARK: Chats

    public func insertChat(
        organization: OrganizationID, kind: ChatKind, name: String, nameEdited: Bool = false, rosterKey: RosterChatKey?,
        classID: ClassID?, subjectID: SubjectID?, group: String, schoolYearID: SchoolYearID?, createdBy: AccountID?, rule: ChatRule? = nil,
        now: Date
    ) async throws -> Chat {
        let row = try await sql.raw("""
            INSERT INTO chats (organization_id, kind, name, search_name, name_edited, roster_key, class_id, subject_id, group_name,
                school_year_id, created_by, created_at, updated_at, last_seq, rule)
            VALUES (\(bind: organization.rawValue), \(bind: kind.rawValue), \(bind: name), \(bind: SearchText.fold(name)), \(bind: nameEdited),
                \(bind: rosterKey?.storageKey), \(bind: classID?.rawValue), \(bind: subjectID?.rawValue), \(bind: group),
                \(bind: schoolYearID?.rawValue), \(bind: createdBy?.rawValue), \(bind: now.millis), \(bind: now.millis), 0,
                \(bind: rule?.storageKey))
            RETURNING id, organization_id, kind, name, name_edited, roster_key, class_id, subject_id, group_name, school_year_id, created_at, rule
            """).first()
        return try Self.chat(from: row!)
    }

    /// A chat that has not been deleted, as chat management sees it (`ChatKind.isManaged`).
    public func chat(_ id: ChatID, in organization: OrganizationID) async throws -> Chat? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatColumns) FROM chats c
            WHERE c.id = \(bind: id.rawValue) AND c.organization_id = \(bind: organization.rawValue) AND c.deleted_at IS NULL
                AND c.kind IN \(Self.managedKinds)
            """).first().map(Self.chat(from:))
    }

    /// The live roster chats of some classes (and the staff room), and the roster keys of chats a
    /// person deleted that have no live successor.
    public func rosterChats(
        of organization: OrganizationID, classes: Set<ClassID>, staffRoom: Bool
    ) async throws -> (live: [RosterChatKey: Chat], dismissed: Set<RosterChatKey>) {
        var conditions: [any SQLExpression] = []
        if staffRoom { conditions.append(SQLQueryString("c.roster_key = \(bind: RosterChatKey.staffRoom.storageKey)")) }
        var live: [RosterChatKey: Chat] = [:]
        var deleted = Set<RosterChatKey>()
        var batches: [[ClassID]] = classes.sorted().chunked(400).map(Array.init)
        if batches.isEmpty && !conditions.isEmpty { batches = [[]] }
        for (index, batch) in batches.enumerated() {
            var any = index == 0 ? conditions : []
            if !batch.isEmpty { any.append(SQLQueryString("c.class_id IN \(Self.ids(batch))")) }
            guard !any.isEmpty else { continue }
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.chatColumns), c.deleted_at FROM chats c
                WHERE c.organization_id = \(bind: organization.rawValue) AND c.roster_key IS NOT NULL
                  AND (\(SQLList(any, separator: SQLRaw(" OR "))))
                """).all()
            for row in rows {
                let chat = try Self.chat(from: row)
                guard let key = chat.rosterKey else { continue }
                if try row.optionalInt64("deleted_at") == nil { live[key] = chat } else { deleted.insert(key) }
            }
        }
        return (live, deleted.subtracting(live.keys))
    }

    /// The classes with a chat or an assignment of any of `subjects` (their chats' names follow the subject's).
    public func classes(withSubjectChats subjects: Set<SubjectID>, in organization: OrganizationID) async throws -> Set<ClassID> {
        guard !subjects.isEmpty else { return [] }
        let rows = try await sql.raw("""
            SELECT DISTINCT class_id FROM teaching_assignments
            WHERE organization_id = \(bind: organization.rawValue) AND subject_id IN \(Self.ids(subjects.sorted()))
            UNION
            SELECT DISTINCT class_id FROM chats
            WHERE organization_id = \(bind: organization.rawValue) AND deleted_at IS NULL AND class_id IS NOT NULL
              AND subject_id IN \(Self.ids(subjects.sorted()))
            """).all()
        return Set(try rows.map { try $0.id("class_id") })
    }

    public func renameChat(_ id: ChatID, name: String, edited: Bool, now: Date) async throws {
        try await sql.raw("""
            UPDATE chats SET name = \(bind: name), search_name = \(bind: SearchText.fold(name)), name_edited = \(bind: edited),
                updated_at = \(bind: now.millis)
            WHERE id = \(bind: id.rawValue)
            """).run()
    }

    /// Deletes a chat for everyone: its members go, the row stays as a tombstone.
    public func deleteChat(_ id: ChatID, now: Date) async throws {
        try await sql.raw("DELETE FROM chat_members WHERE chat_id = \(bind: id.rawValue)").run()
        try await sql.raw("UPDATE chats SET deleted_at = \(bind: now.millis), updated_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue)").run()
    }

    /// The live chats of an organization that follow a rule.
    public func ruleChats(of organization: OrganizationID) async throws -> [(chat: Chat, rule: ChatRule)] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatColumns) FROM chats c
            WHERE c.organization_id = \(bind: organization.rawValue) AND c.rule IS NOT NULL AND c.deleted_at IS NULL
            ORDER BY c.id
            """).all().compactMap { row in
            let chat = try Self.chat(from: row)
            return chat.rule.map { (chat, $0) }
        }
    }

    /// Everyone of an organization as rule chats read them.
    public func ruleFacts(of organization: OrganizationID) async throws -> [RosterPersonID: RuleRoster.Person] {
        var result: [RosterPersonID: RuleRoster.Person] = [:]
        for row in try await sql.raw("""
            SELECT id, role, active, position, parents_committee, student_council FROM roster_persons
            WHERE organization_id = \(bind: organization.rawValue)
            """).all() {
            result[try row.id("id")] = RuleRoster.Person(
                role: RosterRole(rawValue: try row.string("role")) ?? .employee, active: try row.bool("active"),
                position: try row.string("position"), parentsCommittee: try row.bool("parents_committee"),
                studentCouncil: try row.bool("student_council"))
        }
        return result
    }

    public func chatCount(of organization: OrganizationID) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM chats WHERE organization_id = \(bind: organization.rawValue) AND deleted_at IS NULL
            """).first()!.int("n")
    }

    // MARK: Members

    static func membership(from row: any SQLRow) throws -> ChatMembership {
        let member: ChatMemberRef
        if let person: RosterPersonID = try row.optionalID("person_id") {
            member = .person(person)
        } else {
            member = .account(try row.id("account_id"))
        }
        return ChatMembership(
            member: member, viaRoster: try row.bool("via_roster"), viaHand: try row.bool("via_hand"),
            admin: ChatAdminMark(rawValue: try row.string("admin")) ?? .none)
    }

    /// The members of several chats, with provenance.
    public func memberships(of chats: [ChatID]) async throws -> [ChatID: [ChatMembership]] {
        var result: [ChatID: [ChatMembership]] = [:]
        for chunk in chats.chunked(400) {
            let rows = try await sql.raw("""
                SELECT chat_id, person_id, account_id, via_roster, via_hand, admin FROM chat_members
                WHERE chat_id IN \(Self.ids(chunk))
                """).all()
            for row in rows { result[try row.id("chat_id"), default: []].append(try Self.membership(from: row)) }
        }
        return result
    }

    /// Inserts new member rows; a person's row carries the account the person is linked to.
    public func insertMemberships(_ rows: [(chat: ChatID, membership: ChatMembership, account: AccountID?)], now: Date) async throws {
        for chunk in rows.chunked(300) {
            let values = chunk.map { row in
                SQLGroupExpression([
                    SQLBind(row.chat.rawValue), SQLBind(row.membership.member.personID?.rawValue),
                    SQLBind((row.membership.member.accountID ?? row.account)?.rawValue), SQLBind(row.membership.viaRoster),
                    SQLBind(row.membership.viaHand), SQLBind(row.membership.admin.rawValue), SQLBind(now.millis),
                ])
            }
            try await sql.raw("""
                INSERT INTO chat_members (chat_id, person_id, account_id, via_roster, via_hand, admin, added_at) VALUES \(SQLList(values))
                """).run()
        }
    }

    /// `WHERE` clauses for some members of some chats, each with at most about 400 binds: one
    /// statement covers the changes of many chats (a transfer touches some thirty).
    static func memberPredicates(_ changes: [(chat: ChatID, members: [ChatMemberRef])]) -> [SQLQueryString] {
        var terms: [(binds: Int, sql: SQLQueryString)] = []
        for (chat, refs) in changes {
            for chunk in refs.compactMap(\.personID).chunked(400) {
                terms.append((chunk.count + 1, "(chat_id = \(bind: chat.rawValue) AND person_id IN \(Self.ids(chunk)))"))
            }
            for chunk in refs.compactMap(\.accountID).chunked(400) {
                terms.append((chunk.count + 1, "(chat_id = \(bind: chat.rawValue) AND person_id IS NULL AND account_id IN \(Self.ids(chunk)))"))
            }
        }
        var result: [SQLQueryString] = []
        var group: [SQLQueryString] = []
        var binds = 0
        for term in terms {
            if binds + term.binds > 400, !group.isEmpty {
                result.append(Self.or(group))
                (group, binds) = ([], 0)
            }
            group.append(term.sql)
            binds += term.binds
        }
        if !group.isEmpty { result.append(Self.or(group)) }
        return result
    }

    private static func or(_ terms: [SQLQueryString]) -> SQLQueryString {
        terms.dropFirst().reduce(terms[0]) { "\($0) OR \($1)" }
    }

    /// Sets `via_roster`, `via_hand`, `admin` or `via_invite` (the chat invite a member came by)
    /// on some members of some chats.
    public func updateMemberships(
        _ changes: [(chat: ChatID, members: [ChatMemberRef])], viaRoster: Bool? = nil, viaHand: Bool? = nil, admin: ChatAdminMark? = nil,
        viaInvite: ChatInviteID? = nil
    ) async throws {
        var sets: [SQLQueryString] = []
        if let viaRoster { sets.append("via_roster = \(bind: viaRoster)") }
        if let viaHand { sets.append("via_hand = \(bind: viaHand)") }
        if let admin { sets.append("admin = \(bind: admin.rawValue)") }
        if let viaInvite { sets.append("via_invite = \(bind: viaInvite.rawValue)") }
        guard !sets.isEmpty else { return }
        for predicate in Self.memberPredicates(changes) {
            try await sql.raw("UPDATE chat_members SET \(SQLList(sets)) WHERE \(predicate)").run()
        }
    }

    public func updateMemberships(
        chat: ChatID, _ refs: [ChatMemberRef], viaRoster: Bool? = nil, viaHand: Bool? = nil, admin: ChatAdminMark? = nil,
        viaInvite: ChatInviteID? = nil
    ) async throws {
        try await updateMemberships([(chat, refs)], viaRoster: viaRoster, viaHand: viaHand, admin: admin, viaInvite: viaInvite)
    }

    public func deleteMemberships(_ changes: [(chat: ChatID, members: [ChatMemberRef])]) async throws {
        for predicate in Self.memberPredicates(changes) {
            try await sql.raw("DELETE FROM chat_members WHERE \(predicate)").run()
        }
    }

    public func deleteMemberships(chat: ChatID, _ refs: [ChatMemberRef]) async throws {
        try await deleteMemberships([(chat, refs)])
    }

    /// Every membership row of a person, by chat.
    public func memberships(ofPerson person: RosterPersonID) async throws -> [(chat: ChatID, membership: ChatMembership)] {
        try await sql.raw("""
            SELECT chat_id, person_id, account_id, via_roster, via_hand, admin FROM chat_members WHERE person_id = \(bind: person.rawValue)
            """).all().map { (try $0.id("chat_id"), try Self.membership(from: $0)) }
    }

    /// An account's own rows (not those of a person linked to it), by chat.
    public func memberships(ofAccount account: AccountID) async throws -> [(chat: ChatID, membership: ChatMembership)] {
        try await sql.raw("""
            SELECT chat_id, person_id, account_id, via_roster, via_hand, admin FROM chat_members
            WHERE person_id IS NULL AND account_id = \(bind: account.rawValue)
            """).all().map { (try $0.id("chat_id"), try Self.membership(from: $0)) }
    }

    /// Points a person's rows at the account they are now linked to (or none).
    public func setMemberAccount(person: RosterPersonID, account: AccountID?) async throws {
        try await sql.raw("UPDATE chat_members SET account_id = \(bind: account?.rawValue) WHERE person_id = \(bind: person.rawValue)").run()
    }

    /// Names for members of a chat (roster name for persons, account name otherwise).
    public func memberNames(_ refs: [ChatMemberRef], in organization: OrganizationID) async throws -> [ChatMemberRef: ChatMemberName] {
        var result: [ChatMemberRef: ChatMemberName] = [:]
        let persons = try await self.persons(refs.compactMap(\.personID), in: organization)
        for (id, person) in persons {
            result[.person(id)] = ChatMemberName(member: .person(id), name: person.name, role: person.role, accountID: person.accountID, confirmed: true)
        }
        for (id, named) in try await names(of: refs.compactMap(\.accountID), in: organization) {
            result[.account(id)] = ChatMemberName(member: .account(id), name: named.name, role: nil, accountID: id, confirmed: named.confirmed)
        }
        return result
    }

    /// The persons and account rows of a chat the way the management screen pages them: admins
    /// first, then by name; `surname` (folded) keeps those whose roster surname starts with it.
    public func chatMembers(_ chat: ChatID, surname: String? = nil, page: PageRequest) async throws -> Page<(ChatMembership, ChatMemberName)> {
        let joins: SQLQueryString = """
            FROM chat_members m
            JOIN chats c ON c.id = m.chat_id
            LEFT JOIN roster_persons p ON p.id = m.person_id
            LEFT JOIN accounts a ON a.id = m.account_id AND m.person_id IS NULL
            -- An account member is named as the organization's roster knows them, when it does,
            -- else by the name given with its administrator role; its own name is unconfirmed.
            LEFT JOIN roster_persons lp ON m.person_id IS NULL
                AND lp.id = \(Self.linkedPerson(account: "m.account_id", organization: "c.organization_id"))
            LEFT JOIN organization_roles g ON m.person_id IS NULL AND g.organization_id = c.organization_id
                AND g.account_id = m.account_id AND g.role = \(bind: OrganizationRole.administrator.rawValue) AND g.surname <> ''
            WHERE m.chat_id = \(bind: chat.rawValue)
            """
        let filter: SQLQueryString = surname.map { "AND COALESCE(p.search_name, lp.search_name, '') LIKE \(bind: SearchText.prefixPattern($0)) ESCAPE '\\'" } ?? ""
        let total = try await sql.raw("SELECT COUNT(*) AS n \(joins) \(filter)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT m.person_id, m.account_id, m.via_roster, m.via_hand, m.admin, m.via_invite, COALESCE(p.role, lp.role) AS role,
                COALESCE(p.surname, lp.surname, g.surname, a.surname) AS surname,
                COALESCE(p.given_name, lp.given_name, g.given_name, a.given_name) AS given_name,
                COALESCE(p.patronymic, lp.patronymic, g.patronymic, a.patronymic) AS patronymic,
                CASE WHEN p.id IS NULL AND lp.id IS NULL AND g.surname IS NULL THEN 0 ELSE 1 END AS confirmed
            \(joins) \(filter)
            ORDER BY CASE WHEN m.admin IN \(Self.adminMarks) THEN 0 ELSE 1 END, surname, given_name, m.person_id, m.account_id
            LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        let items = try rows.map { row in
            let membership = try Self.membership(from: row)
            let name = PersonName(
                surname: try row.optionalString("surname") ?? "", givenName: try row.optionalString("given_name") ?? "",
                patronymic: try row.optionalString("patronymic") ?? "")
            let role = try row.optionalString("role").flatMap(RosterRole.init(rawValue:))
            return (membership, ChatMemberName(
                member: membership.member, name: name, role: role, accountID: try row.optionalID("account_id"),
                confirmed: try row.int("confirmed") == 1, viaInvite: try row.optionalID("via_invite")))
        }
        return Page(items: items, page: page.page, perPage: page.perPage, total: total)
    }

    // MARK: Events

    /// Appends one event to each chat's log with the chat's next sequence number.
    /// Appends events, each at its chat's next sequence number; returns those numbers in order.
    @discardableResult
    public func appendChatEvents(_ events: [(chat: ChatID, event: ChatEvent)], organization: OrganizationID, now: Date) async throws -> [Int64] {
        try await appendChatEvents(events.map { ($0.chat, $0.event.kind, $0.event.payload) }, organization: organization, now: now)
    }

    /// Appends events given as kind and JSON payload (`ChatEvent` derives both).
    @discardableResult
    public func appendChatEvents(_ events: [(chat: ChatID, kind: String, payload: String)], organization: OrganizationID, now: Date) async throws -> [Int64] {
        // One UPDATE … RETURNING per distinct event count reserves every chat's sequence numbers.
        var counts: [ChatID: Int64] = [:]
        for event in events { counts[event.chat, default: 0] += 1 }
        var next: [ChatID: Int64] = [:]
        for (count, chats) in Dictionary(grouping: counts.keys, by: { counts[$0]! }) {
            for chunk in chats.sorted().chunked(400) {
                let rows = try await sql.raw("""
                    UPDATE chats SET last_seq = last_seq + \(bind: count) WHERE id IN \(Self.ids(chunk)) RETURNING id, last_seq
                    """).all()
                for row in rows { next[try row.id("id")] = try row.int64("last_seq") - count + 1 }
            }
        }
        var rows: [SQLGroupExpression] = []
        var seqs: [Int64] = []
        for event in events {
            guard let seq = next[event.chat] else { throw StoreError.missingRow("chat \(event.chat)") }
            next[event.chat] = seq + 1
            touchedChats?.insert(event.chat, ChatTouch(firstSeq: seq, membership: ChatEvent.changesMembership(kind: event.kind)))
            seqs.append(seq)
            rows.append(SQLGroupExpression([
                SQLBind(organization.rawValue), SQLBind(event.chat.rawValue), SQLBind(seq), SQLBind(now.millis),
                SQLBind(event.kind), SQLBind(event.payload),
            ]))
        }
        for chunk in rows.chunked(300) {
            try await sql.raw("INSERT INTO chat_events (organization_id, chat_id, seq, at, kind, payload) VALUES \(SQLList(Array(chunk)))").run()
        }
        return seqs
    }

    /// A chat's events after `seq`, oldest first.
    public func chatEvents(_ chat: ChatID, after seq: Int64 = 0, limit: Int = 500) async throws -> [ChatEventRecord] {
        try await sql.raw("""
            SELECT chat_id, seq, at, kind, payload FROM chat_events WHERE chat_id = \(bind: chat.rawValue) AND seq > \(bind: seq)
            ORDER BY seq LIMIT \(bind: limit)
            """).all().map {
            ChatEventRecord(chat: try $0.id("chat_id"), seq: try $0.int64("seq"), at: try $0.date("at"), kind: try $0.string("kind"),
                            payload: try $0.string("payload"))
        }
    }

    // MARK: Listing

    public func listChats(of organization: OrganizationID, filter: ChatListFilter, page: PageRequest) async throws -> Page<ChatSummary> {
        var conditions: [any SQLExpression] = [
            SQLQueryString("c.organization_id = \(bind: organization.rawValue)"), SQLRaw("c.deleted_at IS NULL"),
            SQLQueryString("c.kind IN \(Self.managedKinds)"),
        ]
        if !filter.kinds.isEmpty {
            conditions.append(SQLQueryString("c.kind IN \(SQLGroupExpression(filter.kinds.map { SQLBind($0.rawValue) }))"))
        }
        for word in filter.nameWords {
            conditions.append(SQLQueryString("c.search_name LIKE \(bind: SearchText.containsPattern(word)) ESCAPE '\\'"))
        }
        if let ids = filter.ids {
            conditions.append(ids.isEmpty ? SQLRaw("1 = 0") : SQLQueryString("c.id IN \(Self.ids(ids))"))
        }
        if let surname = filter.memberSurname {
            conditions.append(SQLQueryString("""
                c.id IN (SELECT m.chat_id FROM chat_members m JOIN roster_persons p ON p.id = m.person_id
                         WHERE p.search_name LIKE \(bind: SearchText.prefixPattern(surname)) ESCAPE '\\')
                """))
        }
        // The chats ChatPermissions lets a non-administrator manage, as SQL: a homeroom teacher's
        // class chats, a subject teacher's subject chats, and chats they administer.
        if let scope = filter.manageable {
            var any: [any SQLExpression] = []
            if !scope.homeroomClasses.isEmpty {
                let kinds = SQLGroupExpression(ChatPermissions.homeroomKinds.map { SQLBind($0.rawValue) })
                any.append(SQLQueryString("(c.kind IN \(kinds) AND c.class_id IN \(Self.ids(scope.homeroomClasses)))"))
            }
            for teaching in scope.teaching {
                any.append(SQLQueryString("""
                    (c.kind = \(bind: ChatKind.subject.rawValue) AND c.class_id = \(bind: teaching.classID.rawValue) AND c.subject_id = \(bind: teaching.subjectID.rawValue))
                    """))
            }
            var mine: [any SQLExpression] = []
            if !scope.persons.isEmpty { mine.append(SQLQueryString("m.person_id IN \(Self.ids(scope.persons))")) }
            if let account = scope.account { mine.append(SQLQueryString("(m.person_id IS NULL AND m.account_id = \(bind: account.rawValue))")) }
            if !mine.isEmpty {
                any.append(SQLQueryString("""
                    c.id IN (SELECT m.chat_id FROM chat_members m WHERE m.admin IN \(Self.adminMarks) AND (\(SQLList(mine, separator: SQLRaw(" OR ")))))
                    """))
            }
            conditions.append(any.isEmpty ? SQLRaw("1 = 0") : SQLGroupExpression(SQLList(any, separator: SQLRaw(" OR "))))
        }
        let predicate = SQLList(conditions, separator: SQLRaw(" AND "))
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM chats c WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.chatColumns), y.name AS year_name, k.grade, k.letter,
                (SELECT COUNT(*) FROM chat_members m WHERE m.chat_id = c.id) AS member_count,
                (SELECT COUNT(*) FROM chat_members m WHERE m.chat_id = c.id AND m.account_id IS NULL) AS pending_count
            FROM chats c
            LEFT JOIN school_years y ON y.id = c.school_year_id
            LEFT JOIN classes k ON k.id = c.class_id
            WHERE \(predicate)
            ORDER BY c.search_name, c.id LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        var items: [ChatSummary] = try rows.map { row in
            let grade = try row.decode(column: "grade", as: Int64?.self)
            let className = try grade.map { ClassLabel(grade: Int($0), letter: try row.string("letter")).description }
            return ChatSummary(
                chat: try Self.chat(from: row), memberCount: try row.int("member_count"), pendingCount: try row.int("pending_count"),
                className: className, schoolYearName: try row.optionalString("year_name"), admins: [])
        }
        let admins = try await chatAdmins(items.map(\.chat.id), in: organization)
        for index in items.indices { items[index].admins = admins[items[index].chat.id] ?? [] }
        return Page(items: items, page: page.page, perPage: page.perPage, total: total)
    }

    /// The admins of some chats, with names.
    public func chatAdmins(_ chats: [ChatID], in organization: OrganizationID) async throws -> [ChatID: [ChatMemberName]] {
        guard !chats.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT chat_id, person_id, account_id, via_roster, via_hand, admin FROM chat_members
            WHERE chat_id IN \(Self.ids(chats)) AND admin IN \(Self.adminMarks)
            """).all()
        let pairs = try rows.map { (try $0.id("chat_id", as: ChatID.self), try Self.membership(from: $0).member) }
        let names = try await memberNames(pairs.map(\.1), in: organization)
        var result: [ChatID: [ChatMemberName]] = [:]
        for (chat, ref) in pairs {
            if let name = names[ref] { result[chat, default: []].append(name) }
        }
        for key in result.keys { result[key]?.sort { $0.name.full < $1.name.full } }
        return result
    }

    // MARK: Picker

    static func pickerPredicate(_ organization: OrganizationID, _ filter: PickerFilter) -> SQLList {
        let date = filter.date.iso
        let enrolledOn = SQLQueryString("ep.start_date <= \(bind: date) AND (ep.end_date IS NULL OR ep.end_date > \(bind: date))")
        var conditions: [any SQLExpression] = [
            SQLQueryString("p.organization_id = \(bind: organization.rawValue)"), SQLQueryString("p.active = \(bind: true)"),
        ]
        switch filter.roleGroup {
        case .staff: conditions.append(SQLRaw("p.role IN ('teacher', 'employee')"))
        case .students: conditions.append(SQLRaw("p.role = 'student'"))
        case .parents: conditions.append(SQLRaw("p.role = 'parent'"))
        case nil: break
        }
        if let gender = filter.gender { conditions.append(SQLQueryString("p.gender = \(bind: gender.rawValue)")) }
        if let surname = filter.surname {
            conditions.append(SQLQueryString("p.search_name LIKE \(bind: SearchText.prefixPattern(surname)) ESCAPE '\\'"))
        }
        for word in filter.words {
            conditions.append(SQLQueryString("p.search_name LIKE \(bind: SearchText.containsPattern(word)) ESCAPE '\\'"))
        }
        if let classID = filter.classID {
            let c = classID.rawValue
            conditions.append(SQLQueryString("""
                (p.id IN (SELECT ep.student_id FROM enrollment_periods ep WHERE ep.class_id = \(bind: c) AND \(enrolledOn))
                 OR p.id IN (SELECT g.parent_id FROM guardianships g JOIN enrollment_periods ep ON ep.student_id = g.student_id
                             WHERE ep.class_id = \(bind: c) AND \(enrolledOn))
                 OR p.id IN (SELECT homeroom_teacher_id FROM classes WHERE id = \(bind: c) AND homeroom_teacher_id IS NOT NULL)
                 OR p.id IN (SELECT teacher_id FROM teaching_assignments WHERE class_id = \(bind: c)))
                """))
        }
        if let ids = filter.ids {
            conditions.append(ids.isEmpty ? SQLRaw("1 = 0") : SQLQueryString("p.id IN \(Self.ids(ids))"))
        }
        return SQLList(conditions, separator: SQLRaw(" AND "))
    }

    /// One page of the picker: people by name, each with whether they are already in `chat`.
    public func pickPersons(
        of organization: OrganizationID, filter: PickerFilter, chat: ChatID, page: PageRequest
    ) async throws -> Page<(person: RosterPerson, isMember: Bool)> {
        let predicate = Self.pickerPredicate(organization, filter)
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM roster_persons p WHERE \(predicate)").first()!.int("n")
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns),
                (SELECT COUNT(*) FROM chat_members m WHERE m.chat_id = \(bind: chat.rawValue) AND m.person_id = p.id) AS member
            FROM roster_persons p WHERE \(predicate)
            ORDER BY p.search_name, p.id LIMIT \(bind: page.perPage) OFFSET \(bind: page.offset)
            """).all()
        let items = try rows.map { (try Self.person(from: $0), try $0.int("member") > 0) }
        return Page(items: items, page: page.page, perPage: page.perPage, total: total)
    }

    /// Every person the picker's query matches (for "add all N matching"), at most `limit`.
    public func pickPersonIDs(of organization: OrganizationID, filter: PickerFilter, limit: Int) async throws -> [RosterPersonID] {
        try await sql.raw("""
            SELECT p.id FROM roster_persons p WHERE \(Self.pickerPredicate(organization, filter)) ORDER BY p.id LIMIT \(bind: limit)
            """).all().map { try $0.id("id") }
    }

    // MARK: Scope

    /// The classes a person's chats depend on: where they study (any period), lead, teach, or have
    /// children, and the classes of roster chats they are in now.
    public func classesTouching(_ persons: Set<RosterPersonID>) async throws -> Set<ClassID> {
        var result = Set<ClassID>()
        for chunk in persons.sorted().chunked(300) {
            let ids = Self.ids(chunk)
            let rows = try await sql.raw("""
                SELECT class_id FROM enrollment_periods WHERE student_id IN \(ids)
                UNION SELECT ep.class_id FROM enrollment_periods ep JOIN guardianships g ON g.student_id = ep.student_id WHERE g.parent_id IN \(ids)
                UNION SELECT id AS class_id FROM classes WHERE homeroom_teacher_id IN \(ids)
                UNION SELECT class_id FROM teaching_assignments WHERE teacher_id IN \(ids)
                UNION SELECT c.class_id FROM chat_members m JOIN chats c ON c.id = m.chat_id
                      WHERE m.person_id IN \(ids) AND m.via_roster = \(bind: true) AND c.class_id IS NOT NULL AND c.deleted_at IS NULL
                """).all()
            for row in rows { result.insert(try row.id("class_id")) }
        }
        return result
    }

    /// The active teachers of an organization (the staff room's members).
    public func teacherIDs(of organization: OrganizationID) async throws -> [RosterPersonID] {
        try await staffIDs(of: organization, roles: [.teacher])
    }

    /// The active staff of an organization: teachers and employees (or just `roles`).
    public func staffIDs(of organization: OrganizationID, roles: [RosterRole] = [.teacher, .employee]) async throws -> [RosterPersonID] {
        try await sql.raw("""
            SELECT id FROM roster_persons WHERE organization_id = \(bind: organization.rawValue)
              AND role IN \(SQLGroupExpression(roles.map { SQLBind($0.rawValue) })) AND active = \(bind: true)
            ORDER BY id
            """).all().map { try $0.id("id") }
    }

    /// Role, activity and link of some persons.
    public func personFacts(_ ids: Set<RosterPersonID>) async throws -> [RosterPersonID: ChatRoster.Person] {
        var result: [RosterPersonID: ChatRoster.Person] = [:]
        for chunk in ids.sorted().chunked(400) {
            let rows = try await sql.raw("SELECT id, role, active, account_id FROM roster_persons WHERE id IN \(Self.ids(chunk))").all()
            for row in rows {
                result[try row.id("id")] = ChatRoster.Person(
                    role: RosterRole(rawValue: try row.string("role")) ?? .employee, active: try row.bool("active"),
                    accountID: try row.optionalID("account_id"))
            }
        }
        return result
    }

    /// Enrollment periods of every student who was ever in one of `classes`.
    public func enrollmentPeriods(ofClasses classes: Set<ClassID>) async throws -> [RosterPersonID: [EnrollmentPeriod]] {
        var students = Set<RosterPersonID>()
        for chunk in classes.sorted().chunked(400) {
            let rows = try await sql.raw("SELECT DISTINCT student_id FROM enrollment_periods WHERE class_id IN \(Self.ids(chunk))").all()
            for row in rows { students.insert(try row.id("student_id")) }
        }
        return try await enrollmentPeriods(of: students.sorted())
    }

    /// Classes by id (any organization's ids are ignored).
    public func classes(_ ids: Set<ClassID>, in organization: OrganizationID) async throws -> [SchoolClass] {
        var result: [SchoolClass] = []
        for chunk in ids.sorted().chunked(400) {
            result += try await sql.raw("""
                SELECT \(unsafeRaw: Self.classColumns) FROM classes WHERE organization_id = \(bind: organization.rawValue) AND id IN \(Self.ids(chunk))
                """).all().map(Self.schoolClass(from:))
        }
        return result
    }

    // MARK: Dated changes

    public func chatsSyncedOn(_ organization: OrganizationID) async throws -> LocalDate? {
        try await sql.raw("SELECT synced_on FROM chat_sync WHERE organization_id = \(bind: organization.rawValue)").first()?.localDate("synced_on")
    }

    public func setChatsSyncedOn(_ organization: OrganizationID, _ date: LocalDate) async throws {
        try await sql.raw("DELETE FROM chat_sync WHERE organization_id = \(bind: organization.rawValue)").run()
        try await sql.raw("INSERT INTO chat_sync (organization_id, synced_on) VALUES (\(bind: organization.rawValue), \(bind: date.iso))").run()
    }

    /// Classes whose membership changes by date alone in (`after`, `through`]: an enrollment period
    /// starts or ends, or the class's school year ends.
    public func classesChangingByDate(of organization: OrganizationID, after: LocalDate, through: LocalDate) async throws -> Set<ClassID> {
        let rows = try await sql.raw("""
            SELECT ep.class_id FROM enrollment_periods ep JOIN classes c ON c.id = ep.class_id
            WHERE c.organization_id = \(bind: organization.rawValue)
              AND ((ep.start_date > \(bind: after.iso) AND ep.start_date <= \(bind: through.iso))
                OR (ep.end_date > \(bind: after.iso) AND ep.end_date <= \(bind: through.iso)))
            UNION
            SELECT c.id AS class_id FROM classes c JOIN school_years y ON y.id = c.school_year_id
            WHERE c.organization_id = \(bind: organization.rawValue) AND y.end_date >= \(bind: after.iso) AND y.end_date < \(bind: through.iso)
            """).all()
        return Set(try rows.map { try $0.id("class_id") })
    }
}

extension Store {
    // MARK: Exclusions

    /// People a person removed from some chats, by chat.
    public func exclusions(of chats: [ChatID]) async throws -> [ChatID: Set<ChatMemberRef>] {
        var result: [ChatID: Set<ChatMemberRef>] = [:]
        for chunk in chats.chunked(400) {
            let rows = try await sql.raw("""
                SELECT chat_id, person_id, account_id FROM chat_exclusions WHERE chat_id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let ref: ChatMemberRef = try row.optionalID("person_id").map(ChatMemberRef.person) ?? .account(try row.id("account_id"))
                result[try row.id("chat_id"), default: []].insert(ref)
            }
        }
        return result
    }

    public func exclude(_ refs: [ChatMemberRef], from chat: ChatID, now: Date) async throws {
        try await include(refs, in: chat)
        for chunk in refs.chunked(300) {
            let values = chunk.map { ref in
                SQLGroupExpression([
                    SQLBind(chat.rawValue), SQLBind(ref.personID?.rawValue), SQLBind(ref.accountID?.rawValue), SQLBind(now.millis),
                ])
            }
            try await sql.raw("INSERT INTO chat_exclusions (chat_id, person_id, account_id, excluded_at) VALUES \(SQLList(values))").run()
        }
    }

    /// Lifts exclusions (the person was added back by hand).
    public func include(_ refs: [ChatMemberRef], in chat: ChatID) async throws {
        for predicate in Self.memberPredicates([(chat, refs)]) {
            try await sql.raw("DELETE FROM chat_exclusions WHERE \(predicate)").run()
        }
    }
}

extension Store {
    /// Whether any of these persons, or this account's own row, administers `chat` (or, with
    /// `chat` nil, any chat of the organization).
    public func isChatAdmin(
        _ chat: ChatID?, persons: [RosterPersonID], account: AccountID?, organization: OrganizationID
    ) async throws -> Bool {
        var mine: [any SQLExpression] = []
        if !persons.isEmpty { mine.append(SQLQueryString("m.person_id IN \(Self.ids(persons))")) }
        if let account { mine.append(SQLQueryString("(m.person_id IS NULL AND m.account_id = \(bind: account.rawValue))")) }
        guard !mine.isEmpty else { return false }
        let chatCondition: SQLQueryString = chat.map { "AND c.id = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT 1 AS one FROM chat_members m JOIN chats c ON c.id = m.chat_id
            WHERE c.organization_id = \(bind: organization.rawValue) AND c.deleted_at IS NULL \(chatCondition)
              AND m.admin IN \(Self.adminMarks) AND (\(SQLList(mine, separator: SQLRaw(" OR "))))
            LIMIT 1
            """).first() != nil
    }
}

extension Store {
    /// Removes every chat of an organization with its members and events, as if none had been
    /// made (benchmarks measure "initialize chats" from nothing with it).
    public func deleteAllChats(of organization: OrganizationID) async throws {
        let org = organization.rawValue
        try await sql.raw("DELETE FROM chat_events WHERE organization_id = \(bind: org)").run()
        try await sql.raw("DELETE FROM chat_exclusions WHERE chat_id IN (SELECT id FROM chats WHERE organization_id = \(bind: org))").run()
        try await sql.raw("DELETE FROM chat_members WHERE chat_id IN (SELECT id FROM chats WHERE organization_id = \(bind: org))").run()
        try await sql.raw("DELETE FROM chats WHERE organization_id = \(bind: org)").run()
    }
}

extension Store {
    /// Every organization that has a school year (the ones whose chats can change by date).
    public func organizationsWithRoster() async throws -> [OrganizationID] {
        try await sql.raw("SELECT DISTINCT organization_id FROM school_years ORDER BY organization_id").all().map { try $0.id("organization_id") }
    }
}
