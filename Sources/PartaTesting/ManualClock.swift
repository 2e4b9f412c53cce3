public import Foundation
public import PartaApp
import Synchronization

/// A wall clock tests move by hand; never sleeps.
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
