import ChaosCore
import Scenario

/// The model thinks at length: the thinking fills `share` of the request's
/// `budget_tokens` (of `max_tokens` under adaptive thinking) instead of the
/// usual few dozen tokens. A client whose timeout was set for answers without
/// thinking gives up, and one whose `max_tokens` sits just above the budget gets
/// an answer cut short (`stop_reason: max_tokens`) — the model spent the room on
/// thought. Under a latency fault every thinking token is paced like any other.
///
/// ```yaml
/// inject: { long_thinking: { share: 100% } }   # the default
/// ```
/// Only answers to requests with thinking on; the thinking always leaves the
/// answer at least one token of `max_tokens`.
public struct LongThinkingFault: Fault {
    public static let kind = "long_thinking"
    public let share: Double

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        let node = reader.optional("share")
        reader.finish()
        guard let node else { share = 1; return }
        guard let share = node.probability(problems, what: "inject.\(Self.kind).share (of the thinking budget)") else { return nil }
        guard share > 0 else {
            problems.add("inject.\(Self.kind).share must be above 0%", at: node)
            return nil
        }
        self.share = share
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.asksForMessage, request.answer.thinking != nil else { return nil }
        return FaultEffect(thinkingShare: share)
    }
}
