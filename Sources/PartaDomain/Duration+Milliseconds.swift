import Foundation

extension Duration {
    /// Milliseconds with microsecond precision, for logs, reports and benchmarks.
    public var milliseconds: Double {
        let value = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        return (value * 1000).rounded() / 1000
    }
}
