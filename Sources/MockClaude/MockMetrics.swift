import CoreMetrics
import Faults
import Prometheus

/// The mock's Prometheus metrics, through swift-metrics. Every series is created up
/// front, so recording a request takes no registry lock.
final class MockMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Indexed by endpoint, then status (the last column counts any other status).
    private let requests: [[CoreMetrics.Counter]]
    private let faults: [String: CoreMetrics.Counter]
    private let latency: CoreMetrics.Timer

    static let endpoints = ["messages", "count_tokens", "models", "batches", "batch_item", "files", "other"]
    static let statuses = [200, 400, 401, 402, 403, 404, 413, 429, 500, 502, 503, 504, 529]

    init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        requests = Self.endpoints.map { endpoint in
            (Self.statuses.map(String.init) + ["other"]).map { status in
                CoreMetrics.Counter(label: "llmchaos_mock_requests_total", dimensions: [("endpoint", endpoint), ("status", status)], factory: factory)
            }
        }
        self.faults = Dictionary(uniqueKeysWithValues: FaultRegistry.kinds.map {
            ($0, CoreMetrics.Counter(label: "llmchaos_mock_faults_injected_total", dimensions: [("kind", $0)], factory: factory))
        })
        self.latency = CoreMetrics.Timer(label: "llmchaos_mock_request_duration_seconds", dimensions: [], factory: factory)
    }

    /// Counts one finished request. `realNanoseconds` is wall time, as scrapers
    /// expect; a batch's request is counted but not timed, since it spends its
    /// time in the batch, not on the wire.
    func record(endpoint: String, status: Int, faultKinds: [String], realNanoseconds: Int64) {
        let row = Self.endpoints.firstIndex(of: endpoint) ?? Self.endpoints.count - 1
        requests[row][Self.statuses.firstIndex(of: status) ?? Self.statuses.count].increment()
        for kind in faultKinds { faults[kind]?.increment() }
        if endpoint != RequestFacts.Endpoint.batchItem.rawValue { latency.recordNanoseconds(realNanoseconds) }
    }

    /// The Prometheus text exposition.
    func exposition() -> [UInt8] { registry.emitToBuffer() }
}
