import ChaosCore
import Scenario

/// The model calls several tools in one answer, as Claude does when the calls do
/// not depend on each other. An agent loop that runs only the first `tool_use`
/// block, or sends back only its result, then gets the API's 400 on its next turn
/// (`tool_use` ids were found without `tool_result` blocks) — a bug a mock that
/// always calls one tool never shows.
///
/// ```yaml
/// inject: { parallel_tool_calls: { calls: 3 } }   # default 2
/// ```
/// The calls are the tool the answer would call, then the next client tools
/// offered, in order, coming round again (a single tool is called several times,
/// with other arguments). Not when the request sets `disable_parallel_tool_use`,
/// nor on answers that are not a call; only calls that fit in `max_tokens`.
public struct ParallelToolCallsFault: Fault {
    public static let kind = "parallel_tool_calls"
    /// Beyond this, an answer is a test of the client's patience rather than its loop.
    static let maxCalls = 16
    public let calls: Int

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        let node = reader.optional("calls")
        reader.finish()
        guard let node else { calls = 2; return }
        guard let calls = node.int(problems, what: "inject.\(Self.kind).calls", min: 2) else { return nil }
        guard calls <= Self.maxCalls else {
            problems.add("inject.\(Self.kind).calls must be at most \(Self.maxCalls), found \(calls)", at: node)
            return nil
        }
        self.calls = calls
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        let answer = request.answer
        guard request.facts.asksForMessage, answer.toolName != nil, answer.allowsParallelCalls else { return nil }
        return FaultEffect(toolCalls: calls)
    }
}
