import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import PartaApp
import PartaDomain

/// Outermost: gives every response an `X-Request-Id`, logs one structured line per request
/// (route pattern, never the concrete path, which may hold tokens) and records metrics.
struct ObservingMiddleware: RouterMiddleware {
    typealias Context = PartaRequestContext
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let duration = ContinuousClock.now - start
        let route = context.endpointPath ?? "NotFound"
        response.headers[.xRequestID] = context.id
        metrics.recordRequest(method: request.method.rawValue, route: route, status: response.status.code, duration: duration)
        let level: Logger.Level = response.status.code >= 500 ? .error : (route == "/healthz" || route == "/readyz" || route == "/metrics" ? .debug : .info)
        context.logger.log(level: level, "http.request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.route": "\(route)",
            "http.status": "\(response.status.code)",
            "http.duration_ms": "\(duration.milliseconds)",
        ])
        return response
    }
}

/// Resolves the client address through trusted proxies, sets the body limit, and adds the
/// security headers every response carries.
struct RequestSetupMiddleware: RouterMiddleware {
    typealias Context = PartaRequestContext
    let trustedProxies: Set<String>
    let maxBodyBytes: Int
    let contentSecurityPolicy: String

    init(trustedProxies: Set<String>, maxBodyBytes: Int, mediaURLs: [String] = []) {
        self.trustedProxies = trustedProxies
        self.maxBodyBytes = maxBodyBytes
        self.contentSecurityPolicy = Self.contentSecurityPolicy(mediaURLs: mediaURLs)
    }

    /// The page's policy: everything from Parta itself, and connections to exactly the media
    /// servers' origins when there are some (the browser talks to Janus directly).
    static func contentSecurityPolicy(mediaURLs: [String]) -> String {
        var origins: [String] = []
        for url in mediaURLs.compactMap(URL.init(string:)) {
            guard let scheme = url.scheme, let host = url.host else { continue }
            let origin = "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
            if !origins.contains(origin) { origins.append(origin) }
        }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
            + "connect-src 'self'\(origins.map { " " + $0 }.joined()); font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        context.clientAddress = Self.clientAddress(
            peer: context.peerAddress, forwardedFor: request.headers[.xForwardedFor], trustedProxies: trustedProxies)
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        }
        if response.headers[.cacheControl] == nil, context.endpointPath?.hasPrefix("/api/") == true {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    /// The client address: the peer itself, unless the peer is a trusted proxy; then the
    /// right-most address in `X-Forwarded-For` that is not itself a trusted proxy.
    static func clientAddress(peer: String?, forwardedFor: String?, trustedProxies: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return String(hop.prefix(64))
        }
        return peer
    }
}

/// Sets the principal from `Authorization: Bearer <token>` when the token names a live session.
/// Routes that need a signed-in person call `context.principal()`, which answers 401 otherwise.
struct SessionAuthenticator: AuthenticatorMiddleware {
    typealias Context = PartaRequestContext
    let parta: Parta

    func authenticate(request: Request, context: Context) async throws -> Principal? {
        guard let token = request.headers.bearer?.token else { return nil }
        return try await parta.authenticate(token: token)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = try await authenticate(request: request, context: context) else {
            return try await next(request, context)
        }
        var context = context
        context.identity = principal
        // Later log lines of this request name the account (never the phone).
        context.logger[metadataKey: "parta.account.id"] = "\(principal.account.id)"
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let forwarded = Self("Forwarded")!
    static let xRealIP = Self("X-Real-IP")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
