import ChaosCore

/// The knobs of the reference pipeline; every duration is scenario time.
public struct PipelineConfiguration: Sendable {
    /// One step of the fallback chain, tried in order.
    public enum Tier: Sendable, Equatable {
        case model(ModelTier)
        /// A recent good answer to the same question, flagged as possibly stale.
        case cache
        /// The honest last resort: "temporarily unavailable", never wrong data.
        case degraded

        public var name: String {
            switch self {
            case let .model(tier): tier.model
            case .cache: "cache"
            case .degraded: "degraded"
            }
        }
    }

    /// A model tier: which model, how long it may take, whether to stream.
    public struct ModelTier: Sendable, Equatable {
        public var model: String
        /// The whole call, first byte to last, per attempt.
        public var timeout: Duration
        public var stream: Bool
        public var maxTokens: Int
        /// Answers scoring under this ``Confidence`` fail the tier.
        public var minConfidence: Double
        /// The most this tier may spend on one answer, attempts and backoff sleeps
        /// together; then the next tier takes over. A per-attempt timeout alone lets
        /// three slow attempts cost three timeouts; the budget is what users wait.
        public var latencyBudget: Duration?

        public init(model: String, timeout: Duration = .seconds(30), stream: Bool = false, maxTokens: Int = 1024, minConfidence: Double = 0.5, latencyBudget: Duration? = nil) {
            self.model = model; self.timeout = timeout; self.stream = stream; self.maxTokens = maxTokens; self.minConfidence = minConfidence
            self.latencyBudget = latencyBudget
        }
    }

    public var tiers: [Tier] = [
        .model(ModelTier(model: "claude-opus-4-7")), .model(ModelTier(model: "claude-sonnet-4-6")), .cache, .degraded,
    ]
    public var retry = RetryPolicy()
    /// Retries allowed per first attempt, across all requests (see ``RetryBudget``).
    public var retryBudgetRatio = 0.2
    public var retryBudgetReserve = 10.0
    /// Failures in a row that open a model's circuit, and how long it stays open.
    public var breakerThreshold = 5
    public var breakerCoolDown: Duration = .seconds(30)
    public var cacheTTL: Duration = .seconds(3600)
    /// Seeds the jitter draws, so a replay retries at the same moments.
    public var seed: UInt64 = 0
    public var qualityMonitor = QualityMonitor.Configuration()
    public var alertRules = AlertRule.defaults
    /// Dollars per answer that count as normal for the cost alert; nil learns it.
    public var costBaseline: Double?
    /// An Alertmanager-compatible receiver to post alerts to.
    public var alertWebhook: String?
    public var prices = PriceTable.defaults
    /// Send the system prompt with `cache_control`, so it is read from the prompt cache.
    public var promptCaching = true
    /// Ask the answering model, in a second call, whether its SQL answers the question
    /// (a verification prompt); costs a call per answer.
    public var semanticCheck = false
    /// Easy questions go to the cheapest model tier first, hard ones keep the order.
    public var routeByComplexity = false
    /// The steps after SQL generation (see ``WorkflowStep``).
    public var workflow: [WorkflowStep] = [.execute]
    /// A canary of a prompt version or model, rolled back when an alert fires.
    public var canary: Canary.Plan?

    /// Every model the pipeline may call: its model tiers, a canary's model and,
    /// when answers are graded, the judge's.
    public var models: [String] {
        var models = tiers.compactMap { tier -> String? in if case let .model(model) = tier { model.model } else { nil } }
        if case let .model(model)? = canary?.target { models.append(model) }
        if qualityMonitor.every > 0 { models.append(qualityMonitor.judgeModel) }
        var seen = Set<String>()
        return models.filter { seen.insert($0).inserted }
    }
    /// Run-time switches: models turned off by a kill switch.
    public var flags = FeatureFlags()
    /// Prompt versions and the active one.
    public var prompts = PromptRegistry()
    /// Receives one JSON line per model call and per answer (see ``StructuredLog``).
    public var log: (@Sendable (String) -> Void)?
    /// Receives each answer as a trace, one line of OTLP/JSON (see ``TraceExport``).
    public var spans: (@Sendable (String) -> Void)?
    /// Monthly token budgets by tenant; tenants not listed are unlimited.
    public var monthlyTokenBudgets: [String: Int] = [:]

    public init() {}
}
