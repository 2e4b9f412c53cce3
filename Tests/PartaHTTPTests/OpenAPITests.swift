import Foundation
import Hummingbird
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing
import Yams

@Suite("OpenAPI document")
struct OpenAPITests {
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: Set<String> = []
        for (path, item) in paths {
            guard let item = item as? [String: Any] else { continue }
            for method in ["get", "put", "post", "patch", "delete", "head", "options"] where item[method] != nil {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    static func registeredOperations() async throws -> Set<String> {
        try await TestWorld.with(.sqlite) { world in
            let parta = Parta(database: world.database, sms: world.sms, logger: TestDatabase.logger, devInbox: DevInbox())
            let router = PartaServer.buildRouter(
                parta: parta, config: .forTests(demo: true), metrics: HTTPMetrics(), logger: TestDatabase.logger)
            return Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        }
    }

    @Test("every registered route is described, and nothing described is missing")
    func coverage() async throws {
        let documented = try Self.documentedOperations()
        let registered = try await Self.registeredOperations()
        #expect(registered.count > 20)
        let undocumented = registered.subtracting(documented).sorted()
        #expect(undocumented.isEmpty, "routes missing from docs/openapi.yaml: \(undocumented)")
        let stale = documented.subtracting(registered).sorted()
        #expect(stale.isEmpty, "docs/openapi.yaml describes routes that do not exist: \(stale)")
    }

    @Test("the audit actions described are the ones the server writes")
    func auditActions() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let schema = try #require(schemas["AuditAction"] as? [String: Any])
        let described = Set(try #require(schema["enum"] as? [String]))
        #expect(described == Set(AuditAction.allCases.map(\.rawValue)))
    }

    @Test("the document is served at /api/v1/openapi.yaml")
    func served() async throws {
        try await withApp(.sqlite) { _, client in
            let response = try await client.call(.get, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(response.text.hasPrefix("openapi: 3.1.0"))
        }
    }
}
