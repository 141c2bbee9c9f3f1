import ChaosCore
import Verdicts

/// One level of a sweep, measured from its RunLog alone.
public struct SweepLevel: Codable, Sendable, Equatable {
    /// `16 concurrent` or `20/s`.
    public var label: String
    /// The number swept: users for a closed model, requests per second for an open one.
    public var value: Double
    public var runID: String
    /// `completed`, `aborted`, ``interrupted`` or ``overBudget``.
    public var status: String
    public var requests: Int
    /// Answers per second of scenario time (fresh or degraded: anything but an error).
    public var throughput: Double
    /// Answers per second that were fresh (not degraded), not wrong, and within the
    /// SLO's latency bound: what users could use.
    public var goodput: Double
    @Milliseconds public var p50: Duration
    @Milliseconds public var p90: Duration
    @Milliseconds public var p99: Duration
    @Milliseconds public var max: Duration
    /// Time to first token of the answers that streamed (nil when none did).
    @OptionalMilliseconds public var ttftP50: Duration?
    @OptionalMilliseconds public var ttftP99: Duration?
    /// Inter-token latency: percentiles over the streamed answers of each one's mean gap.
    @OptionalMilliseconds public var itlP50: Duration?
    @OptionalMilliseconds public var itlP99: Duration?
    /// Requests that got no answer at all / requests.
    public var errorRate: Double
    /// Share of requests served by each tier (`claude-opus-4-7`, `cache`, `degraded`, …).
    public var tierShares: [String: Double]
    /// Upstream attempts answered 429 / 529, over all upstream attempts.
    public var rateLimitedShare: Double
    public var overloadedShare: Double
    /// Upstream attempts per request.
    public var retryAmplification: Double
    public var costPerAnswer: Double
    public var verdicts: [Verdict]
    /// How full each rate-limit bucket ran, highest first.
    public var constraints: [ConstraintUse]
    /// Set when the harness was short of CPU at this level (``RunInfo/saturation``):
    /// its latencies measured the machine as much as the target.
    public var saturation: String?

    /// The status of a level a Ctrl-C cut short: shown, but not judged.
    public static let interrupted = "interrupted"
    /// The status of a level stopped for taking too long: the load it could not carry.
    public static let overBudget = "stopped: over its time budget"

    /// Every SLO expectation held (every expectation, when the scenario has no SLO).
    public var meetsSLO: Bool {
        let slos = verdicts.filter { $0.kind == "slo" }
        return status == "completed" && (slos.isEmpty ? verdicts : slos).allSatisfy(\.passed)
    }

    /// - Parameter latencyBound: the SLO's per-request latency bound, for goodput.
    public init(label: String, value: Double, result: ScenarioResult, latencyBound: Duration?, constraints: [ConstraintUse]) {
        let log = result.log
        let stats = RunStatistics(log)
        let seconds = Swift.max(log.info.duration.seconds, 0.001)
        self.label = label; self.value = value; runID = log.info.runID
        status = switch (log.info.status, log.info.stopCause) {
        case (.aborted, .interrupted?): Self.interrupted
        case (.aborted, .overBudget?): Self.overBudget
        default: log.info.status.rawValue
        }
        requests = stats.requests
        throughput = Double(log.requests.filter { $0.outcome != .error }.count) / seconds
        goodput = Double(log.requests.filter { request in
            request.outcome == .ok && request.grade != .wrong && latencyBound.map { request.latency <= $0 } ?? true
        }.count) / seconds
        p50 = stats.p50; p90 = stats.p90; p99 = stats.p99; max = stats.max
        ttftP50 = stats.ttftP50; ttftP99 = stats.ttftP99; itlP50 = stats.itlP50; itlP99 = stats.itlP99
        let total = Double(Swift.max(1, stats.requests))
        errorRate = Double(log.requests.filter { $0.outcome == .error }.count) / total
        tierShares = stats.servedBy.mapValues { Double($0) / total }
        let attempts = Double(Swift.max(1, stats.upstreamAttempts))
        rateLimitedShare = Double(stats.attemptStatuses["429"] ?? 0) / attempts
        overloadedShare = Double(stats.attemptStatuses["529"] ?? 0) / attempts
        retryAmplification = Double(stats.upstreamAttempts) / total
        let answers = log.requests.filter { $0.outcome != .error }.count
        costPerAnswer = answers == 0 ? 0 : stats.cost / Double(answers)
        verdicts = result.verdicts
        saturation = log.info.saturation
        self.constraints = constraints.sorted { $0.utilisation > $1.utilisation }
    }
}

/// How much of one rate limit a level used: what the bucket admitted over the
/// fault's window, against all it could admit (the limit per minute, plus the
/// full bucket it starts with).
public struct ConstraintUse: Codable, Sendable, Equatable {
    /// `output tokens per minute on claude-opus-4-7`.
    public var name: String
    /// Per minute.
    public var limit: Int
    public var admitted: Double
    public var capacity: Double
    /// Requests the bucket refused (429).
    public var refused: Int

    public init(name: String, limit: Int, admitted: Double, capacity: Double, refused: Int) {
        self.name = name; self.limit = limit; self.admitted = admitted; self.capacity = capacity; self.refused = refused
    }

    public var utilisation: Double { capacity == 0 ? 0 : admitted / capacity }

    public var description: String {
        "\(name): \(Int(admitted.rounded())) of the \(Int(capacity.rounded())) the bucket could admit (\(limit) a minute), \(SweepText.percent(utilisation)); \(refused) refused"
    }
}

/// A sweep's levels and what they add up to.
public struct SweepResult: Codable, Sendable, Equatable {
    public var sweepID: String
    public var scenario: String
    /// `concurrency` or `rate`.
    public var dimension: String
    public var levels: [SweepLevel]
    /// The level the sweep stopped at before measuring it, and why: its target
    /// could not start, or the user interrupted it. Levels above it never ran, so
    /// the knee found below it is a lower bound.
    public var stoppedAt: String?
    public var stopReason: String?

    public init(sweepID: String, scenario: String, dimension: String, levels: [SweepLevel], stoppedAt: String? = nil, stopReason: String? = nil) {
        self.sweepID = sweepID; self.scenario = scenario; self.dimension = dimension; self.levels = levels
        self.stoppedAt = stoppedAt; self.stopReason = stopReason
    }

    /// Levels that say something about capacity: not the one a Ctrl-C cut short.
    private var judged: [SweepLevel] {
        levels.filter { $0.status != SweepLevel.interrupted }.sorted { $0.value < $1.value }
    }

    /// The highest level of the unbroken run of levels, from the lowest, that meet
    /// the SLO; nil when even the lowest does not.
    public var knee: SweepLevel? {
        judged.prefix { $0.meetsSLO }.last
    }

    /// The first level past the knee: where the SLO broke.
    public var firstFailure: SweepLevel? {
        judged.first { !$0.meetsSLO }
    }

    /// Levels above the first failure that meet the SLO again: noise, or a target
    /// that recovers under more load; either way the report says so.
    public var recoveriesAboveFailure: [SweepLevel] {
        guard let failure = firstFailure else { return [] }
        return levels.filter { $0.value > failure.value && $0.meetsSLO }
    }

    /// What broke the SLO first: the fullest rate limit among those that refused
    /// calls (a refusal is the evidence that it bound; how full it ran depends on
    /// how much of it the pipeline's breaker and cache left unused), else the
    /// failed expectations' measurements.
    public var bindingConstraint: String? {
        guard let failure = firstFailure else { return nil }
        if let fullest = failure.constraints.first(where: { $0.refused > 0 }) {
            return "\(fullest.name) (\(fullest.limit) a minute: \(SweepText.percent(fullest.utilisation)) of the bucket used at \(failure.label), \(fullest.refused) calls refused)"
        }
        let failed = failure.verdicts.filter { !$0.passed && $0.kind == "slo" }
        let reasons = (failed.isEmpty ? failure.verdicts.filter { !$0.passed } : failed).map(\.measured)
        return reasons.isEmpty ? "the run at \(failure.label) did not complete (\(failure.status))" : reasons.joined(separator: "; ") + " at \(failure.label)"
    }

    /// The one line a capacity planner asks for.
    public var headline: String {
        let stop = stoppedAt.map { "the sweep stopped at \($0): \(stopReason ?? "no reason was recorded")" }
        guard let knee else {
            guard let lowest = judged.first else { return "no level ran" + (stop.map { "; " + $0 } ?? "") }
            return "no level met the SLO; even \(lowest.label) failed" + (bindingConstraint.map { ": \($0)" } ?? "") + (stop.map { "; " + $0 } ?? "") + machineNote
        }
        let measured = "\(knee.label) / \(SweepText.number(knee.throughput)) answers/s at p99 \(DurationText.format(knee.p99)), \(SweepText.dollars(knee.costPerAnswer)) per answer"
        if let binding = bindingConstraint {
            return "max sustainable: \(measured); limited by \(binding)" + (stop.map { "; " + $0 } ?? "") + machineNote
        }
        if let stop { return "max sustainable: at least \(measured); \(stop), before the limit was found" + machineNote }
        return "max sustainable: \(measured); every level met the SLO, sweep higher to find the limit" + machineNote
    }

    /// Said when the levels the headline rests on (the knee, the first failure) ran
    /// short of CPU: the limit found may be the machine's.
    private var machineNote: String {
        let short = [knee, firstFailure].compactMap { $0 }.filter { $0.saturation != nil }.map(\.label)
        return short.isEmpty ? "" : "; ⚠️ the harness was short of CPU at \(short.joined(separator: " and ")): the limit may be this machine's"
    }
}

/// Numbers as sweep reports print them.
enum SweepText {
    static func number(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: value >= 10 ? "%.1f" : "%.2f", value)
    }

    static func dollars(_ value: Double) -> String { String(format: "$%.4f", value) }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
