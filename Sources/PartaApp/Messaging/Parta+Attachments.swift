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

    /// A new file to write an upload into.
    public func temporaryFile() throws -> URL {
        let tmp = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        return tmp.appendingPathComponent(UUID().uuidString)
    }

    /// Moves a complete upload to its content's place (or drops it when that content is there).
    public func keep(_ temporary: URL, sha256: String) throws {
        let target = path(of: sha256)
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) {
            try? manager.removeItem(at: temporary)
            return
        }
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try manager.moveItem(at: temporary, to: target)
        } catch where manager.fileExists(atPath: target.path) {
            // Another upload of the same content won the race.
            try? manager.removeItem(at: temporary)
        }
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
    /// Records a complete upload of `account` (the file is already in place).
    public func registerAttachment(
        _ principal: Principal, sha256: String, size: Int64, contentType: String?, name: String?
    ) async throws -> Attachment {
        try AttachmentRules.checkSize(size)
        let now = clock.now()
        return try await database.write { store in
            try await store.insertAttachment(
                sha256: sha256, size: size, contentType: AttachmentRules.cleanContentType(contentType), name: AttachmentRules.cleanName(name),
                uploadedBy: principal.account.id, now: now)
        }
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
