import Logging
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PartaApp
import PartaDomain
import PartaStore

/// Process and database health, metrics, and the API description.
struct HealthRoutes {
    let parta: Parta
    let metrics: HTTPMetrics
    let metricsToken: String?
    let openAPI: ByteBuffer?

    struct Status: ResponseCodable {
        var status: String
        /// `ok`, `unreachable` or `not_configured`: calls need the media server; chats do not, so
        /// a node whose media server is down still answers ready.
        var media: String?
    }

    func register(on router: Router<PartaRequestContext>) {
        router.get("healthz", use: health)
        router.get("readyz", use: ready)
        router.get("metrics", use: renderMetrics)
        router.get("api/v1/openapi.yaml", use: openAPIDocument)
    }

    /// GET /healthz — the process is up.
    @Sendable func health(_ request: Request, context: PartaRequestContext) async throws -> Status {
        Status(status: "ok")
    }

    /// GET /readyz — the database answers; 503 otherwise.
    @Sendable func ready(_ request: Request, context: PartaRequestContext) async throws -> Status {
        do {
            try await parta.database.ping()
        } catch {
            context.logger.warning("readyz.database_unreachable", metadata: ["error": "\(error)"])
            throw PartaError(.unavailable(retryAfterSeconds: 5), code: "not_ready", message: "The database does not answer.")
        }
        guard let media = parta.media else { return Status(status: "ready", media: "not_configured") }
        do {
            try await media.ping()
            return Status(status: "ready", media: "ok")
        } catch {
            context.logger.warning("readyz.media_unreachable", metadata: ["error": "\(error)"])
            return Status(status: "ready", media: "unreachable")
        }
    }

    /// GET /metrics — Prometheus text format.
    @Sendable func renderMetrics(_ request: Request, context: PartaRequestContext) async throws -> Response {
        if let metricsToken {
            let given = request.headers[.authorization] ?? ""
            guard Secrets.constantTimeEquals(given, "Bearer " + metricsToken) else {
                throw PartaError(.unauthorized, code: "unauthorized", message: "The metrics need the metrics token.")
            }
        }
        let text = await metrics.render(database: parta.database)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// GET /api/v1/openapi.yaml — this API, described.
    @Sendable func openAPIDocument(_ request: Request, context: PartaRequestContext) async throws -> Response {
        guard let openAPI else {
            throw PartaError(.notFound, code: "not_found", message: "The API description is not installed with this server.")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: openAPI))
    }
}
