import ChaosCore
import Scenario

/// `slo: { p99: 10s, p50: 2s, availability: 99.5%, during: opus-529, degraded_counts: true }`
///
/// Latency percentiles of logical requests (from their scheduled start, so a
/// stalled generator cannot hide a slow target) and availability: the share of
/// requests that got an answer. A degraded answer (cache, or an honest
/// "unavailable") counts as available unless `degraded_counts: false`.
public struct SLOExpectation: Expectation {
    public static let kind = "slo"
    static let percentileKeys: [(key: String, percentile: Double)] = [("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("max", 100)]
    let latency: [(key: String, percentile: Double, bound: Duration)]
    let availability: Double?
    let degradedCounts: Bool
    let window: WindowSpec

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "slo") else { return nil }
        var latency: [(String, Double, Duration)] = []
        for (key, percentile) in Self.percentileKeys {
            if let bound = reader.optional(key)?.duration(problems, what: key) { latency.append((key, percentile, bound)) }
        }
        availability = reader.optional("availability")?.probability(problems, what: "availability")
        degradedCounts = reader.optional("degraded_counts")?.bool(problems, what: "degraded_counts") ?? true
        let window = WindowSpec.parse(reader.optional("during"), problems: problems)
        reader.finish()
        guard let window else { return nil }
        if latency.isEmpty && availability == nil {
            problems.add("slo needs a latency bound (p50, p90, p95, p99, max) or an availability", at: node)
            return nil
        }
        self.latency = latency.map { (key: $0.0, percentile: $0.1, bound: $0.2) }; self.window = window
    }

    public var summary: String {
        var parts = latency.map { "\($0.key) ≤ \(Format.time($0.bound))" }
        if let availability { parts.append("availability ≥ \(Format.percent(availability))") }
        return "SLO during \(window): " + parts.joined(separator: ", ")
    }

    public var faultReferences: [FaultReference] { window.faultReferences }

    /// The bound of the highest percentile given: the latency a single request must
    /// stay within to count as good (for a sweep's goodput).
    public var requestLatencyBound: Duration? { latency.max { $0.percentile < $1.percentile }?.bound }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = window.resolve(in: log) else { return verdict(false, "the run has no fault named \(self.window)") }
        let requests = log.requests(in: window)
        guard !requests.isEmpty else { return verdict(false, "no request was scheduled in \(window.name)") }
        let sorted = requests.map(\.latency).sorted()
        var measured: [String] = []
        var failures: [String] = []
        var offenders: [Offender] = []
        for (key, percentile, bound) in latency {
            let value = sorted.percentile(percentile)
            measured.append("\(key) \(Format.time(value))")
            if value > bound {
                failures.append("\(key) \(Format.time(value)) > \(Format.time(bound))")
                offenders += requests.filter { $0.latency > bound }.sorted { $0.latency > $1.latency }
                    .map { Offender(requestID: $0.requestID, at: $0.scheduled, reason: "took \(Format.time($0.latency)) (\($0.servedBy ?? $0.outcome.rawValue))") }
            }
        }
        if let availability {
            let good = requests.filter { $0.outcome == .ok || (degradedCounts && $0.outcome == .degraded) }
            let value = Double(good.count) / Double(requests.count)
            measured.append("availability \(Format.percent(value)) (\(good.count)/\(requests.count))")
            if value < availability {
                failures.append("availability \(Format.percent(value)) < \(Format.percent(availability))")
                offenders += requests.filter { !($0.outcome == .ok || (degradedCounts && $0.outcome == .degraded)) }
                    .map { Offender(requestID: $0.requestID, at: $0.scheduled, reason: "\($0.outcome.rawValue): \($0.error ?? "no answer")") }
            }
        }
        let outcomes = Dictionary(grouping: requests, by: \.outcome.rawValue).mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return verdict(
            failures.isEmpty, measured.joined(separator: ", "),
            evidence: ["window \(window.name): \(requests.count) requests (\(outcomes.joined(separator: ", ")))"] + failures,
            offenders: offenders
        )
    }
}
