import ChaosCore
import Synchronization

/// Keeps the sliding windows the alert rules read, and says which alerts change
/// state when evaluated at a given scenario time.
public final class AlertEngine: Sendable {
    public let rules: [AlertRule]
    /// Dollars per answer that count as normal, for the cost ratio; nil learns it
    /// from the first `minSamples` answers.
    public let costBaseline: Double?

    private struct Sample: Sendable { var at: Duration; var value: Double }
    private struct State: Sendable {
        var calls: [Sample] = []          // 1 failed, 0 succeeded
        var latencies: [Sample] = []      // seconds
        var fallbacks: [Sample] = []      // 1 fell back
        var validation: [Sample] = []     // 1 first tier's SQL invalid
        var costs: [Sample] = []          // dollars per answer
        var quality: [Sample] = []        // rolling score after each sample
        var firing: Set<String> = []
        var learnedBaseline: Double?
    }

    private let state = Mutex(State())

    public init(rules: [AlertRule] = AlertRule.defaults, costBaseline: Double? = nil) {
        self.rules = rules
        self.costBaseline = costBaseline
    }

    func observe(call: ModelCallRecord) {
        state.withLock { $0.calls.append(Sample(at: call.at, value: call.succeeded ? 0 : 1)) }
    }

    func observe(answer: PipelineOutcome, at now: Duration, firstTier: String?) {
        state.withLock { s in
            s.latencies.append(Sample(at: now, value: answer.latency.seconds))
            s.fallbacks.append(Sample(at: now, value: answer.servedBy == firstTier ? 0 : 1))
            let invalid = answer.failures.first { $0.tier == firstTier }?.reason.hasPrefix("invalid SQL") == true
            s.validation.append(Sample(at: now, value: invalid ? 1 : 0))
            s.costs.append(Sample(at: now, value: answer.cost))
        }
    }

    func observe(quality: QualitySample) {
        state.withLock { $0.quality.append(Sample(at: quality.at, value: quality.rollingScore)) }
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
        let from = now - rule.window
        func recent(_ samples: [Sample]) -> [Double] { samples.filter { $0.at > from && $0.at <= now }.map(\.value) }
        func mean(_ values: [Double]) -> Double? {
            values.count >= rule.minSamples ? values.reduce(0, +) / Double(values.count) : nil
        }
        switch rule.metric {
        case .upstreamErrorRate: return mean(recent(s.calls))
        case .fallbackRate: return mean(recent(s.fallbacks))
        case .validationFailureRate: return mean(recent(s.validation))
        case .p99Latency:
            let values = recent(s.latencies).sorted()
            guard values.count >= rule.minSamples else { return nil }
            return values[min(values.count - 1, Int((Double(values.count) * 0.99).rounded(.up)) - 1)]
        case .costRatio:
            guard let current = mean(recent(s.costs)) else { return nil }
            if s.learnedBaseline == nil, costBaseline == nil { s.learnedBaseline = current }
            guard let baseline = costBaseline ?? s.learnedBaseline, baseline > 0 else { return nil }
            return current / baseline
        case .qualityScore:
            let values = recent(s.quality)
            return values.count >= rule.minSamples ? values.last : nil
        }
    }

    private static func trim(_ s: inout State, before cutoff: Duration) {
        s.calls.removeAll { $0.at <= cutoff }
        s.latencies.removeAll { $0.at <= cutoff }
        s.fallbacks.removeAll { $0.at <= cutoff }
        s.validation.removeAll { $0.at <= cutoff }
        s.costs.removeAll { $0.at <= cutoff }
        s.quality.removeAll { $0.at <= cutoff }
    }
}
