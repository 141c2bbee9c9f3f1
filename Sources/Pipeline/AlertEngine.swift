import ChaosCore
import Synchronization

/// Keeps the sliding windows the alert rules read, and says which alerts change
/// state when evaluated at a given scenario time.
public final class AlertEngine: Sendable {
    public let rules: [AlertRule]
    /// Dollars per answer that count as normal, for the cost ratio; nil learns it
    /// from the first `minSamples` answers.
    public let costBaseline: Double?

    private struct State: Sendable {
        var calls = SlidingWindow()       // 1 failed, 0 succeeded
        var latencies = SlidingWindow()   // seconds
        var fallbacks = SlidingWindow()   // 1 fell back
        var validation = SlidingWindow()  // 1 first tier's SQL invalid
        var costs = SlidingWindow()       // dollars per answer
        var quality = SlidingWindow()     // rolling score after each sample
        var firing: Set<String> = []
        var learnedBaseline: Double?

        func series(_ metric: AlertRule.Metric) -> SlidingWindow {
            switch metric {
            case .upstreamErrorRate: calls
            case .p99Latency: latencies
            case .fallbackRate: fallbacks
            case .validationFailureRate: validation
            case .costRatio: costs
            case .qualityScore: quality
            }
        }
    }

    private let state = Mutex(State())

    public init(rules: [AlertRule] = AlertRule.defaults, costBaseline: Double? = nil) {
        self.rules = rules
        self.costBaseline = costBaseline
    }

    func observe(call: ModelCallRecord) {
        state.withLock { $0.calls.append(call.succeeded ? 0 : 1, at: call.at) }
    }

    func observe(answer: PipelineOutcome, at now: Duration, firstTier: String?) {
        state.withLock { s in
            s.latencies.append(answer.latency.seconds, at: now)
            s.fallbacks.append(answer.servedBy == firstTier ? 0 : 1, at: now)
            let invalid = answer.failures.first { $0.tier == firstTier }?.reason.hasPrefix("invalid SQL") == true
            s.validation.append(invalid ? 1 : 0, at: now)
            s.costs.append(answer.cost, at: now)
        }
    }

    func observe(quality: QualitySample) {
        state.withLock { $0.quality.append(quality.rollingScore, at: quality.at) }
    }

    /// Alerts that fire or resolve at `now`.
    public func evaluate(at now: Duration) -> [AlertEvent] {
        state.withLock { s in
            var events: [AlertEvent] = []
            let longest = rules.map(\.window).max() ?? .zero
            Self.trim(&s, before: now - longest)
            for rule in rules {
                guard let value = value(of: rule, in: &s, now: now) else { continue }
                let isFiring = s.firing.contains(rule.name)
                if !isFiring, rule.crossed(value) {
                    s.firing.insert(rule.name)
                    events.append(AlertEvent(name: rule.name, state: .firing, at: now, value: value, threshold: rule.threshold))
                } else if isFiring, rule.recovered(value) {
                    s.firing.remove(rule.name)
                    events.append(AlertEvent(name: rule.name, state: .resolved, at: now, value: value, threshold: rule.threshold))
                }
            }
            return events
        }
    }

    /// Names of the alerts firing now.
    public var firing: Set<String> { state.withLock { $0.firing } }

    private func value(of rule: AlertRule, in s: inout State, now: Duration) -> Double? {
        let series = s.series(rule.metric)
        let window = series.range(after: now - rule.window, through: now)
        guard window.count >= rule.minSamples else { return nil }
        switch rule.metric {
        case .upstreamErrorRate, .fallbackRate, .validationFailureRate: return series.mean(of: window)
        case .p99Latency: return series.percentile(99, of: window)
        case .costRatio:
            let current = series.mean(of: window)
            if s.learnedBaseline == nil, costBaseline == nil { s.learnedBaseline = current }
            guard let baseline = costBaseline ?? s.learnedBaseline, baseline > 0 else { return nil }
            return current / baseline
        case .qualityScore: return series.values[window.upperBound - 1]
        }
    }

    private static func trim(_ s: inout State, before cutoff: Duration) {
        s.calls.trim(through: cutoff)
        s.latencies.trim(through: cutoff)
        s.fallbacks.trim(through: cutoff)
        s.validation.trim(through: cutoff)
        s.costs.trim(through: cutoff)
        s.quality.trim(through: cutoff)
    }
}
