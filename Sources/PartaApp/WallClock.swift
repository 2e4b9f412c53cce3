public import Foundation
import Synchronization

/// Where use cases get the time: the system clock in production, a manual one in tests.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A wall clock moved by hand, never sleeping: tests, and the demo playing past weeks.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    /// Starts at a fixed school-day morning unless told otherwise.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_788_242_400)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
