import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing

@Suite("Health, metrics, errors and headers")
struct ServiceRoutesTests {
    @Test("health and readiness", arguments: TestEngine.all)
    func health(engine: TestEngine) async throws {
        try await withApp(engine) { _, client in
            let health = try await client.call(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(health["status"] as? String == "ok")
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready["status"] as? String == "ready")
            #expect(ready["media"] as? String == "not_configured")
        }
    }

    @Test("readiness reports the media server: answering, or not (still ready for chats)")
    func readyMedia() async throws {
        let down = AppConfig(janus: JanusConfiguration(
            servers: [.init(url: "http://127.0.0.1:9/janus", publicURL: "https://a.school.example/janus"),
                      .init(url: "http://127.0.0.1:10/janus", publicURL: "https://b.school.example:8443/janus")], adminKey: "k"))
        try await withApp(.sqlite, app: down) { _, client in
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.status == .ok && ready.json as NSDictionary == ["status": "ready", "media": "unreachable"] as NSDictionary)
            // The page may talk to exactly the pool's servers, as browsers reach them.
            let csp = try await client.call(.get, "/").headers[.contentSecurityPolicy] ?? ""
            #expect(csp.contains("connect-src 'self' https://a.school.example https://b.school.example:8443;"), "\(csp)")
        }
        guard let url = ProcessInfo.processInfo.environment["PARTA_TEST_JANUS_URL"] else { return }
        let up = AppConfig(janus: JanusConfiguration(url: url, adminKey: ProcessInfo.processInfo.environment["PARTA_TEST_JANUS_ADMIN_KEY"] ?? ""))
        try await withApp(.sqlite, app: up) { _, client in
            let ready = try await client.call(.get, "/readyz")
            #expect(ready.json as NSDictionary == ["status": "ready", "media": "ok"] as NSDictionary)
        }
    }

    @Test("metrics count requests by route and status, time them, and report the pool", arguments: TestEngine.all)
    func metrics(engine: TestEngine) async throws {
        try await withApp(engine) { _, client in
            _ = try await client.call(.get, "/healthz")
            _ = try await client.call(.get, "/api/v1/me")
            _ = try await client.call(.get, "/api/v1/organizations/12345", token: nil)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"parta_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
            #expect(text.contains(#"parta_http_requests_total{method="GET",route="/api/v1/me",status="401"} 1"#))
            #expect(text.contains(#"route="/api/v1/organizations/{id}",status="401""#))
            #expect(text.contains(#"parta_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="0.005"}"#))
            #expect(text.contains("parta_websocket_connections 0"))
            #expect(text.contains(#"parta_db_connections_capacity{engine="\#(engine.rawValue)"}"#))
            #expect(text.contains("parta_db_transactions_committed"))
        }
    }

    @Test("a metrics token, when configured, is required")
    func metricsToken() async throws {
        var config = ServerConfig.forTests()
        config.metricsToken = "scrape-secret"
        try await withApp(.sqlite, config: config) { _, client async throws in
            #expect(try await client.call(.get, "/metrics").status == .unauthorized)
            #expect(try await client.call(.get, "/metrics", headers: [.authorization: "Bearer wrong"]).status == .unauthorized)
            #expect(try await client.call(.get, "/metrics", headers: [.authorization: "Bearer scrape-secret"]).status == .ok)
        }
    }

    @Test("errors are JSON with a code, a message and the request id")
    func errorFormat() async throws {
        try await withApp(.sqlite) { _, client in
            let missing = try await client.call(.get, "/api/v1/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.error == "not_found")
            #expect(missing["request_id"] as? String == missing.headers[.init("X-Request-Id")!])
            #expect(missing.headers[.contentType] == "application/json; charset=utf-8")

            let unauthorized = try await client.call(.get, "/api/v1/me")
            #expect(unauthorized.status == .unauthorized)
            #expect(unauthorized.error == "unauthorized")
            let badToken = try await client.call(.get, "/api/v1/me", token: "x".padding(toLength: 43, withPad: "x", startingAt: 0))
            #expect(badToken.status == .unauthorized)

            let notJSON = try await client.call(.post, "/api/v1/auth/code", raw: "phone=8999")
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.error == "invalid_body")
            #expect(notJSON.message == "The request body must be a JSON object.")

            let missingField = try await client.call(.post, "/api/v1/auth/verify", json: ["phone": "+79991234567"])
            #expect(missingField.status == .badRequest)
            #expect(missingField.message == "The field 'code' is required.")

            let wrongType = try await client.call(.post, "/api/v1/auth/code", json: ["phone": 89991234567])
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.message == "The field 'phone' must be a string.")

            let badPhone = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "12-34"])
            #expect(badPhone.status == .badRequest)
            #expect(badPhone.error == "invalid_phone")
            #expect(badPhone.message?.contains("+7 999 123-45-67") == true)

            let badID = try await client.call(.get, "/api/v1/regions/abc/municipalities", token: nil)
            #expect(badID.status == .unauthorized)
        }
    }

    @Test("bodies above the limit get 413 and change nothing")
    func bodyLimit() async throws {
        var config = ServerConfig.forTests()
        config.maxBodyBytes = 2048
        try await withApp(.sqlite, config: config) { world, client in
            let big = String(repeating: "9", count: 4096)
            let response = try await client.call(.post, "/api/v1/auth/code", json: ["phone": big])
            #expect(response.status == .contentTooLarge)
            #expect(response.error == "payload_too_large")
            #expect(world.sms.messages.isEmpty)
        }
    }

    @Test("every response carries the security headers and a request id")
    func securityHeaders() async throws {
        try await withApp(.sqlite) { _, client in
            for path in ["/healthz", "/api/v1/me", "/nowhere"] {
                let response = try await client.call(.get, path)
                #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.init("X-Request-Id")!]?.isEmpty == false)
            }
            let api = try await client.call(.get, "/api/v1/me")
            #expect(api.headers[.cacheControl] == "no-store")
        }
    }

    @Test("the client address comes from trusted proxies only", arguments: [
        ("10.0.0.5", nil, "10.0.0.5"),
        ("10.0.0.5", "203.0.113.9", "10.0.0.5"),
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "203.0.113.9, 127.0.0.1", "203.0.113.9"),
        ("127.0.0.1", nil, "127.0.0.1"),
    ] as [(String, String?, String)])
    func clientAddress(peer: String, forwarded: String?, expected: String) {
        #expect(PartaServer.clientAddress(peer: peer, forwardedFor: forwarded, trustedProxies: ["127.0.0.1"]) == expected)
    }

    @Test("sign-in limits count the real client behind a trusted proxy (live server)")
    func limitsPerClientBehindProxy() async throws {
        var config = ServerConfig.forTests()
        config.trustedProxies = ["127.0.0.1"]
        var app = AppConfig()
        app.signIn.perAddressPerHour = 2
        try await withApp(.sqlite, config: config, app: app, framework: .live) { world, client in
            let a: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.1"]
            let b: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.2"]
            #expect(try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000001"], headers: a).status == .accepted)
            #expect(try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000002"], headers: a).status == .accepted)
            let limited = try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000003"], headers: a)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "3600")
            #expect(try await client.call(.post, "/api/v1/auth/code", json: ["phone": "+79990000003"], headers: b).status == .accepted)
            let token = try await client.signIn(world, "+79990000004", headers: [.init("X-Forwarded-For")!: "203.0.113.3"])
            let sessions = try await client.call(.get, "/api/v1/sessions", token: token)
            #expect(sessions.items.first?["client_address"] as? String == "203.0.113.3")
        }
    }

    @Test("the demo code page exists only in demo mode, and escapes what it shows")
    func devCodes() async throws {
        try await withApp(.sqlite) { _, client async throws in
            #expect(try await client.call(.get, "/dev/codes").status == .notFound)
            #expect(try await client.call(.get, "/dev/codes.json").status == .notFound)
        }
        try await TestWorld.with(.sqlite) { world in
            let inbox = DevInbox()
            let sender = LogSMSSender(logger: TestDatabase.logger, inbox: inbox, clock: world.clock)
            let parta = Parta(database: world.database, clock: world.clock, sms: sender, logger: TestDatabase.logger, devInbox: inbox)
            let app = PartaServer.buildApplication(parta: parta, config: .forTests(demo: true), logger: TestDatabase.logger)
            try await app.test(.live) { client in
                #expect(try await client.call(.post, "/api/v1/auth/code", json: ["phone": "8 900 000-00-10"]).status == .accepted)
                // Only for someone at this machine: behind a proxy (or a forged header) there is nothing here.
                for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP"] {
                    let proxied = try await client.call(.get, "/dev/codes.json", headers: [.init(header)!: "203.0.113.9"])
                    #expect(proxied.status == .notFound && !proxied.text.contains("+79000000010"), "\(header)")
                    #expect(try await client.call(.get, "/dev/codes", headers: [.init(header)!: "for=203.0.113.9"]).status == .notFound)
                }
                let json = try await client.call(.get, "/dev/codes.json")
                let item = try #require(json.items.first)
                #expect(item["phone"] as? String == "+79000000010")
                let code = try #require(item["code"] as? String)
                #expect(code.count == 6)
                try await sender.send(SMSMessage(phone: PhoneNumber(e164: "+79000000011"), text: "<script>alert(1)</script>"))
                let page = try await client.call(.get, "/dev/codes")
                #expect(page.status == .ok)
                #expect(page.text.contains(code))
                #expect(page.text.contains("&lt;script&gt;"))
                #expect(!page.text.contains("<script>"))
                // The code signs in.
                let verified = try await client.call(.post, "/api/v1/auth/verify", json: ["phone": "+79000000010", "code": code])
                #expect(verified.status == .ok)
            }
        }
    }

    @Test("the web client's files are served outside the API")
    func staticFiles() async throws {
        try await withApp(.sqlite) { _, client in
            let index = try await client.call(.get, "/")
            #expect(index.status == .ok)
            #expect(index.text.contains("<html"))
            #expect(try await client.call(.get, "/api/v1/index.html").status == .notFound)
            // Links the server hands out open the client, which reads the path itself.
            for path in ["/join/Zm9vYmFy-_x", "/link/ABCD2345", "/chat-invite/Zm9vYmFy-_x"] {
                let page = try await client.call(.get, path)
                #expect(page.status == .ok)
                #expect(page.text == index.text)
                #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
            #expect(try await client.call(.get, "/joinery").status == .notFound)
            #expect(try await client.call(.post, "/join/abc").status != .ok)
        }
    }
}
