public import Foundation

/// Where use cases get the time: the system clock in production, a manual one in tests.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
