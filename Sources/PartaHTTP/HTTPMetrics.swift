import Logging
import Foundation
import PartaStore
public import Prometheus
import Synchronization

/// The server's Prometheus registry and the metrics Parta records itself.
/// One registry per application, passed explicitly: tests build many applications per process.
public final class HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let openWebSockets = Mutex(0)

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    static var requests: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "parta", subsystem: "http", metricName: "requests", unitName: "total",
        helpText: "HTTP requests by method, route pattern and status.") }
    static var requestDuration: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "parta", subsystem: "http", metricName: "request_duration", unitName: "seconds",
        helpText: "HTTP request latency by method and route pattern.") }
    static var webSockets: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "parta", metricName: "websocket_connections", unitName: "", helpText: "Open WebSocket connections.") }

    static func database(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "parta", subsystem: "db", metricName: name, unitName: "", helpText: help)
    }

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Called when a WebSocket opens (+1) or closes (-1).
    public func webSocketOpened(_ delta: Int) {
        openWebSockets.withLock { $0 += delta }
    }

    /// The text for `GET /metrics`, with gauges read at scrape time.
    func render(database: Database) async -> String {
        let stats = await database.stats()
        registry.makeGauge(descriptor: Self.webSockets).set(Double(openWebSockets.withLock { $0 }))
        let engine = [("engine", database.engine.rawValue)]
        let gauges: [(String, String, Int)] = [
            ("connections_in_use", "Database connections lent out now.", stats.inUse),
            ("connections_capacity", "Database connections available at most.", stats.capacity),
            ("waiting_requests", "Requests waiting for a database connection.", stats.waiting),
            ("transactions_committed", "Transactions committed since start.", stats.transactions),
            ("transactions_rolled_back", "Transactions rolled back since start.", stats.rollbacks),
        ]
        for (name, help, value) in gauges {
            registry.makeGauge(descriptor: Self.database(name, help), labels: engine).set(Double(value))
        }
        return registry.emitToString()
    }
}
