/// One logical request the load generator sent: the RunLog's `requestFinished`.
///
/// `latency` counts from when the schedule wanted the request sent, not from when
/// it went out: a request the generator sent late (because the target was slow to
/// take earlier ones) is charged for its wait, as wrk2 does, so coordinated
/// omission cannot hide a stall.
public struct RequestRecord: Codable, Sendable, Equatable {
    /// How the request ended, from the caller's point of view.
    public enum Outcome: String, Codable, Sendable {
        /// A fresh answer.
        case ok
        /// An answer flagged as not fresh (cache) or an honest "unavailable".
        case degraded
        /// No answer: an error status, a transport failure, a timeout.
        case error
    }

    /// The grade of the served answer against ground truth.
    public enum Grade: String, Codable, Sendable {
        case right, wrong
        /// Nothing to grade (no SQL served) or no ground truth for the question.
        case unknown
    }

    public var index: Int
    public var requestID: String
    /// The golden question asked, when the workload knows it.
    public var questionID: String?
    public var tenant: String
    @Milliseconds public var scheduled: Duration
    @Milliseconds public var started: Duration
    @Milliseconds public var finished: Duration
    public var outcome: Outcome
    /// The tier or model that answered, as the target reported it.
    public var servedBy: String?
    /// The HTTP status an external target answered with (200 for the built-in pipeline).
    public var status: Int?
    public var grade: Grade
    /// Why the request failed, or the warning of a degraded answer.
    public var error: String?
    /// Why each tier before the serving one failed, as `tier: reason`.
    public var failures: [String]
    public var upstreamAttempts: Int
    /// Dollars spent on every upstream call for this request.
    public var cost: Double
    /// Which version of the target answered, when it says: the built-in pipeline's
    /// prompt version, or what an external target reports (a canary, a build).
    public var variant: String?
    /// From scheduled start to the first token, for an answer that streamed
    /// (coordinated-omission corrected, like ``latency``).
    @OptionalMilliseconds public var timeToFirstToken: Duration?
    /// Mean gap between the tokens of a streamed answer.
    @OptionalMilliseconds public var interTokenLatency: Duration?

    /// From scheduled start to the end (coordinated-omission corrected).
    public var latency: Duration { finished - scheduled }

    public init(
        index: Int, requestID: String, questionID: String? = nil, tenant: String = "default",
        scheduled: Duration, started: Duration? = nil, finished: Duration, outcome: Outcome,
        servedBy: String? = nil, status: Int? = 200, grade: Grade = .unknown, error: String? = nil,
        failures: [String] = [], upstreamAttempts: Int = 0, cost: Double = 0, variant: String? = nil,
        timeToFirstToken: Duration? = nil, interTokenLatency: Duration? = nil
    ) {
        self.index = index; self.requestID = requestID; self.questionID = questionID; self.tenant = tenant
        self.scheduled = scheduled; self.started = started ?? scheduled; self.finished = finished
        self.outcome = outcome; self.servedBy = servedBy; self.status = status; self.grade = grade
        self.error = error; self.failures = failures; self.upstreamAttempts = upstreamAttempts; self.cost = cost
        self.variant = variant; self.timeToFirstToken = timeToFirstToken; self.interTokenLatency = interTokenLatency
    }
}

/// An alert firing or resolving: the RunLog's `alert`.
public struct AlertRecord: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case firing, resolved }
    public var name: String
    public var state: State
    @Milliseconds public var at: Duration
    /// Where it came from: `pipeline` (built in) or `webhook` (an external target).
    public var source: String
    public var value: Double?
    public var threshold: Double?

    public init(name: String, state: State, at: Duration, source: String = "pipeline", value: Double? = nil, threshold: Double? = nil) {
        self.name = name; self.state = state; self.at = at; self.source = source; self.value = value; self.threshold = threshold
    }
}

/// One answer the quality monitor graded: the RunLog's `qualitySample`.
public struct QualityRecord: Codable, Sendable, Equatable {
    @Milliseconds public var at: Duration
    public var requestID: String
    public var model: String
    /// 1 right, 0 wrong.
    public var score: Double
    /// `execution` (ground truth) or `judge`.
    public var method: String
    public var rollingScore: Double

    public init(at: Duration, requestID: String, model: String, score: Double, method: String, rollingScore: Double) {
        self.at = at; self.requestID = requestID; self.model = model; self.score = score; self.method = method; self.rollingScore = rollingScore
    }
}

/// A fault window or load phase: the RunLog's `phase`.
public struct PhaseRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case fault, load }
    public var kind: Kind
    public var name: String
    @Milliseconds public var start: Duration
    @Milliseconds public var end: Duration

    public init(kind: Kind, name: String, start: Duration, end: Duration) {
        self.kind = kind; self.name = name; self.start = start; self.end = end
    }

    public func contains(_ time: Duration) -> Bool { time >= start && time < end }
}
