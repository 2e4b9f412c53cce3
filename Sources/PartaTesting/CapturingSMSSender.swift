public import PartaApp
import PartaDomain
import Synchronization

/// Records messages instead of sending them; can be told to fail. The test double for the SMS
/// gateway, the one thing outside the machine.
public final class CapturingSMSSender: SMSSender {
    private let sent = Mutex<[SMSMessage]>([])
    private let failing = Mutex(false)

    public init() {}

    public struct Unreachable: Error {}

    public func send(_ message: SMSMessage) async throws {
        if failing.withLock({ $0 }) { throw Unreachable() }
        sent.withLock { $0.append(message) }
    }

    public func fail(_ value: Bool) { failing.withLock { $0 = value } }

    public var messages: [SMSMessage] { sent.withLock { $0 } }

    /// The code in the newest message to `phone`.
    public func lastCode(for phone: String) -> String? {
        guard let e164 = PhoneNumber.normalize(phone) else { return nil }
        guard let text = messages.last(where: { $0.phone.e164 == e164 })?.text else { return nil }
        return SignInPolicy().code(inSMS: text)
    }
}
