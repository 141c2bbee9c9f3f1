import ChaosCore

/// What the pipeline reports as it works; the harness turns these into RunLog
/// events. All times are scenario time.
public enum PipelineEvent: Sendable, Equatable {
    case modelCall(ModelCallRecord)
    case answer(PipelineOutcome)
    case alert(AlertEvent)
    case qualitySample(QualitySample)
    /// The canary was rolled back because an alert fired.
    case canaryRolledBack(at: Duration, reason: String)
}

/// One upstream call, as the structured log's model-call line records it.
public struct ModelCallRecord: Sendable, Equatable {
    public var at: Duration
    public var requestID: String
    public var model: String
    public var attempt: Int
    /// `ok`, or the failure (`529 overloaded_error`, `no answer within 30s`, …).
    public var status: String
    public var latency: Duration
    public var inputTokens: Int
    public var outputTokens: Int
    public var succeeded: Bool
    /// Dollars, from the price table.
    public var cost: Double = 0
}

/// An alert changing state.
public struct AlertEvent: Sendable, Equatable {
    public enum State: String, Sendable { case firing, resolved }
    public var name: String
    public var state: State
    public var at: Duration
    /// The value that crossed the threshold.
    public var value: Double
    public var threshold: Double
}

/// One graded answer from the quality monitor.
public struct QualitySample: Sendable, Equatable {
    public var at: Duration
    public var requestID: String
    public var model: String
    /// 1 right, 0 wrong.
    public var score: Double
    /// `execution` (ground truth) or `judge` (a model's verdict).
    public var method: String
    /// The rolling score after this sample.
    public var rollingScore: Double
}
