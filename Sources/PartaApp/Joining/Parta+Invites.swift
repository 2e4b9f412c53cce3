public import Foundation
import Logging
public import PartaDomain
import PartaStore

/// An invite as the administrator's list shows it.
public struct InviteView: Sendable, Equatable {
    public var invite: Invite
    public var status: Invite.Status
    /// `10А` for class invites.
    public var className: String?
    public var createdByName: PersonName?
    /// Whether its administrators can have the link shown again (`Parta.inviteLink`): it was sealed
    /// with a key this server has, and it still works.
    public var linkKept: Bool
}

/// An invite with its token: on creation, and when its administrators ask for the link again.
public struct IssuedInvite: Sendable, Equatable {
    public var token: String
    public var view: InviteView

    /// The path a person opens: `/join/<token>`.
    public var path: String { "/join/\(token)" }

    /// The link under the address people reach the server at.
    public func url(base: String) -> String {
        Secrets.link(base: base, path: path)
    }
}

/// What anyone holding an invite link sees before signing in and applying.
public struct InvitePreview: Sendable, Equatable {
    public var organization: OrganizationSummary
    public var role: RosterRole
    public var className: String?
    public var expiresAt: Date
}

/// Invite links (SPEC §2): created, listed and revoked by the organization's administrators.
extension Parta {
    /// Creates an invite for a role (and a class, for students and parents).
    public func createInvite(
        _ caller: Caller, organization id: OrganizationID, role: RosterRole, classID: ClassID?, expiresAt: Date? = nil,
        useLimit: InviteUseLimit = .default, note: String? = nil
    ) async throws -> IssuedInvite {
        let now = clock.now()
        let terms = try InviteRules.terms(
            role: role, classID: classID, expiresAt: expiresAt, useLimit: useLimit, note: note, now: now)
        let token = Secrets.newToken()
        if let account = caller.accountID { try checkRate(.invites, account.rawValue) }
        let view = try await database.write { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .manageInvites(id), in: store)
            if let classID, try await store.schoolClass(classID, in: id) == nil { throw PartaError.notFound("The class") }
            if let account = caller.accountID { try admit(.invites, account.rawValue) }
            let hash = Secrets.hashToken(token)
            let invite = try await store.insertInvite(
                organization: id, terms: terms, tokenHash: hash, sealedToken: config.sealing?.seal(token, context: "invite:" + hash),
                createdBy: caller.accountID, now: now)
            var details = ["role": role.rawValue, "expires_at": ISO8601DateFormatter().string(from: terms.expiresAt),
                           "max_uses": terms.maxUses.map(String.init) ?? "unlimited"]
            if let classID { details["class"] = "\(classID)" }
            try await audit(store, caller, .inviteCreated, organization: id, target: ("invite", "\(invite.id)"), details: details)
            return try await inviteViews([invite], organization: id, in: store)[0]
        }
        logger.info("invite.created", metadata: ["parta.organization.id": "\(id)", "parta.invite.id": "\(view.invite.id)"])
        return IssuedInvite(token: token, view: view)
    }

    /// An invite's link again, for its administrators: the token opened from its sealed copy.
    /// 410 with the reason for a link that no longer works; 409 `invite_link_not_kept` for one made
    /// before links were kept, or sealed under a key this server does not have.
    /// Each showing is audited: the link lets strangers apply.
    public func inviteLink(_ caller: Caller, organization id: OrganizationID, invite inviteID: InviteID) async throws -> IssuedInvite {
        try await database.write { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .manageInvites(id), in: store)
            guard let invite = try await store.invite(inviteID, in: id) else { throw PartaError.notFound("The invite") }
            try InviteRules.check(invite, organization: id, now: clock.now())
            guard let kept = try await store.sealedInviteTokens([inviteID])[inviteID],
                  let token = config.sealing?.open(kept.sealed, context: "invite:" + kept.tokenHash),
                  Secrets.constantTimeEquals(Secrets.hashToken(token), kept.tokenHash)
            else {
                throw PartaError.conflict(
                    "invite_link_not_kept",
                    "This invite's link was shown only when it was made and cannot be shown again. Make a new invite.")
            }
            try await audit(store, caller, .inviteLinkShown, organization: id, target: ("invite", "\(inviteID)"))
            return IssuedInvite(token: token, view: try await inviteViews([invite], organization: id, in: store)[0])
        }
    }

    /// The organization's invites, newest first; `usableOnly` leaves out expired, revoked and used-up ones.
    public func invites(
        _ caller: Caller, organization id: OrganizationID, usableOnly: Bool = false, page: PageRequest
    ) async throws -> Page<InviteView> {
        try await database.read { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .manageInvites(id), in: store)
            let found = try await store.listInvites(of: id, usableAt: usableOnly ? clock.now() : nil, page: page)
            return Page(
                items: try await inviteViews(found.items, organization: id, in: store), page: found.page,
                perPage: found.perPage, total: found.total)
        }
    }

    /// Revokes one invite; revoking it again changes nothing.
    public func revokeInvite(_ caller: Caller, organization id: OrganizationID, invite inviteID: InviteID) async throws -> InviteView {
        let now = clock.now()
        return try await database.write { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .manageInvites(id), in: store)
            guard var invite = try await store.invite(inviteID, in: id) else { throw PartaError.notFound("The invite") }
            if try await store.revokeInvite(inviteID, now: now) {
                invite.revokedAt = now
                try await audit(store, caller, .inviteRevoked, organization: id, target: ("invite", "\(inviteID)"),
                                details: ["uses": "\(invite.useCount)"])
            }
            return try await inviteViews([invite], organization: id, in: store)[0]
        }
    }

    /// Revokes, in one action, every invite still usable that nobody has used. Returns how many.
    public func revokeUnusedInvites(_ caller: Caller, organization id: OrganizationID) async throws -> Int {
        let now = clock.now()
        return try await database.write { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .manageInvites(id), in: store)
            let revoked = try await store.revokeUnusedInvites(of: id, now: now)
            for inviteID in revoked {
                try await audit(store, caller, .inviteRevoked, organization: id, target: ("invite", "\(inviteID)"),
                                details: ["uses": "0", "bulk": "true"])
            }
            return revoked.count
        }
    }

    /// What an invite link leads to, for anyone holding it (signed in or not). Throws the reason
    /// an invite is no longer usable: revoked, used up or expired.
    public func previewInvite(token: String) async throws -> InvitePreview {
        try await database.read { store in
            let invite = try await usableInvite(token, organization: nil, in: store)
            guard let organization = try await summary(of: invite.organizationID, in: store) else {
                throw PartaError.notFound("The organization")
            }
            let className = try await invite.classID.asyncMap { try await store.schoolClass($0, in: invite.organizationID)?.name }
            return InvitePreview(
                organization: organization, role: invite.role, className: className ?? nil, expiresAt: invite.expiresAt)
        }
    }

    /// The invite behind a token, checked for use now (and for `organization`, when given).
    func usableInvite(_ token: String, organization: OrganizationID?, in store: Store) async throws -> Invite {
        guard Secrets.looksLikeToken(token), let invite = try await store.invite(tokenHash: Secrets.hashToken(token)) else {
            throw PartaError.notFound("This invite")
        }
        try InviteRules.check(invite, organization: organization, now: clock.now())
        return invite
    }

    func inviteViews(_ invites: [Invite], organization: OrganizationID, in store: Store) async throws -> [InviteView] {
        let classes = try await classNames(of: organization, in: store)
        let creators = try await store.names(of: Array(Set(invites.compactMap(\.createdBy))), in: organization)
        let sealed = try await store.sealedInviteTokens(invites.map(\.id))
        let now = clock.now()
        return invites.map { invite in
            let status = invite.status(at: now)
            return InviteView(
                invite: invite, status: status, className: invite.classID.flatMap { classes[$0] },
                createdByName: invite.createdBy.flatMap { creators[$0]?.name },
                linkKept: status == .active && sealed[invite.id].map { config.sealing?.canOpen($0.sealed) == true } == true)
        }
    }

    /// `10А` by class id, for every class of the organization.
    func classNames(of organization: OrganizationID, in store: Store) async throws -> [ClassID: String] {
        Dictionary(uniqueKeysWithValues: try await store.classes(of: organization).map { ($0.id, $0.name) })
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
