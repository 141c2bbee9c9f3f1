import ChaosCore

/// Who is under load: the built-in pipeline in process, or a service over HTTP.
public protocol LoadTarget: Sendable {
    /// Sends one logical request and reports what came back. Must return promptly
    /// when the task is cancelled (the driver cancels what is left at the end).
    func send(_ request: LoadRequest) async -> LoadReply

    /// Where worker `worker`'s requests should run, if the target has a preference
    /// (the HTTP client's event loops); nil runs them on the global executor.
    func executor(forWorker worker: Int) -> (any TaskExecutor)?

    /// Whether every `send` suspends (waits on the network), as an HTTP target's
    /// does. When it may not (an in-process target answering a cache hit from
    /// memory), a closed-model user with no think time yields between requests: a
    /// few users that never suspend would otherwise hold every thread of the
    /// cooperative pool until the run ends, starving all other work (a sweep's
    /// pipeline made its upstream calls only after its level was over).
    var suspendsOnEveryRequest: Bool { get }
}

extension LoadTarget {
    public func executor(forWorker worker: Int) -> (any TaskExecutor)? { nil }
    public var suspendsOnEveryRequest: Bool { false }
}

/// One logical request the driver sends.
public struct LoadRequest: Sendable, Equatable {
    /// Position in the run, from 0.
    public var index: Int
    /// Derived from (seed, index): forwarded upstream, it ties the mock's journal to this request.
    public var requestID: String
    public var tenant: String
    /// A draw from (seed, index) the target uses to pick the question.
    public var draw: UInt64
    /// When the schedule wanted it sent, in scenario time.
    public var scheduled: Duration

    public init(index: Int, requestID: String, tenant: String = "default", draw: UInt64 = 0, scheduled: Duration = .zero) {
        self.index = index; self.requestID = requestID; self.tenant = tenant; self.draw = draw; self.scheduled = scheduled
    }

    /// The id of request `index` in a run with `seed`.
    public static func id(seed: UInt64, index: Int) -> String {
        let digits = String(index)
        return "r\(seed)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// What the target answered, as the RunLog records it (the driver adds the times).
public struct LoadReply: Sendable, Equatable {
    public var outcome: RequestRecord.Outcome
    public var servedBy: String?
    public var status: Int?
    public var grade: RequestRecord.Grade
    public var questionID: String?
    public var error: String?
    public var failures: [String]
    public var upstreamAttempts: Int
    public var cost: Double
    public var variant: String?
    /// From sending to the first token, when the answer streamed (scenario time).
    public var timeToFirstToken: Duration?
    /// Mean gap between the streamed answer's tokens.
    public var interTokenLatency: Duration?

    public init(
        outcome: RequestRecord.Outcome, servedBy: String? = nil, status: Int? = 200, grade: RequestRecord.Grade = .unknown,
        questionID: String? = nil, error: String? = nil, failures: [String] = [], upstreamAttempts: Int = 0, cost: Double = 0, variant: String? = nil,
        timeToFirstToken: Duration? = nil, interTokenLatency: Duration? = nil
    ) {
        self.outcome = outcome; self.servedBy = servedBy; self.status = status; self.grade = grade; self.questionID = questionID
        self.error = error; self.failures = failures; self.upstreamAttempts = upstreamAttempts; self.cost = cost
        self.variant = variant; self.timeToFirstToken = timeToFirstToken; self.interTokenLatency = interTokenLatency
    }
}
