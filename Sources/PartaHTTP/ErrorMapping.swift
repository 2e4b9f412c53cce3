import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
public import PartaDomain
import PartaStore

/// The one place where errors become HTTP responses: `{"error": code, "message": text}`
/// with the right status, plus `Retry-After` for 429 and 503 and `details` where useful.
public enum ErrorMapping {
    struct Body: Encodable {
        var error: String
        var message: String
        var details: [String: PartaError.Detail]?
        var requestId: String?
    }

    public static func status(for kind: PartaError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .gone: .gone
        case .payloadTooLarge: .contentTooLarge
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
    }

    /// Turns any error into a `PartaError` a client can read; unknown errors become a 500
    /// without details (they are logged by the caller).
    public static func partaError(from error: any Error) -> PartaError? {
        switch error {
        case let error as PartaError:
            return error
        case let error as HTTPError:
            return fromHTTPError(error)
        case let error as any HTTPResponseError:
            return fromHTTPError(HTTPError(error.status))
        case let error as DecodingError:
            return PartaError.invalid("invalid_body", describe(error))
        case let error as StoreError:
            return PartaError(.unavailable(retryAfterSeconds: nil), code: "database_unavailable", message: error.description)
        default:
            return nil
        }
    }

    static func fromHTTPError(_ error: HTTPError) -> PartaError {
        let message = error.body
        switch error.status {
        case .notFound:
            return PartaError(.notFound, code: "not_found", message: message ?? "There is nothing at this address.")
        case .contentTooLarge:
            return PartaError(.payloadTooLarge, code: "payload_too_large", message: "The request body is too large.")
        case .unauthorized:
            return .unauthorized
        case .methodNotAllowed:
            return PartaError(.badRequest, code: "method_not_allowed", message: "This address does not accept that method.")
        case .badRequest:
            return PartaError.invalid("bad_request", message ?? "The request is malformed.")
        default:
            let kind: PartaError.Kind = error.status.code >= 500 ? .unavailable(retryAfterSeconds: nil) : .badRequest
            return PartaError(kind, code: "http_\(error.status.code)", message: message ?? error.status.reasonPhrase)
        }
    }

    /// A human explanation of a JSON decoding failure naming the field (in snake_case).
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? snake($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "The field '\(field)' is required."
        case .typeMismatch(let type, let context):
            return "The field '\(path(context.codingPath))' must be \(describe(type))."
        case .valueNotFound(let type, let context):
            return "The field '\(path(context.codingPath))' must be \(describe(type)), not null."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The request body must be a JSON object." }
            return "The field '\(path(context.codingPath))' is not valid: \(context.debugDescription)"
        @unknown default:
            return "The request body is not valid."
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "of another type"
        }
    }

    static func snake(_ camel: String) -> String {
        var result = ""
        for character in camel {
            if character.isUppercase {
                result.append("_")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The JSON response for `error`.
    public static func response(for error: PartaError, requestID: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        switch error.kind {
        case .tooManyRequests(let seconds):
            headers[.retryAfter] = String(seconds)
        case .unavailable(let seconds?):
            headers[.retryAfter] = String(seconds)
        default:
            break
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(
            error: error.code, message: error.message, details: error.details.isEmpty ? nil : error.details,
            requestId: requestID)
        let data = (try? encoder.encode(body)) ?? Data("{\"error\":\"internal_error\"}".utf8)
        return Response(status: status(for: error.kind), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Catches every error a handler throws and answers in the JSON error format.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = PartaRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let mapped = ErrorMapping.partaError(from: error) {
                return ErrorMapping.response(for: mapped, requestID: context.id)
            }
            context.logger.error("http.unhandled_error", metadata: ["error": "\(Store.describe(error))"])
            return ErrorMapping.response(
                for: PartaError(
                    .unavailable(retryAfterSeconds: nil), code: "internal_error",
                    message: "Something went wrong on the server. Quote request id \(context.id) to support."),
                requestID: context.id
            ).withStatus(.internalServerError)
        }
    }
}

extension Response {
    func withStatus(_ status: HTTPResponse.Status) -> Response {
        var response = self
        response.status = status
        return response
    }
}
