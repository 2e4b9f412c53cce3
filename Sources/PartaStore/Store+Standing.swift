public import Foundation
public import PartaDomain
import SQLKit

/// A roster person's link as the standing rule sees it: linked now, or suspended (the account it
/// gets back when it stands again).
public struct PersonLink: Sendable, Equatable {
    public var person: RosterPerson
    public var suspendedAccount: AccountID?
}

/// A direct chat between two accounts: as `directChats(of:)` answers, `peer` is the other side
/// than the account asked about; `other`, when set, is the first side.
public struct DirectChatRef: Sendable, Equatable {
    public var chat: ChatID
    public var peer: AccountID
    public var closed: Bool
    public var other: AccountID

    public init(chat: ChatID, peer: AccountID, closed: Bool, other: AccountID) {
        self.chat = chat
        self.peer = peer
        self.closed = closed
        self.other = other
    }
}

extension Store {
    // MARK: Standing

    /// People by id with their links (only those of `organization`).
    public func personLinks(_ ids: Set<RosterPersonID>, in organization: OrganizationID) async throws -> [RosterPersonID: PersonLink] {
        var result: [RosterPersonID: PersonLink] = [:]
        for chunk in Array(ids).chunked(400) {
            let rows = try await sql.raw("""
                SELECT \(unsafeRaw: Self.personColumns), p.suspended_account_id FROM roster_persons p
                WHERE p.organization_id = \(bind: organization.rawValue) AND p.id IN \(Self.ids(chunk))
                """).all()
            for row in rows {
                let person = try Self.person(from: row)
                result[person.id] = PersonLink(person: person, suspendedAccount: try row.optionalID("suspended_account_id"))
            }
        }
        return result
    }

    /// Everyone of an organization who is linked to an account or suspended from one: whom a sweep
    /// of the standing rule looks at.
    public func linkedOrSuspendedPersons(of organization: OrganizationID) async throws -> Set<RosterPersonID> {
        Set(try await sql.raw("""
            SELECT id FROM roster_persons WHERE organization_id = \(bind: organization.rawValue)
              AND (account_id IS NOT NULL OR suspended_account_id IS NOT NULL)
            """).all().map { try $0.id("id") })
    }

    /// Remembers (or forgets, with `nil`) the account a person was suspended from.
    public func setSuspendedAccount(_ account: AccountID?, for person: RosterPersonID, now: Date) async throws {
        try await sql.raw("""
            UPDATE roster_persons SET suspended_account_id = \(bind: account?.rawValue), updated_at = \(bind: now.millis)
            WHERE id = \(bind: person.rawValue)
            """).run()
    }

    /// The persons of an organization suspended from `account`.
    public func persons(suspendedFrom account: AccountID, in organization: OrganizationID) async throws -> [RosterPerson] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.personColumns) FROM roster_persons p
            WHERE p.suspended_account_id = \(bind: account.rawValue) AND p.organization_id = \(bind: organization.rawValue)
            """).all().map(Self.person(from:))
    }

    /// Roles other than administrator that no linked roster person of the organization gives:
    /// what versions before every member was a roster person wrote (`attachMember`, the demo).
    public func rolesWithoutPersons() async throws -> [(organization: OrganizationID, account: AccountID, role: OrganizationRole)] {
        try await sql.raw("""
            SELECT r.organization_id, r.account_id, r.role FROM organization_roles r
            WHERE r.role <> \(bind: OrganizationRole.administrator.rawValue) AND NOT EXISTS (
                SELECT 1 FROM roster_persons p
                WHERE p.organization_id = r.organization_id AND p.account_id = r.account_id AND p.role = r.role)
            ORDER BY r.organization_id, r.account_id, r.role
            """).all().compactMap { row in
            guard let role = OrganizationRole(rawValue: try row.string("role")) else { return nil }
            return (try row.id("organization_id"), try row.id("account_id"), role)
        }
    }

    // MARK: An account in an organization's chats

    /// The live chats of `organization`, other than direct chats, where `account` has a row of its
    /// own (not through a person): an administrator's place in the staff room, chats it created or
    /// was added to as itself.
    public func accountRowChats(of account: AccountID, in organization: OrganizationID) async throws -> [ChatID] {
        try await sql.raw("""
            SELECT m.chat_id FROM chat_members m JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL
            WHERE m.person_id IS NULL AND m.account_id = \(bind: account.rawValue)
              AND c.organization_id = \(bind: organization.rawValue) AND c.kind <> \(bind: ChatKind.direct.rawValue)
            ORDER BY m.chat_id
            """).all().map { try $0.id("chat_id") }
    }

    /// The live direct chats of `account` in `organization`, with the other side, whether or not
    /// the account is still a member.
    public func directChats(of account: AccountID, in organization: OrganizationID) async throws -> [DirectChatRef] {
        try await sql.raw("""
            SELECT d.chat_id, d.account_low, d.account_high, c.closed_at FROM direct_chats d
            JOIN chats c ON c.id = d.chat_id AND c.deleted_at IS NULL
            WHERE d.organization_id = \(bind: organization.rawValue)
              AND (d.account_low = \(bind: account.rawValue) OR d.account_high = \(bind: account.rawValue))
            ORDER BY d.chat_id
            """).all().map { row in
            let low: AccountID = try row.id("account_low")
            return DirectChatRef(
                chat: try row.id("chat_id"), peer: low == account ? try row.id("account_high") : low,
                closed: try row.optionalInt64("closed_at") != nil, other: account)
        }
    }

    /// Every open direct chat of an organization, with its two sides (the daily check).
    public func openDirectChats(in organization: OrganizationID) async throws -> [DirectChatRef] {
        try await sql.raw("""
            SELECT d.chat_id, d.account_low, d.account_high FROM direct_chats d
            JOIN chats c ON c.id = d.chat_id AND c.deleted_at IS NULL AND c.closed_at IS NULL
            WHERE d.organization_id = \(bind: organization.rawValue) ORDER BY d.chat_id
            """).all().map { row in
            DirectChatRef(chat: try row.id("chat_id"), peer: try row.id("account_low"), closed: false, other: try row.id("account_high"))
        }
    }

    /// Member rows of persons whose account mirror differs from the person's link (a change that
    /// half-applied): set right, by chat, with whether the person is linked now.
    public func repairMemberAccounts(in organization: OrganizationID) async throws -> [(chat: ChatID, person: RosterPersonID, linked: Bool)] {
        let rows = try await sql.raw("""
            SELECT m.chat_id, m.person_id, p.account_id FROM chat_members m
            JOIN chats c ON c.id = m.chat_id AND c.organization_id = \(bind: organization.rawValue)
            JOIN roster_persons p ON p.id = m.person_id
            WHERE m.account_id <> p.account_id OR (m.account_id IS NULL) <> (p.account_id IS NULL)
            """).all()
        var result: [(chat: ChatID, person: RosterPersonID, linked: Bool)] = []
        for row in rows {
            let person: RosterPersonID = try row.id("person_id")
            let account: AccountID? = try row.optionalID("account_id")
            try await sql.raw("""
                UPDATE chat_members SET account_id = \(bind: account?.rawValue)
                WHERE chat_id = \(bind: try row.int64("chat_id")) AND person_id = \(bind: person.rawValue)
                """).run()
            result.append((try row.id("chat_id"), person, account != nil))
        }
        return result
    }

    /// Accounts with a place in the organization's chats (their own rows, or direct chats) but no
    /// role there any more (a change that half-applied).
    public func accountsWithoutRoles(in organization: OrganizationID) async throws -> Set<AccountID> {
        Set(try await sql.raw("""
            SELECT DISTINCT m.account_id FROM chat_members m
            JOIN chats c ON c.id = m.chat_id AND c.organization_id = \(bind: organization.rawValue) AND c.deleted_at IS NULL
            WHERE m.person_id IS NULL AND m.account_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM organization_roles r
                              WHERE r.organization_id = \(bind: organization.rawValue) AND r.account_id = m.account_id)
            """).all().map { try $0.id("account_id") })
    }

    /// Closes a chat (kept to be read) or, with `nil`, opens it again.
    public func setChatClosed(_ chat: ChatID, at date: Date?) async throws {
        try await sql.raw("UPDATE chats SET closed_at = \(bind: date?.millis) WHERE id = \(bind: chat.rawValue)").run()
    }

    public func isClosed(_ chat: ChatID) async throws -> Bool {
        try await sql.raw("SELECT closed_at FROM chats WHERE id = \(bind: chat.rawValue)").first()?.optionalInt64("closed_at") != nil
    }

    /// Whether the account has a row in the chat.
    public func isMember(_ account: AccountID, of chat: ChatID) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS one FROM chat_members WHERE chat_id = \(bind: chat.rawValue) AND account_id = \(bind: account.rawValue)
            """).first() != nil
    }
}
