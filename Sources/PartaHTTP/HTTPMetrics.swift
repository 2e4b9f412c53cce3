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

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            name: "parta_http_requests_total",
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            name: "parta_http_request_duration_seconds",
            labels: [("method", method), ("route", route)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Called when a WebSocket opens (+1) or closes (-1).
    public func webSocketOpened(_ delta: Int) {
        openWebSockets.withLock { $0 += delta }
    }

    /// The text for `GET /metrics`, with gauges read at scrape time.
    func render(database: Database) async -> String {
        let stats = await database.stats()
        registry.makeGauge(name: "parta_websocket_connections").set(Double(openWebSockets.withLock { $0 }))
        registry.makeGauge(name: "parta_db_connections_in_use", labels: [("engine", database.engine.rawValue)])
            .set(Double(stats.inUse))
        registry.makeGauge(name: "parta_db_connections_capacity", labels: [("engine", database.engine.rawValue)])
            .set(Double(stats.capacity))
        registry.makeGauge(name: "parta_db_waiting_requests", labels: [("engine", database.engine.rawValue)])
            .set(Double(stats.waiting))
        registry.makeGauge(name: "parta_db_transactions_committed", labels: [("engine", database.engine.rawValue)])
            .set(Double(stats.transactions))
        registry.makeGauge(name: "parta_db_transactions_rolled_back", labels: [("engine", database.engine.rawValue)])
            .set(Double(stats.rollbacks))
        return registry.emitToString()
    }
}
