import Logging
public import Foundation
public import Hummingbird
public import HummingbirdAuth
public import HummingbirdWebSocket
import NIOCore
public import PartaApp
public import PartaDomain

/// The context of one request: the signed-in principal (if any), the client's address as
/// resolved through trusted proxies, and the body limit.
public struct PartaRequestContext: AuthRequestContext, RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set when the request upgrades to the live WebSocket (`/api/v1/ws`).
    public let webSocket: WebSocketHandlerReference<PartaRequestContext>
    public var identity: Principal?
    /// The address of the connection's peer; `nil` in router tests without a socket.
    public let peerAddress: String?
    /// The client's address: the peer, or the forwarded client when the peer is a trusted proxy.
    public var clientAddress: String
    /// The largest JSON body accepted (`PARTA_MAX_BODY_BYTES`); larger bodies get 413.
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.identity = nil
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.clientAddress = peerAddress ?? "unknown"
        self.maxUploadSize = 1 << 20
    }

    public var requestDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The signed-in principal, or 401.
    public func principal() throws -> Principal {
        guard let identity else { throw PartaError.unauthorized }
        return identity
    }

    /// The signed-in caller for use cases, or 401.
    public func caller() throws -> Caller {
        try principal().caller(from: clientAddress)
    }

    /// A numeric path parameter as a typed id; 404 when it is not a positive number.
    public func id<Entity>(_ name: String, _: Identifier<Entity>.Type = Identifier<Entity>.self, what: String) throws -> Identifier<Entity> {
        guard let raw = parameters.get(name), let id = Identifier<Entity>(string: raw) else {
            throw PartaError.notFound(what)
        }
        return id
    }
}

extension Request {
    /// Decodes a JSON body with the context's decoder: 413 above the body limit, 400 naming the
    /// field at fault otherwise (the mapping reads the `DecodingError`).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: PartaRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try context.requestDecoder.decode(type, from: try Self.checkedJSON(buffer))
    }

    /// Like `decodeJSON(_:context:)`, but an empty body means `empty` (actions whose fields are all optional).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: PartaRequestContext, emptyAs empty: T) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return empty }
        return try context.requestDecoder.decode(type, from: try Self.checkedJSON(buffer))
    }

    /// The body's bytes, refused with 400 `invalid_text` when any string in it holds a NUL
    /// (`\u0000`): no field anywhere stores one (SQLite would cut the text there, PostgreSQL
    /// refuses it). The other control characters are each field's rule (`TextRules`).
    static func checkedJSON(_ buffer: ByteBuffer) throws(PartaError) -> Data {
        let data = Data(buffer.readableBytesView)
        let escape = Data("\\u0000".utf8)
        var from = data.startIndex
        while let found = data.range(of: escape, in: from..<data.endIndex) {
            // An escape, unless its backslash is itself escaped (`\\u0000` is the text "\u0000").
            var backslashes = 0
            var index = found.lowerBound
            while index > data.startIndex, data[data.index(before: index)] == UInt8(ascii: "\\") {
                backslashes += 1
                index = data.index(before: index)
            }
            if backslashes % 2 == 0 { throw PartaError.invalid("invalid_text", "Text may not hold the NUL character (\\u0000).") }
            from = found.upperBound
        }
        return data
    }

    /// An optional integer query parameter; 400 when present but not a number.
    func queryInt(_ name: String) throws -> Int? {
        guard let raw = uri.queryParameters[name[...]] else { return nil }
        guard let value = Int(raw) else {
            throw PartaError.invalid("invalid_query", "The query parameter '\(name)' must be a whole number.")
        }
        return value
    }

    /// An optional date query parameter (`2025-09-01` or `01.09.2025`); 400 when present but not a date.
    func queryDate(_ name: String) throws -> LocalDate? {
        guard let raw = queryString(name) else { return nil }
        return try LocalDate.parse(raw, field: name)
    }

    /// An optional `true`/`false` query parameter.
    func queryBool(_ name: String) throws -> Bool? {
        guard let raw = queryString(name) else { return nil }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw PartaError.invalid("invalid_query", "The query parameter '\(name)' is true or false.")
        }
    }

    /// A query parameter, percent-decoded, without control characters (a `%00` in a search goes nowhere).
    func queryString(_ name: String) -> String? {
        uri.queryParameters[name[...]].flatMap { String($0).removingPercentEncoding }.map { value in
            String(value.unicodeScalars.filter { !TextRules.isForbiddenControl($0, multiline: false) })
        }
    }

    /// An optional id query parameter; 400 when present but not an id.
    func queryID<Entity>(_ name: String, _: Identifier<Entity>.Type = Identifier<Entity>.self) throws -> Identifier<Entity>? {
        guard let raw = uri.queryParameters[name[...]] else { return nil }
        guard let id = Identifier<Entity>(string: String(raw)) else {
            throw PartaError.invalid("invalid_query", "The query parameter '\(name)' must be an id (a positive whole number).")
        }
        return id
    }

    // Not inlined: Swift 6.3.1's optimizer crashes (LLVM CoroSplit, swifterror) when this typed-throws
    // call is inlined into an async handler.
    @inline(never)
    func pageRequest() throws -> PageRequest {
        try PageRequest.check(page: try queryInt("page"), perPage: try queryInt("per_page"))
    }
}
