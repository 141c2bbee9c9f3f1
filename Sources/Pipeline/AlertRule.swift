import ChaosCore

/// An alert on a sliding window of scenario time, with hysteresis: it fires when
/// the value crosses `threshold` with at least `minSamples` in the window, and
/// resolves only when the value is back past `resolveThreshold`, so a value that
/// hovers at the line does not page over and over.
public struct AlertRule: Sendable, Equatable {
    public enum Metric: String, Sendable {
        /// Failed upstream calls / all upstream calls; calls an open circuit refused count as failed.
        case upstreamErrorRate = "upstream_error_rate"
        /// 99th percentile of answer latency, in seconds.
        case p99Latency = "p99_latency_seconds"
        /// Answers not served by the first tier / all answers.
        case fallbackRate = "fallback_rate"
        /// Answers whose first tier's SQL failed validation / all answers.
        case validationFailureRate = "validation_failure_rate"
        /// Mean dollars per answer divided by the baseline.
        case costRatio = "cost_ratio"
        /// The quality monitor's rolling score.
        case qualityScore = "quality_score"
    }

    public var name: String
    public var metric: Metric
    /// Fires above the threshold, or below it when `below` (quality).
    public var threshold: Double
    public var resolveThreshold: Double
    public var below = false
    public var window: Duration
    public var minSamples: Int

    public init(name: String, metric: Metric, threshold: Double, resolveThreshold: Double? = nil, below: Bool = false, window: Duration = .seconds(300), minSamples: Int = 10) {
        self.name = name; self.metric = metric; self.threshold = threshold; self.below = below
        self.resolveThreshold = resolveThreshold ?? (below ? threshold + (1 - threshold) * 0.25 : threshold * 0.8)
        self.window = window; self.minSamples = minSamples
    }

    func crossed(_ value: Double) -> Bool { below ? value < threshold : value > threshold }
    func recovered(_ value: Double) -> Bool { below ? value >= resolveThreshold : value <= resolveThreshold }

    /// The defaults of the reliability guides.
    public static let defaults: [AlertRule] = [
        AlertRule(name: "HighErrorRate", metric: .upstreamErrorRate, threshold: 0.05),
        AlertRule(name: "HighLatency", metric: .p99Latency, threshold: 10),
        AlertRule(name: "HighFallbackRate", metric: .fallbackRate, threshold: 0.10),
        AlertRule(name: "ValidationFailures", metric: .validationFailureRate, threshold: 0.02),
        AlertRule(name: "CostSpike", metric: .costRatio, threshold: 3),
        AlertRule(name: "LowQuality", metric: .qualityScore, threshold: 0.8, below: true, minSamples: 5),
    ]
}
