/// What the pipeline answered, and how: which tier served it, whether it is
/// degraded, and why each earlier tier failed.
public struct PipelineOutcome: Sendable, Equatable {
    public var requestID: String
    public var question: String
    public var tenant: String
    /// A model name, `cache`, `degraded`, `refused` (tenant over quota) or `failed` (a critical step failed).
    public var servedBy: String
    /// True for cache and degraded answers: the caller must not take them as fresh.
    public var degraded: Bool
    /// The SQL that answers the question; nil when degraded to "unavailable".
    public var sql: String?
    public var warnings: [String]
    public var failures: [TierFailure]
    /// Upstream calls made, across tiers.
    public var upstreamAttempts: Int
    public var inputTokens: Int
    public var outputTokens: Int
    /// Input tokens read from the prompt cache (billed at a tenth).
    public var cacheReadTokens: Int = 0
    /// Input tokens written to the prompt cache (billed at 1.25×).
    public var cacheWriteTokens: Int = 0

    /// Every token the answer's calls used, cached or not: what quotas count.
    public var totalTokens: Int { inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens }
    /// The served answer's ``Confidence`` score (0 when nothing was served).
    public var confidence: Double = 0
    /// `simple` or `complex`, from the ``ComplexityRouter``.
    public var queryType: String = "simple"
    /// Rows the SQL returned (the execute step), and the model's reading of them (interpret).
    public var rowCount: Int?
    public var summary: String?
    /// Every step after generation, with its timing: the answer's spans.
    public var steps: [StepRecord] = []
    /// Whether the request went to the canary.
    public var canary = false
    /// The prompt version that produced the SQL.
    public var promptVersion: String = ""
    /// Dollars spent on every call for this answer, failed ones included.
    public var cost: Double = 0
    /// Scenario time from question to answer.
    public var latency: Duration
    /// Scenario time the question arrived.
    public var start: Duration = .zero
    /// From the question to the first token of the streamed model answer that was
    /// served, retries and fallbacks before it included: what a user would wait for
    /// the first word if the answer streamed through. Nil unless a streaming model
    /// tier served.
    public var timeToFirstToken: Duration?
    /// Mean gap between the tokens of that streamed answer.
    public var interTokenLatency: Duration?
}

/// Why a tier did not serve.
public struct TierFailure: Sendable, Equatable, CustomStringConvertible {
    public var tier: String
    public var reason: String
    /// Calls made to this tier (0 when it was skipped, e.g. an open circuit).
    public var attempts: Int

    public var description: String { "\(tier): \(reason)" + (attempts > 1 ? " after \(attempts) attempts" : "") }
}
