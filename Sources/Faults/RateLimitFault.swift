import AnthropicAPI
import ChaosCore
import Foundation
import Scenario
import Synchronization

/// 429 `rate_limit_error` with `retry-after` and the twelve `anthropic-ratelimit-*`
/// headers, in one of two ways:
///
/// ```yaml
/// inject: { rate_limit: { retry_after: 2s, probability: 0.2 } }          # by chance
/// inject: { rate_limit: { requests_per_minute: 50, output_tokens_per_minute: 8000 } }  # real buckets
/// inject: { rate_limit: { tier: tier-1 } }                               # a published tier
/// ```
/// Buckets refill continuously (a token bucket, as the API's limits work), per API
/// key and model (`per: key_and_model`, the default), per `model` or per `key`.
/// Limits left unset take the values of a large tier, so they rarely bind. A `tier`
/// (from `mocks/rate-limit-tiers.yaml`) gives each model family its own limits and
/// one shared bucket, as the API pools Opus 4.x; limits written beside it override
/// the tier's for every family, and a model outside its families is not limited. In
/// bucket mode every matching response carries the rate-limit headers, as the
/// API's do. `retry-after` counts real seconds at the scenario's time scale.
/// Output tokens are charged for the answer as sent: longer thinking, further
/// calls, a quality fault's answer.
public final class RateLimitFault: StatefulFault {
    public static let kind = "rate_limit"
    public static let chargesForTheAnswer = true

    public struct Limits: Sendable, Equatable {
        public var requestsPerMinute: Int = 4_000
        public var inputTokensPerMinute: Int = 2_000_000
        public var outputTokensPerMinute: Int = 400_000

        public init() {}
        public init(requestsPerMinute: Int, inputTokensPerMinute: Int, outputTokensPerMinute: Int) {
            self.requestsPerMinute = requestsPerMinute; self.inputTokensPerMinute = inputTokensPerMinute
            self.outputTokensPerMinute = outputTokensPerMinute
        }

        /// The scenario keys, shared with the tier file.
        static var keys: [(String, WritableKeyPath<Limits, Int>)] { [
            ("requests_per_minute", \.requestsPerMinute),
            ("input_tokens_per_minute", \.inputTokensPerMinute),
            ("output_tokens_per_minute", \.outputTokensPerMinute),
        ] }
    }

    /// A published tier in use: its families and their limits, with the scenario's
    /// overrides already applied.
    public struct Tier: Sendable {
        public var name: String
        /// The tier file it was read from.
        public var file: String
        public var pools: [RateLimitTiers.Pool]
        public var limits: [String: Limits]
    }

    public enum Scope: String, Sendable { case keyAndModel = "key_and_model", model, key }

    public let limits: Limits
    /// Nil in bucket mode.
    public let retryAfter: Duration?
    public let scope: Scope
    public let tier: Tier?
    private let buckets = Mutex<[String: TokenBucketSet]>([:])

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        var limits = Limits()
        var overrides: [(WritableKeyPath<Limits, Int>, Int)] = []
        for (key, path) in Limits.keys {
            guard let node = reader.optional(key) else { continue }
            if let value = node.int(problems, what: "inject.rate_limit.\(key)", min: 1) { overrides.append((path, value)) }
        }
        for (path, value) in overrides { limits[keyPath: path] = value }
        let tierNode = reader.optional("tier")
        let bucketMode = !overrides.isEmpty || tierNode != nil
        let retryNode = reader.optional("retry_after")
        var scope = Scope.keyAndModel
        if let node = reader.optional("per") {
            guard let parsed = node.scalarText.flatMap(Scope.init(rawValue:)) else {
                problems.add("inject.rate_limit.per must be key_and_model, model or key", at: node)
                return nil
            }
            scope = parsed
        }
        reader.finish()
        var tier: Tier?
        if let tierNode {
            guard let found = Self.tier(tierNode, scope: scope, overrides: overrides, problems: problems) else { return nil }
            tier = found
        }
        self.tier = tier
        if bucketMode, let retryNode {
            problems.add("retry_after is for rate limits by chance; with buckets the wait is computed from the limits", at: retryNode)
            return nil
        }
        self.limits = limits
        self.scope = scope
        if bucketMode {
            retryAfter = nil
        } else {
            guard let wait = retryNode.map({ $0.duration(problems, what: "inject.rate_limit.retry_after") }) ?? .seconds(1) else { return nil }
            retryAfter = wait
        }
    }

    public func reset() { buckets.withLock { $0.removeAll() } }

    /// The bucket a model's calls draw from (its family under a tier, else the
    /// model) and its limits; nil when a tier leaves the model unlimited.
    public func bucket(for model: String?) -> (name: String, limits: Limits)? {
        let model = model ?? "-"
        guard let tier else { return (model, limits) }
        guard let pool = tier.pools.first(where: { $0.matches(model) }), let limits = tier.limits[pool.name] else { return nil }
        return (pool.name, limits)
    }

    private static func tier(
        _ node: ConfigNode, scope: Scope, overrides: [(WritableKeyPath<Limits, Int>, Int)], problems: ProblemCollector
    ) -> Tier? {
        guard let name = node.string(problems, what: "inject.rate_limit.tier") else { return nil }
        guard scope != .key else {
            problems.add("a tier's limits are per model family; per: key has one bucket for all models, give its limits instead", at: node)
            return nil
        }
        let tiers: RateLimitTiers
        switch RateLimitTiers.standard {
        case let .success(found): tiers = found
        case let .failure(error):
            problems.add("tier '\(name)' cannot be read: \(error)", at: node)
            return nil
        }
        guard var limits = tiers.tiers[name] else {
            var message = "unknown tier '\(name)'"
            if let near = Suggestion.nearest(to: name, in: tiers.tierNames) { message += "; did you mean '\(near)'?" }
            message += " (\(tiers.file) has \(tiers.tierNames.joined(separator: ", ")))"
            problems.add(message, at: node)
            return nil
        }
        for pool in limits.keys {
            for (path, value) in overrides { limits[pool]?[keyPath: path] = value }
        }
        return Tier(name: name, file: tiers.file, pools: tiers.pools, limits: limits)
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        let endpoint = request.facts.endpoint
        let now = request.now
        let bucketName: String, limits: Limits
        switch endpoint {
        case .messages, .countTokens:
            guard retryAfter == nil else { return randomLimit(request) }
            guard let found = bucket(for: request.facts.model) else { return nil }
            (bucketName, limits) = found
        case .batches, .files:
            // These APIs limit their calls a minute apart from the messages (the
            // Files API's beta: about 100): by chance, or in a bucket of their
            // own calls (`requests_per_minute`); a tier's pools name models, and
            // these calls have none. Nothing limits a batch's requests once it is accepted.
            guard retryAfter == nil else { return randomLimit(request) }
            guard tier == nil else { return nil }
            (bucketName, limits) = (endpoint.rawValue, self.limits)
        default:
            return nil
        }
        let key = switch scope {
        case .keyAndModel: "\(request.facts.apiKey ?? "-")|\(bucketName)"
        case .model: bucketName
        // One bucket for a key's messages; its file or batch calls have their own.
        case .key: endpoint == .messages || endpoint == .countTokens ? request.facts.apiKey ?? "-" : "\(request.facts.apiKey ?? "-")|\(bucketName)"
        }
        let need = TokenBucketSet.Need(requests: 1, input: request.facts.inputTokens, output: request.answer.outputTokens)
        let verdict = buckets.withLock { all in
            var set = all[key] ?? TokenBucketSet(limits: limits, at: now)
            let verdict = set.take(need, at: now)
            all[key] = set
            return verdict
        }
        let headers = Self.headers(verdict.snapshot, at: now, clock: request.clock)
        guard let wait = verdict.wait else { return FaultEffect(headers: headers) }
        let message = "This request would exceed your organization's rate limit of \(verdict.binding.map { "\($0.limit) \($0.name) per minute" } ?? "requests per minute"). Please reduce the prompt length or the maximum tokens requested, or try again later."
        return FaultEffect(outcome: .error(InjectedError(status: 429, type: .rateLimit, message: message, retryAfter: wait, headers: headers)))
    }

    private func randomLimit(_ request: FaultRequest) -> FaultEffect {
        let wait = retryAfter ?? .seconds(1)
        var snapshot = TokenBucketSet(limits: limits, at: request.now).snapshot(at: request.now)
        snapshot[0].remaining = 0
        snapshot[0].untilFull = wait
        let headers = Self.headers(snapshot, at: request.now, clock: request.clock)
        return FaultEffect(outcome: .error(InjectedError(status: 429, type: .rateLimit, retryAfter: wait, headers: headers)))
    }

    /// The twelve headers: requests, tokens (the tighter of input and output),
    /// input tokens, output tokens; each with limit, remaining and an RFC 3339 reset.
    static func headers(_ snapshot: [TokenBucketSet.Level], at now: Duration, clock: any ScenarioClock) -> [FaultEffect.Header] {
        guard snapshot.count == 3 else { return [] }
        let tighter = snapshot[1].fractionLeft <= snapshot[2].fractionLeft ? snapshot[1] : snapshot[2]
        let rows: [(RateLimitResource, TokenBucketSet.Level)] = [
            (.requests, snapshot[0]), (.tokens, tighter), (.inputTokens, snapshot[1]), (.outputTokens, snapshot[2]),
        ]
        var headers: [FaultEffect.Header] = []
        headers.reserveCapacity(12)
        for (resource, level) in rows {
            headers.append(.init(HeaderName.rateLimit(resource, .limit), String(level.limit)))
            headers.append(.init(HeaderName.rateLimit(resource, .remaining), String(level.remaining)))
            let reset = clock.wallDate(at: now + level.untilFull)
            headers.append(.init(HeaderName.rateLimit(resource, .reset), reset.formatted(.iso8601)))
        }
        return headers
    }
}
