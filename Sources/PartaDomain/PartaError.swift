/// The one error type every layer throws for conditions a client can act on.
///
/// `kind` decides the HTTP status (mapped in one place, PartaHTTP's `ErrorMapping`),
/// `code` is a stable machine-readable name clients translate, `message` is human text.
public struct PartaError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case badRequest
        case unauthorized
        case forbidden
        case notFound
        case conflict
        /// Something that existed and is no longer usable (an expired or revoked invite).
        case gone
        case payloadTooLarge
        case tooManyRequests(retryAfterSeconds: Int)
        case unavailable(retryAfterSeconds: Int?)
    }

    /// Extra machine-readable facts about the error (`attempts_left`, `missing`, …).
    public enum Detail: Equatable, Sendable, Codable {
        case int(Int)
        case string(String)
        case strings([String])
        /// Problems in an imported file: file, line, column, problem.
        case problems([ImportProblem])

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            case .problems(let value): try container.encode(value)
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Int.self) {
                self = .int(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([String].self) {
                self = .strings(value)
            } else {
                self = .problems(try container.decode([ImportProblem].self))
            }
        }
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var details: [String: Detail]

    public init(_ kind: Kind, code: String, message: String, details: [String: Detail] = [:]) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }
}

extension PartaError {
    public static func invalid(_ code: String, _ message: String, details: [String: Detail] = [:]) -> PartaError {
        PartaError(.badRequest, code: code, message: message, details: details)
    }

    public static func notFound(_ what: String) -> PartaError {
        PartaError(.notFound, code: "not_found", message: "\(what) was not found.")
    }

    public static func forbidden(_ rule: String) -> PartaError {
        PartaError(.forbidden, code: "forbidden", message: rule)
    }

    public static func conflict(_ code: String, _ message: String) -> PartaError {
        PartaError(.conflict, code: code, message: message)
    }

    public static let unauthorized = PartaError(
        .unauthorized,
        code: "unauthorized",
        message: "Sign in first: send a session token as 'Authorization: Bearer <token>'."
    )
}
