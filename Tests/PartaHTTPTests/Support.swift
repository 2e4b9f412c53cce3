import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting

/// The repository root, for `docs/` and `Public/`.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

extension ServerConfig {
    static func forTests(demo: Bool = false) -> ServerConfig {
        var config = ServerConfig()
        config.port = 0
        config.demo = demo
        // Links in invites and link codes are built from the public address (demo mode trusts the Host).
        config.publicURL = demo ? nil : "https://school.example.ru"
        config.assetsDirectory = repositoryRoot.path
        // Attached files go to a directory of this test's own, removed after it.
        config.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("parta-test-\(UUID().uuidString)").path
        return config
    }
}

/// A world plus its HTTP application, tested through Hummingbird's router test client.
func withApp(
    _ engine: TestEngine, config: ServerConfig = .forTests(), app appConfig: AppConfig = AppConfig(),
    framework: TestingSetup = .router, _ body: @escaping @Sendable (TestWorld, any TestClientProtocol) async throws -> Void
) async throws {
    var config = config
    config.app = appConfig
    try await TestWorld.with(engine, config: appConfig) { world in
        let parta = Parta(
            database: world.database, clock: world.clock, sms: world.sms, config: appConfig, logger: TestDatabase.logger,
            devInbox: config.demo ? DevInbox() : nil)
        let testWorld = TestWorld(parta: parta, clock: world.clock, sms: world.sms, engine: engine)
        let app = PartaServer.buildApplication(parta: parta, config: config, logger: TestDatabase.logger)
        defer {
            if config.dataDirectory.contains("/parta-test-") { try? FileManager.default.removeItem(atPath: config.dataDirectory) }
        }
        try await app.test(framework) { client in
            try await body(testWorld, client)
        }
    }
}

struct JSONResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    let json: [String: Any]

    var error: String? { json["error"] as? String }
    var message: String? { json["message"] as? String }
    subscript(key: String) -> Any? { json[key] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
}

extension TestClientProtocol {
    /// Sends `body` (a JSON object, or raw text) and decodes the answer as a JSON object when it is one.
    func call(
        _ method: HTTPRequest.Method, _ path: String, json body: [String: Any]? = nil, raw: String? = nil,
        token: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> JSONResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
        } else if let raw {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(string: raw)
        }
        let response = try await execute(uri: path, method: method, headers: headers, body: buffer)
        let text = String(buffer: response.body)
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return JSONResponse(status: response.status, headers: response.headers, text: text, json: json)
    }

    /// Signs `phone` in over HTTP; returns the token.
    func signIn(_ world: TestWorld, _ phone: String, headers: HTTPFields = [:]) async throws -> String {
        let sent = try await call(.post, "/api/v1/auth/code", json: ["phone": phone], headers: headers)
        guard sent.status == .accepted, let code = world.sms.lastCode(for: phone) else {
            throw TestFailure("code request failed: \(sent.status) \(sent.text)")
        }
        let verified = try await call(.post, "/api/v1/auth/verify", json: ["phone": phone, "code": code], headers: headers)
        guard let token = verified["token"] as? String else { throw TestFailure("verify failed: \(verified.text)") }
        return token
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Percent-encodes a query value (Cyrillic included).
func q(_ value: String) -> String {
    value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
}
