import ChaosCore

/// The numbers a report shows about one run, computed from its RunLog alone.
public struct RunStatistics: Codable, Sendable, Equatable {
    public var requests: Int
    public var outcomes: [String: Int]
    /// Requests by the tier or model that served them.
    public var servedBy: [String: Int]
    @Milliseconds public var p50: Duration
    @Milliseconds public var p90: Duration
    @Milliseconds public var p99: Duration
    @Milliseconds public var max: Duration
    public var upstreamAttempts: Int
    /// Upstream attempts by HTTP status.
    public var attemptStatuses: [String: Int]
    public var alertsFired: Int
    public var qualitySamples: Int
    public var wrongAnswersServed: Int
    public var cost: Double
    public var droppedRequests: Int
    /// Time to first token and inter-token latency of the answers that streamed
    /// (absent when none did).
    @OptionalMilliseconds public var ttftP50: Duration?
    @OptionalMilliseconds public var ttftP99: Duration?
    @OptionalMilliseconds public var itlP50: Duration?
    @OptionalMilliseconds public var itlP99: Duration?

    public init(_ log: RunLog) {
        let latencies = log.requests.map(\.latency).sorted()
        requests = log.requests.count
        outcomes = Dictionary(grouping: log.requests, by: \.outcome.rawValue).mapValues(\.count)
        servedBy = Dictionary(grouping: log.requests, by: { $0.servedBy ?? "none" }).mapValues(\.count)
        p50 = latencies.percentile(50); p90 = latencies.percentile(90); p99 = latencies.percentile(99); max = latencies.last ?? .zero
        let messages = log.messageAttempts
        upstreamAttempts = messages.count
        attemptStatuses = Dictionary(grouping: messages, by: { String($0.status) }).mapValues(\.count)
        alertsFired = log.alerts.filter { $0.state == .firing }.count
        qualitySamples = log.quality.count
        wrongAnswersServed = log.requests.filter { $0.outcome == .ok && $0.grade == .wrong }.count
        cost = log.requests.reduce(0) { $0 + $1.cost }
        droppedRequests = log.info.droppedRequests
        let ttfts = log.requests.compactMap(\.timeToFirstToken).sorted()
        let itls = log.requests.compactMap(\.interTokenLatency).sorted()
        if !ttfts.isEmpty { ttftP50 = ttfts.percentile(50); ttftP99 = ttfts.percentile(99) }
        if !itls.isEmpty { itlP50 = itls.percentile(50); itlP99 = itls.percentile(99) }
    }
}

/// A run cut into equal slices of scenario time, for the timelines.
public struct TimeSeries: Sendable {
    public struct Bucket: Sendable {
        public var start: Duration
        public var requests = 0
        public var errors = 0
        public var fallbacks = 0
        public var p50: Duration = .zero
        public var p99: Duration = .zero
        public var servedBy: [String: Int] = [:]
    }

    public var width: Duration
    public var buckets: [Bucket]

    /// About `count` buckets over the run (by each request's scheduled time).
    public init(_ log: RunLog, count: Int = 60) {
        let end = Swift.max(log.info.duration, .milliseconds(1))
        let width = end / count
        self.width = width
        var buckets = (0..<count).map { Bucket(start: width * $0) }
        var latencies = [[Duration]](repeating: [], count: count)
        let primary = log.requests.compactMap(\.servedBy).first { $0 != "cache" && $0 != "degraded" }
        let first = Self.firstTier(log) ?? primary
        for request in log.requests {
            let index = Swift.min(count - 1, Swift.max(0, Int(request.scheduled / width)))
            buckets[index].requests += 1
            if request.outcome == .error { buckets[index].errors += 1 }
            if let first, request.servedBy != first { buckets[index].fallbacks += 1 }
            buckets[index].servedBy[request.servedBy ?? "none", default: 0] += 1
            latencies[index].append(request.latency)
        }
        for index in 0..<count where !latencies[index].isEmpty {
            let sorted = latencies[index].sorted()
            buckets[index].p50 = sorted.percentile(50)
            buckets[index].p99 = sorted.percentile(99)
        }
        self.buckets = buckets
    }

    /// The tier most requests went to when nothing failed: the model that served first
    /// in the run's first requests.
    static func firstTier(_ log: RunLog) -> String? {
        let served = log.requests.sorted { $0.scheduled < $1.scheduled }.prefix(50).compactMap(\.servedBy)
            .filter { $0 != "cache" && $0 != "degraded" }
        return Dictionary(grouping: served, by: { $0 }).max { $0.value.count < $1.value.count }?.key
    }
}
