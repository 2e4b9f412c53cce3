public import Foundation
public import PartaDomain
import Synchronization

/// The rate limits of one server process, kept in memory: a bucket per rule for each account (or
/// API key) that acted lately. Limits are per node and start afresh when the server restarts; the
/// upload quota, which must hold across both, is counted in the database instead.
public final class RateLimiter: Sendable {
    struct Key: Hashable {
        var kind: RateKind
        var subject: Int64
    }

    private struct State {
        var buckets: [Key: [RateBucket]] = [:]
        var admitted = 0
    }

    private let state = Mutex(State())
    /// How many admissions between sweeps of buckets that are full again.
    static let sweepEvery = 4_096

    public init() {}

    /// Throws 429 when `subject` has no `kind` action left now, without spending one: a flood is
    /// turned away before it takes the database's writer; the action is spent once it is valid.
    public func check(_ kind: RateKind, subject: Int64, limits: RateLimits, now: Date) throws(PartaError) {
        guard let rules = limits.rules[kind], !rules.isEmpty else { return }
        let wait = state.withLock { state in
            zip(state.buckets[Key(kind: kind, subject: subject)] ?? [], rules).map { $0.wait($1, now: now) }.max() ?? 0
        }
        if wait > 0 { throw RateLimits.refusal(kind, wait: wait) }
    }

    /// Spends one action of `kind` for `subject` under `limits`, or throws 429 with how long to wait.
    public func admit(_ kind: RateKind, subject: Int64, limits: RateLimits, now: Date) throws(PartaError) {
        guard let rules = limits.rules[kind], !rules.isEmpty else { return }
        let wait = state.withLock { state in
            let key = Key(kind: kind, subject: subject)
            var buckets = state.buckets[key] ?? []
            let wait = limits.admit(kind, buckets: &buckets, now: now)
            state.buckets[key] = buckets
            state.admitted += 1
            if state.admitted % Self.sweepEvery == 0 {
                state.buckets = state.buckets.filter { key, buckets in
                    let rules = limits.rules[key.kind] ?? []
                    return !zip(buckets, rules).allSatisfy { $0.isFull($1, now: now) }
                }
            }
            return wait
        }
        if wait > 0 { throw RateLimits.refusal(kind, wait: wait) }
    }

    /// Buckets held (for tests: idle ones are forgotten).
    var count: Int { state.withLock { $0.buckets.count } }
}

/// At most `capacity` holders at a time; a caller over it is turned away, not queued.
final class CountingGate: Sendable {
    private let held = Mutex(0)
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func enter() -> Bool {
        held.withLock { held in
            guard held < capacity else { return false }
            held += 1
            return true
        }
    }

    func leave() {
        held.withLock { $0 -= 1 }
    }
}
