public import Foundation
import Logging
public import PartaDomain
import PartaStore
public import ServiceLifecycle

/// Weekly statistics snapshots (SPEC §8): taken at the schedule's moment (Friday 16:00 Moscow
/// time by default), by exactly one node; a node that was down takes the missed one when it
/// starts. Each organization's figures are stored, so any past week can be shown and compared.
extension Parta {
    /// How long a node may take a snapshot before another may take it over.
    static let snapshotClaim: TimeInterval = 30 * 60

    /// Takes the snapshot that is due at `now`, if any and if no other node takes it; answers
    /// the week taken.
    @discardableResult
    public func takeDueSnapshot() async throws -> StatisticsWeek? {
        let now = clock.now()
        let last = try await database.read { try await $0.latestSnapshot() }
        guard let week = config.statisticsSchedule.due(now: now, lastTaken: last) else { return nil }
        return try await takeSnapshot(week, asOf: config.statisticsSchedule.moment(in: week)) ? week : nil
    }

    /// Takes `week`'s snapshot as of `asOf` (the week's activity until then, the roster as it
    /// stands now). `false` when another node has it or it is done already.
    @discardableResult
    public func takeSnapshot(_ week: StatisticsWeek, asOf: Date) async throws -> Bool {
        let token = Secrets.newToken()
        let now = clock.now()
        let claimed = try await database.write { store in
            try await store.claimSnapshot(week, token: token, asOf: asOf, now: now, until: now.addingTimeInterval(Self.snapshotClaim))
        }
        guard claimed else { return false }
        let organizations = try await database.read { try await $0.statisticsOrganizations() }
        let earlier = try await database.read { try await $0.snapshots().first { $0.week < week }?.week }
        let counted = try await countFigures(organizations, week: week, asOf: asOf, earlier: earlier)
        try await database.write { store in
            try await store.saveFigures(counted, week: week)
        }
        let done = try await database.write { store in try await store.finishSnapshot(week, token: token, now: clock.now()) }
        logger.info("statistics.snapshot", metadata: ["parta.week": "\(week)", "parta.organizations": "\(organizations.count)", "done": "\(done)"])
        return done
    }
}

extension Parta {
    /// The figures of `organizations` for `week` as of `asOf`, with since when each has been
    /// active (carried from the `earlier` snapshot, `StatisticsRules.activeSince`).
    func countFigures(_ organizations: [StatisticsOrganization], week: StatisticsWeek, asOf: Date, earlier: StatisticsWeek?) async throws
        -> [(organization: StatisticsOrganization, figures: Figures)]
    {
        let before = try await database.read { store in try await earlier.asyncMap { try await Self.activeSince(in: store, week: $0) } ?? [:] }
        let counted = try await figures(of: organizations.map(\.id), week: week, asOf: asOf)
        return organizations.map { organization in
            var figures = counted[organization.id] ?? Figures()
            figures.activeSince = StatisticsRules.activeSince(
                active: figures.activeOrganizations == 1, week: week, earlier: earlier.map { ($0, before[organization.id]) })
            return (organization, figures)
        }
    }
}

/// Checks every minute whether the weekly snapshot is due, and takes it (a node that starts after
/// the moment takes it at its first check).
public struct StatisticsScheduler: Service, CustomStringConvertible {
    public var description: String { "StatisticsScheduler" }
    let parta: Parta
    let interval: Duration

    public init(parta: Parta, interval: Duration = .seconds(60)) {
        self.parta = parta
        self.interval = interval
    }

    /// Waits before each check — the first one too, so a server that refuses its database (an
    /// outdated or newer schema) shuts down without the scheduler holding it.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                do { try await parta.takeDueSnapshot() } catch {
                    parta.logger.warning("statistics.snapshot_failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
