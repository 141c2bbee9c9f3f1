import AnthropicAPI
import ChaosCore
import Foundation
import Synchronization
import Workload

/// The reference text-to-SQL pipeline: each question walks the fallback chain
///
/// ```
/// claude-opus-4-7 ──fail──▶ claude-sonnet-4-6 ──fail──▶ cache ──miss──▶ degraded
///   │ retries: backoff + jitter, retry-after, retry budget
///   │ circuit breaker per model; SQL validated against the real schema
/// ```
/// and the outcome says which tier served and why the others did not.
public final class AnalyticsPipeline: Sendable {
    public let configuration: PipelineConfiguration
    public let client: ModelClient
    public let dataset: AnalyticsDataset
    public let cache: ResultCache
    let budget: RetryBudget
    public let quotas: TenantQuotas
    public let alerts: AlertEngine
    public let qualityMonitor: QualityMonitor
    /// The canary, when one is configured.
    public let canary: Canary?
    private let breakers: [String: CircuitBreaker]
    private let webhook: AlertWebhook?
    let grader: ExecutionGrader
    private let eventContinuation: AsyncStream<PipelineEvent>.Continuation
    /// Everything the pipeline does, for the harness's RunLog. One consumer.
    public let events: AsyncStream<PipelineEvent>
    var clock: any ScenarioClock { client.clock }

    public init(configuration: PipelineConfiguration, client: ModelClient, dataset: AnalyticsDataset) {
        self.configuration = configuration
        self.client = client
        self.dataset = dataset
        self.cache = ResultCache(ttl: configuration.cacheTTL)
        self.quotas = TenantQuotas(monthlyTokens: configuration.monthlyTokenBudgets)
        self.budget = RetryBudget(ratio: configuration.retryBudgetRatio, reserve: configuration.retryBudgetReserve)
        var breakers: [String: CircuitBreaker] = [:]
        for case let .model(tier) in configuration.tiers {
            breakers[tier.model] = CircuitBreaker(model: tier.model, failureThreshold: configuration.breakerThreshold, coolDown: configuration.breakerCoolDown)
        }
        self.breakers = breakers
        self.alerts = AlertEngine(rules: configuration.alertRules, costBaseline: configuration.costBaseline)
        self.qualityMonitor = QualityMonitor(configuration: configuration.qualityMonitor)
        self.canary = configuration.canary.map(Canary.init(plan:))
        self.webhook = configuration.alertWebhook.map { AlertWebhook(url: $0, clock: client.clock) }
        self.grader = ExecutionGrader(dataset: dataset)
        (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(100_000))
    }

    deinit { eventContinuation.finish() }

    /// Ends the event stream, so a consumer's loop ends after the last event.
    public func eventsFinish() { eventContinuation.finish() }

    /// Evaluates the alert rules now; the harness calls this on a tick so alerts
    /// resolve even when traffic stops.
    @discardableResult
    public func evaluateAlerts() async -> [AlertEvent] {
        let changes = alerts.evaluate(at: clock.now())
        for change in changes {
            emit(.alert(change))
            // Before the delivery: a slow alert receiver must not hold up the rollback.
            if change.state == .firing, let canary, canary.rollBack(at: change.at, reason: "\(change.name) fired") {
                emit(.canaryRolledBack(at: change.at, reason: "\(change.name) fired"))
            }
            await webhook?.deliver(change)
        }
        return changes
    }

    private var firstTier: String? {
        configuration.tiers.first.map(\.name)
    }

    /// Reports an answer: events, alert windows, and the quality sample if due.
    private func emit(_ event: PipelineEvent) {
        eventContinuation.yield(event)
        if let log = configuration.log, let line = StructuredLog.line(for: event, clock: clock) { log(line) }
        if let spans = configuration.spans, case let .answer(outcome) = event {
            spans(TraceExport.line(for: outcome, clock: clock))
        }
    }

    private func report(_ outcome: PipelineOutcome) async -> PipelineOutcome {
        emit(.answer(outcome))
        alerts.observe(answer: outcome, at: clock.now(), firstTier: firstTier)
        if !outcome.degraded, let sql = outcome.sql, qualityMonitor.shouldSample() {
            for sample in await qualityMonitor.grade(outcome, sql: sql, client: client, grader: grader) {
                alerts.observe(quality: sample)
                emit(.qualitySample(sample))
            }
        }
        await evaluateAlerts()
        return outcome
    }

    /// The circuit breaker of a model tier.
    public func breaker(for model: String) -> CircuitBreaker? { breakers[model] }

    /// Answers one question.
    /// - Parameter requestID: the logical request id, sent upstream as `x-llmchaos-request`.
    public func answer(question: String, tenant: String = "default", requestID: String) async -> PipelineOutcome {
        let start = clock.now()
        budget.recordRequest()
        var run = Run(outcome: PipelineOutcome(
            requestID: requestID, question: question, tenant: tenant, servedBy: "degraded", degraded: true, sql: nil,
            warnings: [], failures: [], upstreamAttempts: 0, inputTokens: 0, outputTokens: 0, latency: .zero
        ))
        run.outcome.start = start
        let complexity = ComplexityRouter.classify(question)
        run.outcome.canary = canary?.includes(requestID, at: start) ?? false
        var canaryVersion: String?
        var tiers = configuration.routeByComplexity ? ComplexityRouter.order(configuration.tiers, for: complexity, prices: configuration.prices) : configuration.tiers
        if run.outcome.canary, let target = canary?.plan.target {
            switch target {
            case let .promptVersion(version): canaryVersion = version
            case let .model(model): tiers = Self.replacingFirstModel(in: tiers, with: model)
            }
        }
        let prompt = configuration.prompts.current(canaryVersion)
        run.outcome.queryType = complexity.rawValue
        run.outcome.promptVersion = prompt.version
        let quota = quotas.check(tenant, at: start)
        let input = ["tenant": tenant, "query_type": complexity.rawValue, "prompt_version": prompt.version]
        switch quota {
        case .refused:
            run.outcome.warnings.append("tenant '\(tenant)' has used its monthly token budget; request refused")
            run.step("validate_input", from: start, at: clock.now(), ok: false, "over the monthly token budget", input)
            return await report(run.finish(servedBy: "refused", sql: nil, degraded: true, at: clock.now() - start))
        case let .warning(used):
            run.outcome.warnings.append("tenant '\(tenant)' has used \(Int(used * 100))% of its monthly token budget")
            run.step("validate_input", from: start, at: clock.now(), ok: true, "\(Int(used * 100))% of the monthly token budget used", input)
        case .ok:
            run.step("validate_input", from: start, at: clock.now(), ok: true, "\(complexity.rawValue) question", input)
        }
        defer { quotas.spend(run.outcome.totalTokens, by: tenant, at: clock.now()) }
        for tier in tiers {
            switch tier {
            case let .model(model):
                if let sql = await tryModel(model, system: prompt.system, run: &run) {
                    if let failure = await runSteps(sql: sql, model: model.model, run: &run) {
                        run.outcome.warnings.append(failure)
                        return await report(run.finish(servedBy: "failed", sql: sql, degraded: true, at: clock.now() - start))
                    }
                    cache.store(ResultCache.Entry(sql: sql, servedBy: model.model, storedAt: clock.now()), question: question, tenant: tenant)
                    run.outcome.timeToFirstToken = run.lastReply.firstToken.map { $0 - start }
                    run.outcome.interTokenLatency = run.lastReply.interToken
                    return await report(run.finish(servedBy: model.model, sql: sql, degraded: false, at: clock.now() - start))
                }
            case .cache:
                let lookup = clock.now()
                let entry = cache.lookup(question: question, tenant: tenant, now: lookup)
                run.step("cache", from: lookup, at: clock.now(), ok: entry != nil, entry.map { "hit: answered by \($0.servedBy)" } ?? "miss", critical: false)
                if let entry {
                    run.outcome.warnings.append("served from cache: answered by \(entry.servedBy) \(DurationText.format(clock.now() - entry.storedAt)) ago; may be stale")
                    return await report(run.finish(servedBy: "cache", sql: entry.sql, degraded: true, at: clock.now() - start))
                }
                run.outcome.failures.append(TierFailure(tier: "cache", reason: "no recent answer to this question", attempts: 0))
            case .degraded:
                break
            }
        }
        run.outcome.warnings.append("temporarily unavailable: " + run.outcome.failures.map(\.description).joined(separator: "; "))
        return await report(run.finish(servedBy: "degraded", sql: nil, degraded: true, at: clock.now() - start))
    }

    static func replacingFirstModel(in tiers: [PipelineConfiguration.Tier], with model: String) -> [PipelineConfiguration.Tier] {
        var replaced = false
        return tiers.map { tier in
            guard !replaced, case var .model(first) = tier else { return tier }
            replaced = true
            first.model = model
            return .model(first)
        }
    }

    /// The state of one answer as it walks the tiers.
    struct Run {
        var outcome: PipelineOutcome
        /// The stream timing of the last answer a model gave; kept when that model serves.
        var lastReply: (firstToken: Duration?, interToken: Duration?) = (nil, nil)
        /// Records a step, the span a trace shows, that ran from `start` to `end`.
        mutating func step(_ name: String, from start: Duration, at end: Duration, ok: Bool, _ detail: String, critical: Bool = true, _ attributes: [String: String] = [:]) {
            outcome.steps.append(StepRecord(name: name, critical: critical, succeeded: ok, detail: detail, start: start, duration: end - start, attributes: attributes))
        }
        mutating func finish(servedBy: String, sql: String?, degraded: Bool, at latency: Duration) -> PipelineOutcome {
            outcome.servedBy = servedBy
            outcome.sql = sql
            outcome.degraded = degraded
            outcome.latency = latency
            return outcome
        }
    }

    /// Scores valid SQL: runs it for the sanity checks and, when configured, asks
    /// the tier's model whether it answers the question.
    private func confidence(of sql: String, tier: PipelineConfiguration.ModelTier, run: inout Run) async -> Confidence {
        let (columns, result) = await grader.table(of: sql)
        let rows = try? result.get()
        var verdict: JudgeVerdict.Kind?
        if configuration.semanticCheck {
            run.outcome.upstreamAttempts += 1
            let request = QualityMonitor.judgeRequest(question: run.outcome.question, sql: sql, model: tier.model)
            let start = clock.now()
            let result = await client.send(request, requestID: run.outcome.requestID + "-verify", attempt: 1, timeout: tier.timeout)
            recordCall(result, model: tier.model, requestID: run.outcome.requestID + "-verify", attempt: 1, start: start)
            if case let .success(reply) = result {
                run.outcome.inputTokens += reply.usage.inputTokens
                run.outcome.outputTokens += reply.usage.outputTokens
                run.outcome.cost += configuration.prices.cost(model: tier.model, usage: reply.usage)
                verdict = (try? JSONDecoder().decode(JudgeVerdict.self, from: Data(reply.text.utf8)))?.verdict
            }
        }
        return Confidence.of(semantic: verdict, rows: rows, columns: columns)
    }

    private func recordCall(_ result: Result<ModelClient.Reply, CallFailure>, model: String, requestID: String, attempt: Int, start: Duration) {
        var record = ModelCallRecord(at: start, requestID: requestID, model: model, attempt: attempt, status: "ok",
                                     latency: clock.now() - start, inputTokens: 0, outputTokens: 0, succeeded: true)
        switch result {
        case let .success(reply):
            record.inputTokens = reply.usage.inputTokens
            record.outputTokens = reply.usage.outputTokens
            record.cost = configuration.prices.cost(model: model, usage: reply.usage)
        case let .failure(failure):
            record.status = failure.description
            record.succeeded = false
        }
        alerts.observe(call: record)
        emit(.modelCall(record))
    }

    /// Calls one model tier with retries; returns valid SQL, or records why not.
    private func tryModel(_ tier: PipelineConfiguration.ModelTier, system: String, run: inout Run) async -> String? {
        let start = clock.now()
        let model = ["model": tier.model]
        guard !configuration.flags.isDisabled(tier.model) else {
            run.outcome.failures.append(TierFailure(tier: tier.model, reason: "disabled by kill switch", attempts: 0))
            run.step("generate_sql", from: start, at: start, ok: false, "disabled by kill switch", model)
            return nil
        }
        let breaker = breakers[tier.model]
        guard breaker?.callWasRequested(at: clock.now()) ?? true else {
            run.outcome.failures.append(TierFailure(tier: tier.model, reason: "circuit open", attempts: 0))
            run.step("generate_sql", from: start, at: start, ok: false, "circuit open", model)
            // A refused call is the model still failing: without this, the error-rate
            // alert would resolve while the circuit is open and flap at every probe.
            alerts.observe(call: ModelCallRecord(at: clock.now(), requestID: run.outcome.requestID, model: tier.model, attempt: 0,
                                                 status: "circuit open", latency: .zero, inputTokens: 0, outputTokens: 0, succeeded: false))
            return nil
        }
        let request = Prompt.request(question: run.outcome.question, system: system, model: tier.model, maxTokens: tier.maxTokens,
                                     stream: tier.stream, cache: configuration.promptCaching)
        let headers = [(PromptRegistry.header, run.outcome.promptVersion)]
        var attempts = 0
        var reason = ""
        var generated = false
        let deadline = tier.latencyBudget.map { clock.now() + $0 }
        attempting: while true {
            attempts += 1
            run.outcome.upstreamAttempts += 1
            let callStart = clock.now()
            var timeout = tier.timeout
            if let deadline, deadline - callStart < timeout { timeout = deadline - callStart }
            let result = await client.send(request, requestID: run.outcome.requestID, attempt: run.outcome.upstreamAttempts, timeout: timeout, headers: headers)
            recordCall(result, model: tier.model, requestID: run.outcome.requestID, attempt: run.outcome.upstreamAttempts, start: callStart)
            let failure: CallFailure? = if case let .failure(failure) = result { failure } else { nil }
            run.step("model_call", from: callStart, at: clock.now(), ok: failure == nil, failure?.description ?? "ok",
                     critical: false, ["model": tier.model, "attempt": String(run.outcome.upstreamAttempts)])
            switch result {
            case let .success(reply):
                breaker?.callSucceeded()
                run.lastReply = (reply.firstTokenAt, reply.interTokenLatency)
                run.outcome.inputTokens += reply.usage.inputTokens
                run.outcome.outputTokens += reply.usage.outputTokens
                run.outcome.cacheReadTokens += reply.usage.cacheReadInputTokens
                run.outcome.cacheWriteTokens += reply.usage.cacheCreationInputTokens
                run.outcome.cost += configuration.prices.cost(model: tier.model, usage: reply.usage)
                // SQL cut off at max_tokens can still parse (a dropped WHERE clause) and be wrong.
                guard reply.stopReason != "max_tokens" else {
                    reason = "the answer was cut off at max_tokens"
                    break attempting
                }
                guard let sql = SQLExtractor.extract(from: reply.text) else {
                    reason = reply.stopReason == "refusal" ? "the model refused" : "the answer holds no SQL"
                    break attempting
                }
                let validating = clock.now()
                generated = true
                run.step("generate_sql", from: start, at: validating, ok: true, "\(attempts) attempt\(attempts == 1 ? "" : "s")", model)
                if let problem = await dataset.problem(with: sql) {
                    // A wrong answer is the tier failing, not the transport: no retry here.
                    reason = "invalid SQL: \(problem)"
                    run.step("validate", from: validating, at: clock.now(), ok: false, reason, model)
                    break attempting
                }
                let confidence = await confidence(of: sql, tier: tier, run: &run)
                guard confidence.score >= tier.minConfidence else {
                    reason = "low confidence \(confidence.score) (\(confidence.reasons.joined(separator: ", ")))"
                    run.step("validate", from: validating, at: clock.now(), ok: false, reason, model)
                    break attempting
                }
                run.step("validate", from: validating, at: clock.now(), ok: true, "confidence \(confidence.score)", model)
                run.outcome.confidence = confidence.score
                return sql
            case let .failure(failure):
                breaker?.callFailed(at: clock.now())
                reason = failure.description
                if case .timeout = failure, timeout < tier.timeout, let latencyBudget = tier.latencyBudget {
                    reason = "over the latency budget of \(DurationText.format(latencyBudget))"
                    break attempting
                }
                guard failure.isRetryable, attempts < configuration.retry.maxAttempts else { break attempting }
                var random = SeededRandom(String(configuration.seed), run.outcome.requestID, tier.model, String(attempts))
                guard let delay = configuration.retry.delay(beforeRetry: attempts, retryAfter: failure.retryAfter, random: &random) else {
                    reason += "; retry-after longer than \(DurationText.format(configuration.retry.maxWait))"
                    break attempting
                }
                if let deadline, let latencyBudget = tier.latencyBudget, clock.now() + delay >= deadline {
                    reason += "; no retry: the wait would pass the latency budget of \(DurationText.format(latencyBudget))"
                    break attempting
                }
                guard budget.withdraw() else { reason += "; retry budget spent"; break attempting }
                try? await clock.sleep(for: delay)
                guard breaker?.callWasRequested(at: clock.now()) ?? true else { reason += "; circuit opened"; break attempting }
            }
        }
        run.outcome.failures.append(TierFailure(tier: tier.model, reason: reason, attempts: attempts))
        if !generated { run.step("generate_sql", from: start, at: clock.now(), ok: false, reason, model) }
        return nil
    }
}
