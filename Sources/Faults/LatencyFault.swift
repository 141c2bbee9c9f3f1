import ChaosCore
import Scenario

/// Slowness: a delay before the response headers, before the first token, and
/// between tokens, each a ``DelayDistribution``; and a slow read of the prompt,
/// `per_input_token` of it before the first token, so a long prompt (a PDF, a
/// screenshot) waits longer than a short one, as prefill does on the API.
///
/// ```yaml
/// inject: { latency: { first_token: 4s, per_token: 40ms } }
/// inject: { latency: { per_input_token: 20us } }   # 100,000 tokens: 2 s more
/// ```
/// A JSON (non-streaming) answer waits for all of it before its headers, as the
/// real API does.
public struct LatencyFault: Fault {
    public static let kind = "latency"
    public let beforeHeaders: DelayDistribution?
    public let firstToken: DelayDistribution?
    public let perToken: DelayDistribution?
    public let perInputToken: DelayDistribution?

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        func read(_ key: String) -> DelayDistribution? {
            reader.optional(key).flatMap { DelayDistribution.parse($0, what: "inject.latency.\(key)", problems: problems) }
        }
        beforeHeaders = read("before_headers")
        firstToken = read("first_token")
        perToken = read("per_token")
        perInputToken = read("per_input_token")
        reader.finish()
        if beforeHeaders == nil, firstToken == nil, perToken == nil, perInputToken == nil {
            problems.add("inject.latency needs at least one of before_headers, first_token, per_token, per_input_token", at: parameters?.location ?? reader.location)
            return nil
        }
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        var delays = FaultEffect.Delays()
        if let beforeHeaders { delays.beforeHeaders = beforeHeaders.sample(&random) }
        if let firstToken { delays.firstToken = firstToken.sample(&random) }
        if let perToken { delays.perToken = perToken.sample(&random) }
        if let perInputToken { delays.firstToken += perInputToken.sample(&random) * Double(request.facts.promptTokens) }
        return FaultEffect(delays: delays)
    }
}
