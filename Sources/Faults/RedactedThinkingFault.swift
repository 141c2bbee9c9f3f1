import ChaosCore
import Scenario

/// The model's thinking comes back encrypted, as a `redacted_thinking` block with
/// opaque `data`, as the API sends it when its safety systems flag the reasoning.
/// A client that only knows `thinking` blocks breaks on it: a stream parser that
/// expects `thinking_delta`s, a UI that reads `.thinking`, or an agent loop that
/// keeps only `thinking` blocks when it hands the turn back — the API then
/// refuses the next turn with a 400, and so does the mock.
///
/// ```yaml
/// inject: { redacted_thinking: {} }
/// ```
/// Only answers to requests with thinking on. The thinking still costs its
/// output tokens and, under a latency fault, the time it would take to write.
public struct RedactedThinkingFault: Fault {
    public static let kind = "redacted_thinking"

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        reader.finish()
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.asksForMessage, request.answer.thinking != nil else { return nil }
        return FaultEffect(redactsThinking: true)
    }
}
