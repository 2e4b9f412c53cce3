public import Foundation
import Logging
public import PartaDomain
import PartaStore

/// A running call as one of its participants sees it: who is in it (with the school's names —
/// never the names browsers tell the media server), their roles and raised hands, and when the
/// host last muted everyone.
public struct CallState: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        /// The id of their feed in the room (the tile to name).
        public var participant: Int64
        public var account: AccountID
        public var name: String
        public var role: CallRole
        public var handRaisedAt: Date?

        public init(participant: Int64, account: AccountID, name: String, role: CallRole, handRaisedAt: Date?) {
            self.participant = participant
            self.account = account
            self.name = name
            self.role = role
            self.handRaisedAt = handRaisedAt
        }
    }

    public var call: Call
    public var me: Person
    /// In order of entering; observers only to hosts.
    public var people: [Person]
    public var mutedAllAt: Date?
}

/// Inside a running call (SPEC §7): the state every participant polls, raising a hand, and the
/// host's controls — mute everyone, remove someone. Only those present in the call reach it; to
/// anyone else the call does not exist (404). Rules: `CallModeration`.
extension Parta {
    /// The caller's presence in an open call, the call and everyone present; 404 when the caller
    /// is not in it, 410 `call_over` once it ended, 403 `removed_from_call` after a removal.
    func presence(_ account: AccountID, call id: CallID, in store: Store) async throws -> (OpenCall, CallPresence, [CallPresence]) {
        guard let call = try await store.openCalls(ids: [id]).first else {
            if try await store.wasRemoved(call: id, account: account) { throw Self.removedFromCall }
            if try await store.call(id) != nil, try await store.stays(call: id).contains(where: { $0.accountID == account }) {
                throw PartaError(.gone, code: "call_over", message: "The call is over.")
            }
            throw PartaError.notFound("The call")
        }
        let present = try await store.presences(call: id)
        guard let me = present.first(where: { $0.account == account }) else {
            if try await store.wasRemoved(call: id, account: account) { throw Self.removedFromCall }
            throw PartaError.notFound("The call")
        }
        return (call, me, present)
    }

    static let removedFromCall = PartaError(.forbidden, code: "removed_from_call", message: "The call's host removed you from this call.")

    public func callState(_ principal: Principal, call id: CallID) async throws -> CallState {
        try await database.read { store in
            let (call, me, present) = try await presence(principal.account.id, call: id, in: store)
            let role = CallRole(rawValue: me.role) ?? .member
            let names = try await store.names(of: present.map(\.account), in: call.call.organizationID)
            func person(_ p: CallPresence) -> CallState.Person {
                CallState.Person(participant: p.participant, account: p.account, name: names[p.account]?.name.short ?? "—",
                                 role: CallRole(rawValue: p.role) ?? .member, handRaisedAt: p.handRaisedAt)
            }
            let visible = present.filter {
                CallModeration.lists(CallRole(rawValue: $0.role) ?? .member, to: role, isSelf: $0.account == me.account)
            }
            return CallState(call: call.call, me: person(me), people: visible.map(person), mutedAllAt: try await store.mutedAllAt(call: id))
        }
    }

    /// Raises or lowers the caller's hand.
    public func raiseHand(_ principal: Principal, call id: CallID, raised: Bool) async throws {
        try await database.write { store in
            let (_, me, _) = try await presence(principal.account.id, call: id, in: store)
            try CallModeration.decide(.raiseHand, role: CallRole(rawValue: me.role) ?? .member).check()
            _ = try await store.setHand(call: id, account: principal.account.id, raised: raised, now: clock.now())
        }
    }

    /// The host mutes everyone: each browser turns its microphone off when it sees this (and its
    /// person may turn it on again).
    public func muteEveryone(_ principal: Principal, call id: CallID) async throws {
        try await database.write { store in
            let (_, me, _) = try await presence(principal.account.id, call: id, in: store)
            try CallModeration.decide(.muteAll, role: CallRole(rawValue: me.role) ?? .member).check()
            try await store.setMutedAll(call: id, now: clock.now())
        }
    }

    /// The host puts someone out of the call: their token is withdrawn, Janus disconnects them,
    /// and they do not come back into this call (audited).
    public func removeFromCall(_ principal: Principal, call id: CallID, account target: AccountID) async throws {
        let now = clock.now()
        let (call, removed) = try await database.write { store in
            let (call, me, present) = try await presence(principal.account.id, call: id, in: store)
            guard let other = present.first(where: { $0.account == target }) else { throw PartaError.notFound("The participant") }
            try CallModeration.decide(.remove, role: CallRole(rawValue: me.role) ?? .member, target: CallRole(rawValue: other.role)).check()
            let removed = try await store.removeFromCall(call: id, account: target, now: now)
            try await audit(store, principal.caller(from: "calls"), .callParticipantRemoved, organization: call.call.organizationID,
                            target: ("call", "\(id)"), details: ["account": "\(target)"])
            return (call, removed)
        }
        if let removed { await withdrawQuietly(call, token: removed.token, participant: removed.participant) }
        logger.info("calls.participant_removed", metadata: ["parta.call.id": "\(id)", "parta.account.id": "\(target)"])
    }
}
