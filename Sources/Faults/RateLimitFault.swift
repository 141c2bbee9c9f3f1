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
/// ```
/// Buckets refill continuously (a token bucket, as the API's limits work), per API
/// key and model (`per: key_and_model`, the default), per `model` or per `key`.
/// Limits left unset take the values of a large tier, so they rarely bind. In
/// bucket mode every matching response carries the rate-limit headers, as the
/// API's do. `retry-after` counts real seconds at the scenario's time scale.
public final class RateLimitFault: StatefulFault {
    public static let kind = "rate_limit"

    public struct Limits: Sendable, Equatable {
        public var requestsPerMinute: Int = 4_000
        public var inputTokensPerMinute: Int = 2_000_000
        public var outputTokensPerMinute: Int = 400_000
    }

    public enum Scope: String, Sendable { case keyAndModel = "key_and_model", model, key }

    public let limits: Limits
    /// Nil in bucket mode.
    public let retryAfter: Duration?
    public let scope: Scope
    private let buckets = Mutex<[String: TokenBucketSet]>([:])

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        var limits = Limits()
        var bucketMode = false
        func limit(_ key: String, _ target: WritableKeyPath<Limits, Int>) {
            guard let node = reader.optional(key) else { return }
            bucketMode = true
            if let value = node.int(problems, what: "inject.rate_limit.\(key)", min: 1) { limits[keyPath: target] = value }
        }
        limit("requests_per_minute", \.requestsPerMinute)
        limit("input_tokens_per_minute", \.inputTokensPerMinute)
        limit("output_tokens_per_minute", \.outputTokensPerMinute)
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

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.endpoint == .messages || request.facts.endpoint == .countTokens else { return nil }
        let now = request.now
        guard retryAfter == nil else { return randomLimit(request) }
        let key = switch scope {
        case .keyAndModel: "\(request.facts.apiKey ?? "-")|\(request.facts.model ?? "-")"
        case .model: request.facts.model ?? "-"
        case .key: request.facts.apiKey ?? "-"
        }
        let need = TokenBucketSet.Need(requests: 1, input: request.facts.inputTokens, output: request.answer.outputTokens)
        let limits = self.limits
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
