public import Foundation

public typealias AttachmentID = Identifier<Attachment>

/// A file someone uploaded to send with a message. The bytes live once per content (by SHA-256)
/// in the data directory; this row says whose upload it is and how to present it.
public struct Attachment: Hashable, Sendable {
    public var id: AttachmentID
    public var sha256: String
    public var size: Int64
    public var contentType: String
    public var name: String
    public var uploadedBy: AccountID
    public var createdAt: Date

    public init(id: AttachmentID, sha256: String, size: Int64, contentType: String, name: String, uploadedBy: AccountID, createdAt: Date) {
        self.id = id
        self.sha256 = sha256
        self.size = size
        self.contentType = contentType
        self.name = name
        self.uploadedBy = uploadedBy
        self.createdAt = createdAt
    }

    public var ref: AttachmentRef { AttachmentRef(id: id, name: name, size: size, contentType: contentType) }
}

/// An attachment as a message shows it.
public struct AttachmentRef: Hashable, Sendable, Codable {
    public var id: AttachmentID
    public var name: String
    public var size: Int64
    public var contentType: String

    public init(id: AttachmentID, name: String, size: Int64, contentType: String) {
        self.id = id
        self.name = name
        self.size = size
        self.contentType = contentType
    }

    enum CodingKeys: String, CodingKey {
        case id, name, size
        case contentType = "content_type"
    }
}

/// What an upload may be called and typed, and who may download it (SPEC §6).
public enum AttachmentRules {
    /// Files one message carries at most.
    public static let maxPerMessage = 10
    public static let maxNameLength = 200

    /// A file name fit to store and to put in `Content-Disposition`: the last path component,
    /// without control characters, at most 200 characters; `file` when nothing is left.
    public static func cleanName(_ raw: String?) -> String {
        var name = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        name = String(name.unicodeScalars.filter {
            !CharacterSet.controlCharacters.contains($0) && !TextRules.isBidiControl($0) && $0 != "\""
        })
        name = name.trimmingCharacters(in: .whitespaces)
        if name.count > maxNameLength {
            let ext = name.split(separator: ".").last.map { ".\($0)" } ?? ""
            name = String(name.prefix(maxNameLength - min(ext.count, 20))) + (ext.count <= 20 ? ext : "")
        }
        return name.isEmpty || name == "." || name == ".." ? "file" : name
    }

    /// A media type as `type/subtype`, lowercased, without parameters; anything that does not
    /// look like one is `application/octet-stream`.
    public static func cleanContentType(_ raw: String?) -> String {
        let base = (raw ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let parts = base.split(separator: "/", omittingEmptySubsequences: false)
        let token = { (part: Substring) in
            !part.isEmpty && part.count <= 100 && part.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "!#$&-^_.+".unicodeScalars.contains($0)) }
        }
        guard parts.count == 2, token(parts[0]), token(parts[1]) else { return "application/octet-stream" }
        return base
    }

    /// Whether a browser may show the file inline rather than download it: images, audio, video
    /// and PDF; never HTML, SVG or anything scriptable.
    public static func isInline(_ contentType: String) -> Bool {
        if contentType == "image/svg+xml" { return false }
        return contentType.hasPrefix("image/") || contentType.hasPrefix("audio/") || contentType.hasPrefix("video/") || contentType == "application/pdf"
    }

    /// An upload worth keeping: not empty (the limit on size is the server's setting, enforced
    /// while the bytes stream in).
    public static func checkSize(_ size: Int64) throws(PartaError) {
        guard size > 0 else { throw PartaError.invalid("file_empty", "The file is empty.") }
    }

    /// The attachments of a new message: at most ten, each once, in the order given.
    public static func checkList(_ ids: [AttachmentID]) throws(PartaError) -> [AttachmentID] {
        var seen = Set<AttachmentID>()
        let unique = ids.filter { seen.insert($0).inserted }
        guard unique.count <= maxPerMessage else {
            throw PartaError.invalid(
                "too_many_attachments", "A message carries at most \(maxPerMessage) files.", details: ["max": .int(maxPerMessage)])
        }
        return unique
    }

    /// Whether `size` more bytes fit an account's daily upload quota, given what it uploaded in the
    /// last 24 hours (`recent`: when and how much): 429 `upload_quota_exceeded` with the wait until
    /// enough of it is a day old; 413 when the file alone is larger than the quota.
    public static func checkQuota(adding size: Int64, recent: [(at: Date, size: Int64)], quota: Int64, now: Date) throws(PartaError) {
        guard size <= quota else {
            throw PartaError(
                .payloadTooLarge, code: "file_too_large", message: "A file may be at most \(quota >> 20) MB a day.",
                details: ["max_bytes": .int(Int(quota))])
        }
        let day: TimeInterval = 86_400
        var window = recent.filter { now.timeIntervalSince($0.at) < day }.sorted { $0.at < $1.at }
        var used = window.reduce(0) { $0 + $1.size }
        guard used + size > quota else { return }
        var wait: TimeInterval = 0
        while used + size > quota, let oldest = window.first {
            used -= oldest.size
            wait = oldest.at.addingTimeInterval(day).timeIntervalSince(now)
            window.removeFirst()
        }
        let seconds = max(1, Int(wait.rounded(.up)))
        throw PartaError(
            .tooManyRequests(retryAfterSeconds: seconds), code: "upload_quota_exceeded",
            message: "You uploaded \(quota >> 20) MB in the last 24 hours, the most a day; try again in \(seconds / 3600) h \(seconds % 3600 / 60) min.",
            details: ["quota_bytes": .int(Int(quota)), "retry_after": .int(seconds)])
    }

    /// Who may download an attachment: the one who uploaded it, and members of a chat where a
    /// message that still stands carries it.
    public static func mayDownload(uploader: AccountID, account: AccountID, memberOfAChatWithIt: Bool) -> Decision {
        if uploader == account || memberOfAChatWithIt { return .allowed }
        return .denied("Only the members of a chat where this file was sent may download it.")
    }
}
