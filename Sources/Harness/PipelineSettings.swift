import ChaosCore
import Foundation
import Pipeline
import Scenario

/// Reads the `pipeline:` block of a scenario into the built-in pipeline's
/// configuration; every key is optional and every problem is reported at its line.
///
/// ```yaml
/// pipeline:
///   tiers: [claude-opus-4-7, { model: claude-sonnet-4-6, timeout: 20s }, cache, degraded]
///   timeout: 30s              # default per model tier, per attempt
///   latency_budget: 12s       # default per model tier: attempts and waits together
///   stream: false             # default per model tier
///   retry: { max_attempts: 3, base: 1s, cap: 30s, jitter: full, max_wait: 60s }
///   retry_budget: { ratio: 0.2, reserve: 10 }
///   circuit_breaker: { threshold: 5, cool_down: 30s }
///   cache_ttl: 1h
///   quality_monitor: { every: 10, threshold: 0.8, window: 20 }
///   alerts: { HighErrorRate: { threshold: 0.05, window: 5m, min_samples: 10 } }
///   prompt_caching: true
///   semantic_check: false
///   route_by_complexity: false
///   prompts: { directory: mocks/prompts/sql, version: v1 }
///   cost_baseline: $0.01
///   prices: { claude-opus-4-7: { input: 5, output: 25 } }   # dollars per million tokens, over the list prices
///   canary: { prompt_version: v2, steps: [0, 0.1, 0.5, 1], step_every: 2m }   # or { model: ... }
///   flags: { disabled_models: [claude-opus-4-7] }
/// ```
enum PipelineSettings {
    static func parse(_ node: ConfigNode?, seed: UInt64, baseDirectory: String, problems: ProblemCollector) -> PipelineConfiguration {
        var config = PipelineConfiguration()
        config.seed = seed
        guard let node, let reader = node.mapping(problems, what: "pipeline") else { return config }
        let timeout = reader.optional("timeout")?.duration(problems, what: "timeout") ?? .seconds(30)
        let stream = reader.optional("stream")?.bool(problems, what: "stream") ?? false
        let latencyBudget = reader.optional("latency_budget")?.duration(problems, what: "latency_budget")
        let defaults = PipelineConfiguration.ModelTier(model: "", timeout: timeout, stream: stream, latencyBudget: latencyBudget)
        if let tiers = reader.optional("tiers") {
            config.tiers = parseTiers(tiers, defaults: defaults, problems: problems) ?? config.tiers
        } else {
            config.tiers = config.tiers.map { tier in
                guard case let .model(model) = tier else { return tier }
                var value = defaults
                value.model = model.model
                return .model(value)
            }
        }
        if let retry = reader.optional("retry")?.mapping(problems, what: "retry") {
            if let n = retry.optional("max_attempts")?.int(problems, what: "max_attempts", min: 1) { config.retry.maxAttempts = n }
            if let d = retry.optional("base")?.duration(problems, what: "base") { config.retry.base = d }
            if let d = retry.optional("cap")?.duration(problems, what: "cap") { config.retry.cap = d }
            if let d = retry.optional("max_wait")?.duration(problems, what: "max_wait") { config.retry.maxWait = d }
            if let jitter = retry.optional("jitter"), let text = jitter.string(problems, what: "jitter") {
                if let value = RetryPolicy.Jitter(rawValue: text) { config.retry.jitter = value } else {
                    problems.add("jitter must be full, equal or none, found '\(text)'", at: jitter)
                }
            }
            retry.finish()
        }
        if let budget = reader.optional("retry_budget")?.mapping(problems, what: "retry_budget") {
            if let v = budget.optional("ratio")?.double(problems, what: "ratio") { config.retryBudgetRatio = v }
            if let v = budget.optional("reserve")?.double(problems, what: "reserve") { config.retryBudgetReserve = v }
            budget.finish()
        }
        if let breaker = reader.optional("circuit_breaker")?.mapping(problems, what: "circuit_breaker") {
            if let v = breaker.optional("threshold")?.int(problems, what: "threshold", min: 1) { config.breakerThreshold = v }
            if let v = breaker.optional("cool_down")?.duration(problems, what: "cool_down") { config.breakerCoolDown = v }
            breaker.finish()
        }
        if let ttl = reader.optional("cache_ttl")?.duration(problems, what: "cache_ttl") { config.cacheTTL = ttl }
        if let monitor = reader.optional("quality_monitor")?.mapping(problems, what: "quality_monitor") {
            if let v = monitor.optional("every")?.int(problems, what: "every", min: 0) { config.qualityMonitor.every = v }
            if let v = monitor.optional("window")?.int(problems, what: "window", min: 1) { config.qualityMonitor.window = v }
            if let v = monitor.optional("judge_model")?.string(problems, what: "judge_model") { config.qualityMonitor.judgeModel = v }
            if let v = monitor.optional("threshold")?.probability(problems, what: "threshold") {
                config.alertRules = config.alertRules.map { rule in
                    guard rule.metric == .qualityScore else { return rule }
                    return AlertRule(name: rule.name, metric: rule.metric, threshold: v, below: true, window: rule.window, minSamples: rule.minSamples)
                }
            }
            monitor.finish()
        }
        if let alerts = reader.optional("alerts") { config.alertRules = parseAlerts(alerts, rules: config.alertRules, problems: problems) }
        if let v = reader.optional("prompt_caching")?.bool(problems, what: "prompt_caching") { config.promptCaching = v }
        if let v = reader.optional("semantic_check")?.bool(problems, what: "semantic_check") { config.semanticCheck = v }
        if let v = reader.optional("route_by_complexity")?.bool(problems, what: "route_by_complexity") { config.routeByComplexity = v }
        if let node = reader.optional("cost_baseline"), let text = node.string(problems, what: "cost_baseline") {
            if let v = Double(text.hasPrefix("$") ? String(text.dropFirst()) : text), v > 0 { config.costBaseline = v } else {
                problems.add("cost_baseline must be dollars per answer such as $0.01", at: node)
            }
        }
        if let node = reader.optional("prices") { config.prices = config.prices.merging(parsePrices(node, problems: problems)) }
        if let prompts = reader.optional("prompts")?.mapping(problems, what: "prompts") {
            let directory = prompts.required("directory")
            let version = prompts.optional("version")?.string(problems, what: "version") ?? "v1"
            if let directory, let path = directory.string(problems, what: "directory") {
                let resolved = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
                do { config.prompts = try PromptRegistry.load(directory: resolved, active: version) } catch {
                    problems.add("prompts: \(error)", at: directory)
                }
            }
            prompts.finish()
        }
        if let node = reader.optional("canary") { config.canary = parseCanary(node, prompts: config.prompts, problems: problems) }
        if let flags = reader.optional("flags")?.mapping(problems, what: "flags") {
            if let models = flags.optional("disabled_models")?.stringList(problems, what: "disabled_models") {
                config.flags = FeatureFlags(disabledModels: Set(models))
            }
            flags.finish()
        }
        reader.finish()
        return config
    }

    /// `{ MODEL: { input: 5, output: 25, cache_write: 6.25, cache_read: 0.5 } }`,
    /// dollars per million tokens; the cache prices default as the API's do.
    static func parsePrices(_ node: ConfigNode, problems: ProblemCollector) -> [String: PriceTable.Price] {
        guard let reader = node.mapping(problems, what: "prices") else { return [:] }
        var prices: [String: PriceTable.Price] = [:]
        for model in reader.keys {
            guard let entry = reader.optional(model)?.mapping(problems, what: "prices.\(model)") else { continue }
            func dollars(_ key: String, required: Bool) -> Double? {
                guard let value = required ? entry.required(key) : entry.optional(key) else { return nil }
                guard let amount = value.double(problems, what: "prices.\(model).\(key)") else { return nil }
                guard amount >= 0 else {
                    problems.add("prices.\(model).\(key) must be dollars per million tokens, 0 or more; found \(amount)", at: value)
                    return nil
                }
                return amount
            }
            let (input, output) = (dollars("input", required: true), dollars("output", required: true))
            let (write, read) = (dollars("cache_write", required: false), dollars("cache_read", required: false))
            entry.finish()
            if let input, let output { prices[model] = PriceTable.Price(input: input, output: output, cacheWrite: write, cacheRead: read) }
        }
        reader.finish()
        return prices
    }

    /// `{ prompt_version: v2 }` or `{ model: NAME }`, with optional `steps` (shares
    /// of traffic, 0 to 1) and `step_every`. A first step of 0 delays the deploy.
    static func parseCanary(_ node: ConfigNode, prompts: PromptRegistry, problems: ProblemCollector) -> Canary.Plan? {
        guard let reader = node.mapping(problems, what: "canary") else { return nil }
        let versionNode = reader.optional("prompt_version")
        let modelNode = reader.optional("model")
        var target: Canary.Target?
        switch (versionNode, modelNode) {
        case (nil, nil):
            problems.add("a canary needs prompt_version or model, such as canary: { prompt_version: v2 }", at: node)
        case (_?, _?):
            problems.add("a canary has either prompt_version or model, not both", at: node)
        case let (versionNode?, nil):
            if let version = versionNode.string(problems, what: "prompt_version") {
                if prompts.versions.contains(version) { target = .promptVersion(version) } else {
                    problems.add("canary prompt_version '\(version)' is not among the prompt versions (\(prompts.versions.joined(separator: ", "))); load it with prompts: { directory: ... }", at: versionNode)
                }
            }
        case let (nil, modelNode?):
            target = modelNode.string(problems, what: "model").map(Canary.Target.model)
        }
        var steps: [Double]?
        if let node = reader.optional("steps") {
            let values = (node.items ?? []).compactMap { $0.probability(problems, what: "a canary step") }
            if values.isEmpty { problems.add("steps must be a list of traffic shares such as [0.05, 0.25, 1]", at: node) } else { steps = values }
        }
        let stepEvery = reader.optional("step_every")?.duration(problems, what: "step_every")
        reader.finish()
        guard let target else { return nil }
        var plan = Canary.Plan(target: target)
        if let steps { plan.steps = steps }
        if let stepEvery { plan.stepEvery = stepEvery }
        return plan
    }

    static func parseTiers(_ node: ConfigNode, defaults: PipelineConfiguration.ModelTier, problems: ProblemCollector) -> [PipelineConfiguration.Tier]? {
        guard let items = node.items, !items.isEmpty else {
            problems.add("tiers must be a list such as [claude-opus-4-7, claude-sonnet-4-6, cache, degraded]", at: node)
            return nil
        }
        var tiers: [PipelineConfiguration.Tier] = []
        for item in items {
            if let name = item.scalarText {
                switch name {
                case "cache": tiers.append(.cache)
                case "degraded": tiers.append(.degraded)
                default:
                    var value = defaults
                    value.model = name
                    tiers.append(.model(value))
                }
                continue
            }
            guard let tier = item.mapping(problems, what: "a tier") else { continue }
            let model = tier.required("model")?.string(problems, what: "model")
            var value = defaults
            value.model = model ?? ""
            if let d = tier.optional("timeout")?.duration(problems, what: "timeout") { value.timeout = d }
            if let d = tier.optional("latency_budget")?.duration(problems, what: "latency_budget") { value.latencyBudget = d }
            if let b = tier.optional("stream")?.bool(problems, what: "stream") { value.stream = b }
            if let n = tier.optional("max_tokens")?.int(problems, what: "max_tokens", min: 1) { value.maxTokens = n }
            if let p = tier.optional("min_confidence")?.probability(problems, what: "min_confidence") { value.minConfidence = p }
            tier.finish()
            if model != nil { tiers.append(.model(value)) }
        }
        if tiers.last != .degraded {
            problems.add("the last tier should be 'degraded', the honest \"unavailable\"; without it a request that every tier fails gets no answer at all", at: node)
        }
        return tiers
    }

    static func parseAlerts(_ node: ConfigNode, rules: [AlertRule], problems: ProblemCollector) -> [AlertRule] {
        guard let entries = node.entries else {
            problems.add("alerts must map rule names to settings, such as { HighErrorRate: { threshold: 0.1 } }", at: node)
            return rules
        }
        var rules = rules
        for entry in entries {
            guard let index = rules.firstIndex(where: { $0.name == entry.key }) else {
                var message = "unknown alert rule '\(entry.key)'"
                if let near = Suggestion.nearest(to: entry.key, in: rules.map(\.name)) { message += "; did you mean '\(near)'?" }
                problems.add(message, at: entry.keyLocation)
                continue
            }
            guard let reader = entry.value.mapping(problems, what: entry.key) else { continue }
            let rule = rules[index]
            let threshold = reader.optional("threshold")?.double(problems, what: "threshold") ?? rule.threshold
            let resolve = reader.optional("resolve_threshold")?.double(problems, what: "resolve_threshold")
            let window = reader.optional("window")?.duration(problems, what: "window") ?? rule.window
            let minSamples = reader.optional("min_samples")?.int(problems, what: "min_samples", min: 1) ?? rule.minSamples
            reader.finish()
            rules[index] = AlertRule(name: rule.name, metric: rule.metric, threshold: threshold, resolveThreshold: resolve, below: rule.below, window: window, minSamples: minSamples)
        }
        return rules
    }
}
