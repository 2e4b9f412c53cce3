import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A JSON value, for the Janus API's loosely typed messages.
public enum JSONValue: Sendable, Equatable, Codable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(elements) { a, _ in a }) }
    public static func int(_ value: Int64) -> JSONValue { .number(Double(value)) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n):
            // Janus ids are 64-bit integers: never print them as floating point.
            if n.rounded() == n, abs(n) < 9.0e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var int: Int64? { if case .number(let n) = self, n.rounded() == n { Int64(n) } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
}

/// A refusal or failure of the media server.
public struct MediaServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Janus's error code (`458` no such room, `433` unauthorized, …), or 0 for transport failures.
    public var code: Int
    public var reason: String
    public var description: String { "Janus error \(code): \(reason)" }

    public init(code: Int, reason: String) {
        self.code = code
        self.reason = reason
    }
}

/// One Janus session with the VideoRoom plugin attached, over Janus's HTTP API. Used by the
/// server to manage rooms (and by tests to act as a participant would).
public final class JanusSession: Sendable {
    public let base: String
    public let session: Int64
    public let handle: Int64
    let client: HTTPClient

    /// Opens a session on the Janus at `base` (`http://host:8088/janus`) and attaches VideoRoom.
    public static func open(_ base: String) async throws -> JanusSession {
        let client = HTTPClient.shared
        let created = try await post(client, base, ["janus": "create", "transaction": .string(transaction())])
        guard let session = created["data"]?["id"]?.int else { throw MediaServerError(code: 0, reason: "no session id") }
        do {
            let attached = try await post(
                client, "\(base)/\(session)", ["janus": "attach", "plugin": "janus.plugin.videoroom", "transaction": .string(transaction())])
            guard let handle = attached["data"]?["id"]?.int else { throw MediaServerError(code: 0, reason: "no handle id") }
            return JanusSession(base: base, session: session, handle: handle, client: client)
        } catch {
            _ = try? await post(client, "\(base)/\(session)", ["janus": "destroy", "transaction": .string(transaction())])
            throw error
        }
    }

    init(base: String, session: Int64, handle: Int64, client: HTTPClient) {
        self.base = base
        self.session = session
        self.handle = handle
        self.client = client
    }

    static func transaction() -> String { UUID().uuidString }

    /// A VideoRoom request; synchronous ones (`create`, `destroy`, `allowed`, `exists`, `kick`,
    /// `listparticipants`) answer with their data, asynchronous ones (`join`) with `ack` and
    /// their result later on `poll()`. A plugin error is thrown.
    @discardableResult
    public func message(_ body: [String: JSONValue]) async throws -> JSONValue {
        let answer = try await Self.post(
            client, "\(base)/\(session)/\(handle)", ["janus": "message", "transaction": .string(Self.transaction()), "body": .object(body)])
        if answer["janus"]?.string == "ack" { return answer }
        guard let data = answer["plugindata"]?["data"] else { throw MediaServerError(code: 0, reason: "no plugin data") }
        try Self.checkPlugin(data)
        return data
    }

    /// The next plugin event of this session (a long poll of up to 30 s); plugin errors are thrown.
    public func poll() async throws -> JSONValue {
        while true {
            var request = HTTPClientRequest(url: "\(base)/\(session)?maxev=1&rid=\(UInt64.random(in: 1...UInt64.max))")
            request.method = .GET
            let answer = try await Self.send(client, request, timeout: .seconds(35))
            if answer["janus"]?.string == "keepalive" { continue }
            if let data = answer["plugindata"]?["data"] {
                try Self.checkPlugin(data)
                return data
            }
        }
    }

    /// Ends the session (its handle detaches; rooms it made stay until destroyed).
    public func close() async {
        _ = try? await Self.post(client, "\(base)/\(session)", ["janus": "destroy", "transaction": .string(Self.transaction())])
    }

    static func checkPlugin(_ data: JSONValue) throws {
        if let code = data["error_code"]?.int {
            throw MediaServerError(code: Int(code), reason: data["error"]?.string ?? "VideoRoom error")
        }
    }

    static func post(_ client: HTTPClient, _ url: String, _ body: [String: JSONValue]) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(JSONValue.object(body))))
        return try await send(client, request, timeout: .seconds(10))
    }

    static func send(_ client: HTTPClient, _ request: HTTPClientRequest, timeout: TimeAmount) async throws -> JSONValue {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw MediaServerError(code: 0, reason: "Janus unreachable: \(error)")
        }
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw MediaServerError(code: Int(response.status.code), reason: "HTTP \(response.status.code)") }
        let answer = try JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
        if answer["janus"]?.string == "error" {
            throw MediaServerError(
                code: Int(answer["error"]?["code"]?.int ?? 0), reason: answer["error"]?["reason"]?.string ?? "Janus error")
        }
        return answer
    }
}
