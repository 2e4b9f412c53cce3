import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing

@Suite("Attachments")
struct AttachmentRoutesTests {
    static func config(maxBytes: Int64) -> ServerConfig {
        var config = ServerConfig.forTests()
        config.maxAttachmentBytes = maxBytes
        return config
    }

    static func upload(
        _ client: any TestClientProtocol, _ bytes: [UInt8], name: String, type: String, token: String?
    ) async throws -> JSONResponse {
        var headers = HTTPFields()
        headers[.contentType] = type
        if let token { headers[.authorization] = "Bearer \(token)" }
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        let response = try await client.execute(
            uri: "/api/v1/attachments?name=\(encoded)", method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
        let text = String(buffer: response.body)
        return JSONResponse(
            status: response.status, headers: response.headers, text: text,
            json: (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:])
    }

    /// The files kept under the data directory's `attachments/`, temporary ones included.
    static func files(under directory: String) -> [String] {
        let root = directory + "/attachments"
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    @Test("upload, send, download by members only; oversize is 413 and keeps nothing", arguments: TestEngine.all)
    func lifecycle(engine: TestEngine) async throws {
        let config = Self.config(maxBytes: 4096)
        try await withApp(engine, config: config, framework: .live) { world, client in
            let s = try await world.chatSchool()
            let classChat = try #require(try await world.parta.myChats(s.principals["ivanova"]!).first { $0.entry.chat.name == "10А - Ученики" })
                .entry.chat.id.rawValue
            let plan = Array("План урока: экскурсия в музей.\n".utf8)

            // Too large: refused before anything is kept; no file, no row to send.
            let big = try await Self.upload(client, [UInt8](repeating: 65, count: 5000), name: "big.bin", type: "application/octet-stream", token: s.tokens["ivanova"])
            #expect(big.status == .contentTooLarge && big.error == "file_too_large")
            #expect(Self.files(under: config.dataDirectory).isEmpty)
            let empty = try await Self.upload(client, [], name: "empty.txt", type: "text/plain", token: s.tokens["ivanova"])
            #expect(empty.status == .badRequest && empty.error == "file_empty")
            #expect(try await Self.upload(client, plan, name: "x.txt", type: "text/plain", token: nil).status == .unauthorized)

            let uploaded = try await Self.upload(client, plan, name: "План урока.txt", type: "text/plain; charset=utf-8", token: s.tokens["ivanova"])
            #expect(uploaded.status == .created)
            #expect(uploaded["name"] as? String == "План урока.txt" && uploaded["content_type"] as? String == "text/plain")
            #expect((uploaded["size"] as? NSNumber)?.intValue == plan.count)
            let fileID = try #require((uploaded["id"] as? NSNumber)?.int64Value)
            // The same content again is a new attachment over the same stored file.
            let again = try await Self.upload(client, plan, name: "копия.txt", type: "text/plain", token: s.tokens["ivanova"])
            #expect(again.status == .created && (again["id"] as? NSNumber)?.int64Value != fileID)
            #expect(Self.files(under: config.dataDirectory).count == 1)

            // Before it is sent, only the uploader may fetch it.
            #expect(try await client.call(.get, "/api/v1/attachments/\(fileID)", token: s.tokens["s1"]).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/attachments/\(fileID)", token: s.tokens["ivanova"]).status == .ok)
            // Someone else's upload cannot be sent: for them it does not exist.
            let stolen = try await client.call(
                .post, "/api/v1/chats/\(classChat)/messages", json: ["client_id": "steal", "attachment_ids": [fileID]], token: s.tokens["s1"])
            #expect(stolen.status == .notFound)
            let tooMany = try await client.call(
                .post, "/api/v1/chats/\(classChat)/messages",
                json: ["client_id": "many", "attachment_ids": Array(1...11)], token: s.tokens["ivanova"])
            #expect(tooMany.error == "too_many_attachments")

            // Sent with no text: the message carries it; every member may download it.
            let sent = try await client.call(
                .post, "/api/v1/chats/\(classChat)/messages", json: ["client_id": "with-file", "attachment_ids": [fileID]], token: s.tokens["ivanova"])
            #expect(sent.status == .created)
            let carried = try #require((sent["attachments"] as? [[String: Any]])?.first)
            #expect((carried["id"] as? NSNumber)?.int64Value == fileID && carried["name"] as? String == "План урока.txt")

            let download = try await client.execute(
                uri: "/api/v1/attachments/\(fileID)", method: .get, headers: [.authorization: "Bearer \(s.tokens["s1"]!)"], body: nil)
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == plan)
            #expect(download.headers[.contentType] == "text/plain")
            #expect(download.headers[.xContentTypeOptions] == "nosniff")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment; ") == true)
            #expect(download.headers[.contentDisposition]?.contains("filename*=UTF-8''%D0%9F%D0%BB%D0%B0%D0%BD") == true)
            #expect(download.headers[.contentSecurityPolicy]?.contains("sandbox") == true)

            // Петров teaches 10А but is not in the class chat: 403. An unknown id: 404.
            #expect(try await client.call(.get, "/api/v1/attachments/\(fileID)", token: s.tokens["petrov"]).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/attachments/999999", token: s.tokens["s1"]).status == .notFound)

            // Deleting the message takes the file away from the chat's members.
            let messageID = try #require((sent["id"] as? NSNumber)?.int64Value)
            let deleted = try await client.call(.delete, "/api/v1/chats/\(classChat)/messages/\(messageID)", token: s.tokens["ivanova"])
            #expect((deleted["attachments"] as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/api/v1/attachments/\(fileID)", token: s.tokens["s1"]).status == .forbidden)

            // Images show inline; HTML never does, whatever it claims.
            let photo = try await Self.upload(client, [0x89, 0x50, 0x4E, 0x47], name: "../../фото.png", type: "image/png", token: s.tokens["ivanova"])
            #expect(photo["name"] as? String == "фото.png")
            let photoID = try #require((photo["id"] as? NSNumber)?.int64Value)
            let page = try await Self.upload(client, Array("<script>alert(1)</script>".utf8), name: "page.html", type: "text/html", token: s.tokens["ivanova"])
            let pageID = try #require((page["id"] as? NSNumber)?.int64Value)
            #expect(try await client.call(.get, "/api/v1/attachments/\(photoID)", token: s.tokens["ivanova"]).headers[.contentDisposition]?.hasPrefix("inline") == true)
            let html = try await client.call(.get, "/api/v1/attachments/\(pageID)", token: s.tokens["ivanova"])
            #expect(html.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(html.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
        }
    }
}
