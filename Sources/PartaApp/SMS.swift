import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import PartaDomain
import Synchronization

/// One text message to one phone.
public struct SMSMessage: Sendable, Equatable {
    public var phone: PhoneNumber
    public var text: String

    public init(phone: PhoneNumber, text: String) {
        self.phone = phone
        self.text = text
    }
}

/// Delivers text messages; the pluggable edge to an SMS gateway.
public protocol SMSSender: Sendable {
    func send(_ message: SMSMessage) async throws
}

/// A failure to hand a message to the gateway. Never carries the phone number or the text.
public struct SMSDeliveryError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "SMS delivery failed: \(reason)" }
}

// MARK: - Development: the log

/// Messages the `log` sender has "sent", kept in memory for the demo page `/dev/codes`.
public final class DevInbox: Sendable {
    public struct Entry: Sendable, Equatable {
        public var at: Date
        public var phone: PhoneNumber
        public var text: String
    }

    private let entries = Mutex<[Entry]>([])
    private let capacity: Int

    public init(capacity: Int = 100) {
        self.capacity = capacity
    }

    func record(_ entry: Entry) {
        entries.withLock { list in
            list.append(entry)
            if list.count > capacity { list.removeFirst(list.count - capacity) }
        }
    }

    /// Newest first.
    public func recent() -> [Entry] {
        entries.withLock { $0.reversed() }
    }
}

/// Development sender: writes the message to the server log (phone masked) instead of sending it,
/// and, in demo mode, to the `DevInbox` behind `/dev/codes`. Never use in production.
public struct LogSMSSender: SMSSender {
    let logger: Logger
    let inbox: DevInbox?
    let clock: any WallClock

    public init(logger: Logger, inbox: DevInbox?, clock: any WallClock = SystemClock()) {
        self.logger = logger
        self.inbox = inbox
        self.clock = clock
    }

    public func send(_ message: SMSMessage) async throws {
        logger.notice(
            "sms.development",
            metadata: ["parta.sms.to": "\(message.phone.masked)", "parta.sms.text": "\(message.text)"])
        inbox?.record(.init(at: clock.now(), phone: message.phone, text: message.text))
    }
}

// MARK: - Production: an HTTP gateway

/// Posts `{"phone": "+79991234567", "text": "…"}` as JSON to a gateway URL with a bearer token.
/// Retries connection failures, timeouts, 429 and 5xx answers with exponential backoff;
/// gives up at once on other 4xx answers (the request itself is wrong).
public struct HTTPSMSSender: SMSSender, CustomStringConvertible {
    public var description: String { "HTTPSMSSender(\(configuration.url))" }

    public struct Configuration: Sendable, CustomStringConvertible {
        /// The token stays out of descriptions and logs.
        public var description: String { "HTTPSMSSender.Configuration(url: \(url), timeout: \(timeout), retries: \(retries))" }
        public var url: String
        public var token: String
        public var timeout: Duration
        public var retries: Int
        public var backoff: Duration

        public init(url: String, token: String, timeout: Duration = .seconds(5), retries: Int = 1, backoff: Duration = .milliseconds(500)) {
            self.url = url
            self.token = token
            self.timeout = timeout
            self.retries = retries
            self.backoff = backoff
        }
    }

    let configuration: Configuration
    let client: HTTPClient
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.client = HTTPClient.shared
        self.logger = logger
    }

    struct Payload: Encodable {
        var phone: String
        var text: String
    }

    public func send(_ message: SMSMessage) async throws {
        let body = try JSONEncoder().encode(Payload(phone: message.phone.e164, text: message.text))
        var lastReason = "no attempt made"
        for attempt in 0...max(0, configuration.retries) {
            if attempt > 0 {
                try await Task.sleep(for: configuration.backoff * (1 << (attempt - 1)))
            }
            var request = HTTPClientRequest(url: configuration.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.headers.add(name: "Authorization", value: "Bearer \(configuration.token)")
            request.headers.add(name: "User-Agent", value: "parta-sms/1")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let timeout = TimeAmount.nanoseconds(Int64(configuration.timeout.components.seconds) * 1_000_000_000
                    + configuration.timeout.components.attoseconds / 1_000_000_000)
                let response = try await client.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                switch response.status.code {
                case 200..<300:
                    return
                case 429, 500..<600:
                    lastReason = "gateway answered \(response.status.code)"
                default:
                    throw SMSDeliveryError(reason: "gateway refused the message with \(response.status.code)")
                }
            } catch let error as SMSDeliveryError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastReason = "\(type(of: error))"
            }
            logger.warning("sms.retry", metadata: ["parta.sms.attempt": "\(attempt + 1)", "parta.sms.reason": "\(lastReason)"])
        }
        throw SMSDeliveryError(reason: lastReason)
    }
}
