import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PartaApp
import PartaDomain

/// Files sent with messages (SPEC §6). The upload is the request body, streamed to the data
/// directory while it is hashed and counted; the message then names it by id. Downloads are for
/// the uploader and the members of a chat where it was sent.
struct AttachmentRoutes {
    let parta: Parta
    let files: AttachmentFiles
    let maxBytes: Int64
    /// How long a browser may keep a downloaded file; 0 (the default): not at all — school
    /// computers are shared, and the next pupil must not find the last one's files in the cache.
    var cacheSeconds = 0
    let fileIO = FileIO()

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.post("attachments", use: upload)
        api.get("attachments/{attachment_id}", use: download)
    }

    /// POST /api/v1/attachments?name=… — the file as the body, its type in `Content-Type`.
    @Sendable func upload(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<AttachmentDTO> {
        let principal = try context.principal()
        let declared = request.headers[.contentLength].flatMap(Int64.init)
        if let declared, declared > maxBytes { throw UploadMeter.tooLarge(maxBytes) }
        // Members only, within the rate and the daily quota — before a byte of the body is read.
        try await parta.admitUpload(principal, declaredSize: declared)
        let meter = UploadMeter(limit: maxBytes)
        let spool = BodySpool(directory: files.temporaryDirectory)
        let temporary = try await spool.receive(request, context: context, limit: maxBytes, tooLarge: UploadMeter.tooLarge(maxBytes)) {
            try meter.add($0)
        }
        let (sha256, size) = meter.finish()
        // Recorded first (the quota is checked again with the real size), then moved in place: a
        // refused upload leaves no file behind, and a kept file always has its row.
        let attachment: Attachment
        do {
            attachment = try await parta.registerAttachment(
                principal, sha256: sha256, size: size, contentType: request.headers[.contentType], name: request.queryString("name"))
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        do {
            try files.keep(temporary, sha256: sha256)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            try? await parta.forgetAttachment(attachment.id)
            throw error
        }
        return EditedResponse(status: .created, response: AttachmentDTO(attachment.ref))
    }

    /// GET /api/v1/attachments/{attachment_id} — the file, with its stored type, never sniffed or
    /// run: images, audio, video and PDF inline, everything else as a download.
    @Sendable func download(_ request: Request, context: PartaRequestContext) async throws -> Response {
        let principal = try context.principal()
        let id = try context.id("attachment_id", AttachmentID.self, what: "The file")
        let attachment = try await parta.downloadableAttachment(principal, id: id)
        let path = files.path(of: attachment.sha256).path
        guard FileManager.default.fileExists(atPath: path) else {
            context.logger.error("attachment.file_missing", metadata: ["attachment": "\(id)"])
            throw PartaError.notFound("The file")
        }
        let body = try await fileIO.loadFile(path: path, context: context)
        var headers = HTTPFields()
        headers[.contentType] = attachment.contentType
        headers[.contentDisposition] = Self.disposition(attachment)
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        headers[.cacheControl] = cacheSeconds > 0 ? "private, max-age=\(cacheSeconds)" : "private, no-store"
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `inline` or `attachment`, with the name as ASCII and as UTF-8 (RFC 6266).
    static func disposition(_ attachment: Attachment) -> String {
        let type = AttachmentRules.isInline(attachment.contentType) ? "inline" : "attachment"
        let ascii = String(attachment.name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
            .union(CharacterSet(charactersIn: "-._~"))
        let encoded = attachment.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "\(type); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
