import Crypto
public import Foundation
public import NIOCore
public import PartaDomain
import PartaStore
import Synchronization

/// Where attached files live: `<data directory>/attachments/<first two hex digits>/<sha256>`,
/// one file per content whoever uploaded it. An upload is written to `tmp/` first and moved in
/// place only once complete, so a crash never leaves a partial file under a content name.
public struct AttachmentFiles: Sendable {
    public let root: URL

    public init(dataDirectory: String) {
        root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("attachments")
    }

    public func path(of sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    /// Where uploads are written while they arrive (`tmp/`, next to the kept files, so keeping one
    /// is a rename).
    public var temporaryDirectory: URL { root.appendingPathComponent("tmp") }

    /// Moves a complete upload to its content's place (or drops it when that content is there,
    /// marking the file as just used so housekeeping leaves it alone).
    public func keep(_ temporary: URL, sha256: String) throws {
        let target = path(of: sha256)
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) {
            try? manager.removeItem(at: temporary)
            try? manager.setAttributes([.modificationDate: Date()], ofItemAtPath: target.path)
            return
        }
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            try manager.moveItem(at: temporary, to: target)
        } catch where manager.fileExists(atPath: target.path) {
            // Another upload of the same content won the race.
            try? manager.removeItem(at: temporary)
        }
    }
}

extension AttachmentFiles {
    /// The content (SHA-256) of every kept file not touched within `grace`.
    public func untouchedContents(grace: TimeInterval, now: Date) -> [String] {
        let manager = FileManager.default
        var contents: [String] = []
        for folder in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] where folder.count == 2 {
            for name in (try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            where name.count == 64 && name.hasPrefix(folder) && name.allSatisfy(\.isHexDigit) {
                if isUntouched(path(of: name).path, grace: grace, now: now) { contents.append(name) }
            }
        }
        return contents
    }

    /// Removes the files of `contents` not touched within `grace` (an upload of the same content
    /// may be on its way in) and half-written uploads in `tmp/` older than a day; how many went.
    public func remove(_ contents: [String], grace: TimeInterval, now: Date) -> Int {
        let manager = FileManager.default
        var removed = 0
        for sha256 in contents where sha256.count == 64 && sha256.allSatisfy(\.isHexDigit) {
            let path = path(of: sha256).path
            if isUntouched(path, grace: grace, now: now), (try? manager.removeItem(atPath: path)) != nil { removed += 1 }
        }
        let tmp = temporaryDirectory
        for name in (try? manager.contentsOfDirectory(atPath: tmp.path)) ?? [] {
            let path = tmp.appendingPathComponent(name).path
            if isUntouched(path, grace: 86_400, now: now), (try? manager.removeItem(atPath: path)) != nil { removed += 1 }
        }
        return removed
    }

    private func isUntouched(_ path: String, grace: TimeInterval, now: Date) -> Bool {
        guard let touched = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date else { return false }
        return now.timeIntervalSince(touched) > grace
    }
}

/// Hashes and counts an upload as it streams through, and refuses it past the limit.
public final class UploadMeter: Sendable {
    private struct State {
        var hasher = SHA256()
        var size: Int64 = 0
    }

    private let state = Mutex(State())
    public let limit: Int64

    public init(limit: Int64) {
        self.limit = limit
    }

    /// Takes the next bytes, hashed in place; throws 413 once the upload is larger than the limit.
    public func add(_ buffer: ByteBuffer) throws(PartaError) {
        let over = state.withLock { state in
            buffer.withUnsafeReadableBytes { state.hasher.update(bufferPointer: $0) }
            state.size += Int64(buffer.readableBytes)
            return state.size > limit
        }
        if over { throw Self.tooLarge(limit) }
    }

    public func add(_ bytes: [UInt8]) throws(PartaError) {
        try add(ByteBuffer(bytes: bytes))
    }

    public static func tooLarge(_ limit: Int64) -> PartaError {
        PartaError(.payloadTooLarge, code: "file_too_large", message: "A file may be at most \(limit / (1 << 20)) MB.", details: ["max_bytes": .int(Int(limit))])
    }

    /// The content's SHA-256 in hex and its size.
    public func finish() -> (sha256: String, size: Int64) {
        state.withLock { state in
            (Secrets.hex(state.hasher.finalize()), state.size)
        }
    }
}

/// Attachments (SPEC §6): uploaded by a member, sent with a message, downloaded by the members of
/// a chat where it was sent.
extension Parta {
    /// Whether `principal` may upload now, checked before the body is read: only members of an
    /// organization upload (403), within the upload rate (429) and the daily quota, counting the
    /// declared size when there is one (429 `upload_quota_exceeded`, 413 for a file larger than it).
    public func admitUpload(_ principal: Principal, declaredSize: Int64?) async throws {
        let me = principal.account.id
        let now = clock.now()
        let quota = config.limits.uploadBytesPerDay
        try await database.read { store in
            guard try await !store.roleGrants(of: me).isEmpty else {
                throw PartaError.forbidden("Only members of a school upload files.")
            }
            let recent = try await store.uploads(by: me, since: now.addingTimeInterval(-86_400))
            try AttachmentRules.checkQuota(adding: declaredSize ?? 1, recent: recent, quota: quota, now: now)
        }
        try admit(.uploads, me.rawValue)
    }

    /// Records a complete upload of `account` (the file is already in place), if it still fits the
    /// daily quota with its real size.
    public func registerAttachment(
        _ principal: Principal, sha256: String, size: Int64, contentType: String?, name: String?
    ) async throws -> Attachment {
        try AttachmentRules.checkSize(size)
        let now = clock.now()
        let quota = config.limits.uploadBytesPerDay
        return try await database.write { store in
            try await store.lock("uploads:\(principal.account.id)")
            let recent = try await store.uploads(by: principal.account.id, since: now.addingTimeInterval(-86_400))
            try AttachmentRules.checkQuota(adding: size, recent: recent, quota: quota, now: now)
            return try await store.insertAttachment(
                sha256: sha256, size: size, contentType: AttachmentRules.cleanContentType(contentType), name: AttachmentRules.cleanName(name),
                uploadedBy: principal.account.id, now: now)
        }
    }

    /// Forgets an upload whose file could not be kept.
    public func forgetAttachment(_ id: AttachmentID) async throws {
        try await database.write { store in try await store.deleteAttachment(id) }
    }

    /// The attachment, when `principal` may download it: 404 when there is none, 403 for someone
    /// who is not in a chat where it was sent.
    public func downloadableAttachment(_ principal: Principal, id: AttachmentID) async throws -> Attachment {
        try await database.read { store in
            guard let attachment = try await store.attachments([id])[id] else { throw PartaError.notFound("The file") }
            let member = try await store.isMemberOfAChat(with: id, account: principal.account.id)
            try AttachmentRules.mayDownload(uploader: attachment.uploadedBy, account: principal.account.id, memberOfAChatWithIt: member).check()
            return attachment
        }
    }
}
