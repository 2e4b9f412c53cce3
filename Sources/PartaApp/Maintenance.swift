import Foundation
import Logging
import PartaDomain
import PartaStore
public import ServiceLifecycle

/// Background housekeeping under the server's lifecycle: deletes sign-in codes past every
/// rate-limit window and sessions past their idle lifetime, and lets dated roster changes (an
/// enrollment from a later day, the end of a school year) reach the chats on their day.
public struct Maintenance: Service, CustomStringConvertible {
    public var description: String { "Maintenance" }

    let parta: Parta
    let interval: Duration

    public init(parta: Parta, interval: Duration = .seconds(3600)) {
        self.parta = parta
        self.interval = interval
    }

    /// Waits one interval (so the first pass never races the start-up migration), then works
    /// every interval until the server shuts down.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    _ = try await runOnce()
                } catch {
                    parta.logger.warning("maintenance.failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One pass; returns what was deleted.
    public func runOnce() async throws -> (codes: Int, sessions: Int) {
        let now = parta.clock.now()
        let codeCutoff = now.addingTimeInterval(-2 * 86_400)
        let sessionCutoff = now.addingTimeInterval(-parta.config.sessions.idleLifetime)
        let result = try await parta.database.write { store in
            (try await store.deleteSignInCodes(before: codeCutoff), try await store.deleteIdleSessions(before: sessionCutoff))
        }
        if result.0 > 0 || result.1 > 0 {
            parta.logger.info("maintenance.done", metadata: ["parta.codes_deleted": "\(result.0)", "parta.sessions_deleted": "\(result.1)"])
        }
        for organization in try await parta.database.read({ try await $0.organizationsWithRoster() }) {
            do {
                let report = try await parta.syncDatedChats(organization: organization)
                if !report.total.isEmpty {
                    parta.logger.info("chats.dated_sync", metadata: [
                        "parta.organization.id": "\(organization)", "parta.members_added": "\(report.total.membersAdded)",
                        "parta.members_removed": "\(report.total.membersRemoved)",
                    ])
                }
            } catch {
                parta.logger.warning("chats.dated_sync_failed", metadata: ["parta.organization.id": "\(organization)", "error": "\(error)"])
            }
        }
        return result
    }
}
