public import Foundation
import Logging
import PartaDomain
import PartaStore
public import ServiceLifecycle

/// Background housekeeping under the server's lifecycle: deletes sign-in codes past every
/// rate-limit window and sessions past their idle lifetime, uploads no message carries a day
/// after they came (and their files), and lets dated roster changes (an enrollment from a later
/// day, a withdrawal, the end of a school year) reach the links and the chats on their day.
public struct Maintenance: Service, CustomStringConvertible {
    public var description: String { "Maintenance" }

    let parta: Parta
    let interval: Duration
    /// Where attached files live; `nil` leaves files alone (the rows still go).
    let files: AttachmentFiles?
    /// Folders of uploads being received (imports) and spreadsheets being written (exports): what a
    /// crash left there for a day goes.
    let spoolFolders: [URL]
    /// Uploads kept for sending before housekeeping removes them.
    static let unsentUploadLifetime: TimeInterval = 86_400

    public init(parta: Parta, files: AttachmentFiles? = nil, spoolFolders: [URL] = [], interval: Duration = .seconds(3600)) {
        self.parta = parta
        self.files = files
        self.spoolFolders = spoolFolders
        self.interval = interval
    }

    /// Waits one interval (so the first pass never races the start-up migration), then works
    /// every interval until the server shuts down; every 24th pass also looks for files on disk
    /// that no upload refers to (left by a crash between writing and recording).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var passes = 0
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                passes += 1
                do {
                    _ = try await runOnce(sweepFiles: passes % 24 == 1)
                } catch {
                    parta.logger.warning("maintenance.failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// One pass; returns what was deleted.
    @discardableResult
    public func runOnce(sweepFiles: Bool = false) async throws -> (codes: Int, sessions: Int, files: Int) {
        let now = parta.clock.now()
        let codeCutoff = now.addingTimeInterval(-2 * 86_400)
        let sessionCutoff = now.addingTimeInterval(-parta.config.sessions.idleLifetime)
        let uploadCutoff = now.addingTimeInterval(-Self.unsentUploadLifetime)
        let (codes, sessions, orphaned) = try await parta.database.write { store in
            (try await store.deleteSignInCodes(before: codeCutoff), try await store.deleteIdleSessions(before: sessionCutoff),
             try await store.deleteUnsentAttachments(before: uploadCutoff))
        }
        // After the rows: a file goes only when no upload refers to its content any more — asked
        // again right before, so an upload of the same content recorded meanwhile keeps it.
        var removedFiles = 0
        if let files {
            var candidates = orphaned
            if sweepFiles { candidates += files.untouchedContents(grace: 3_600, now: Date()) }
            let kept = try await parta.database.read { store in try await store.referencedContents(candidates) }
            removedFiles = files.remove(candidates.filter { !kept.contains($0) }, grace: 3_600, now: Date())
        }
        for folder in spoolFolders {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                let path = folder.appendingPathComponent(name).path
                let touched = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
                if let touched, Date().timeIntervalSince(touched) > 86_400, (try? FileManager.default.removeItem(atPath: path)) != nil {
                    removedFiles += 1
                }
            }
        }
        if codes > 0 || sessions > 0 || !orphaned.isEmpty || removedFiles > 0 {
            parta.logger.info("maintenance.done", metadata: [
                "parta.codes_deleted": "\(codes)", "parta.sessions_deleted": "\(sessions)",
                "parta.uploads_forgotten": "\(orphaned.count)", "parta.files_deleted": "\(removedFiles)",
            ])
        }
        let result = (codes: codes, sessions: sessions, files: removedFiles)
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
