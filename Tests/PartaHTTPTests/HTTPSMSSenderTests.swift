import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PartaApp
import PartaDomain
import PartaTesting
import Synchronization
import Testing

/// A stand-in SMS gateway on loopback: records what it receives and answers with the statuses
/// it is given, in order (the last one repeats).
final class FakeGateway: Sendable {
    struct Received: Sendable {
        var authorization: String?
        var contentType: String?
        var body: [String: String]
    }

    let statuses: Mutex<[HTTPResponse.Status]>
    let received = Mutex<[Received]>([])
    let delay: Duration

    init(statuses: [HTTPResponse.Status], delay: Duration = .zero) {
        self.statuses = Mutex(statuses)
        self.delay = delay
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("sms") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 16)
            let body = (try? JSONDecoder().decode([String: String].self, from: Data(buffer.readableBytesView))) ?? [:]
            self.received.withLock {
                $0.append(Received(authorization: request.headers[.authorization], contentType: request.headers[.contentType], body: body))
            }
            if self.delay > .zero { try await Task.sleep(for: self.delay) }
            let status = self.statuses.withLock { list in list.count > 1 ? list.removeFirst() : list[0] }
            return Response(status: status)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        try await application().test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/sms")
        }
    }
}

@Suite("The HTTP SMS sender against a local gateway")
struct HTTPSMSSenderTests {
    let message = SMSMessage(phone: PhoneNumber(e164: "+79991234567"), text: "Parta: код для входа 123456.")
    var logger: Logger { TestDatabase.logger }

    func sender(_ url: String, retries: Int = 2, timeout: Duration = .seconds(5)) -> HTTPSMSSender {
        HTTPSMSSender(
            configuration: .init(url: url, token: "gateway-token", timeout: timeout, retries: retries, backoff: .milliseconds(1)),
            logger: logger)
    }

    @Test func postsJSONWithTheBearerToken() async throws {
        let gateway = FakeGateway(statuses: [.ok])
        try await gateway.run { url in
            try await sender(url).send(message)
        }
        let received = gateway.received.withLock { $0 }
        #expect(received.count == 1)
        #expect(received[0].authorization == "Bearer gateway-token")
        #expect(received[0].contentType?.hasPrefix("application/json") == true)
        #expect(received[0].body == ["phone": "+79991234567", "text": "Parta: код для входа 123456."])
    }

    @Test func retriesServerErrorsThenSucceeds() async throws {
        let gateway = FakeGateway(statuses: [.internalServerError, .badGateway, .accepted])
        try await gateway.run { url in
            try await sender(url, retries: 2).send(message)
        }
        #expect(gateway.received.withLock { $0.count } == 3)
    }

    @Test func givesUpAfterTheRetries() async throws {
        let gateway = FakeGateway(statuses: [.serviceUnavailable])
        try await gateway.run { url in
            await #expect(throws: SMSDeliveryError.self) { try await sender(url, retries: 1).send(message) }
        }
        #expect(gateway.received.withLock { $0.count } == 2)
    }

    @Test func doesNotRetryARefusal() async throws {
        let gateway = FakeGateway(statuses: [.badRequest, .ok])
        try await gateway.run { url in
            await #expect(throws: SMSDeliveryError.self) { try await sender(url).send(message) }
        }
        #expect(gateway.received.withLock { $0.count } == 1)
    }

    @Test func timesOutAHangingGateway() async throws {
        let gateway = FakeGateway(statuses: [.ok], delay: .seconds(1))
        try await gateway.run { url in
            await #expect(throws: SMSDeliveryError.self) {
                try await sender(url, retries: 0, timeout: .milliseconds(100)).send(message)
            }
        }
    }

    @Test func anUnreachableGatewayFails() async throws {
        // Nothing listens on port 9 (discard) here; the client keeps trying until the timeout.
        await #expect(throws: SMSDeliveryError.self) {
            try await sender("http://127.0.0.1:9/sms", retries: 1, timeout: .milliseconds(200)).send(message)
        }
    }
}
