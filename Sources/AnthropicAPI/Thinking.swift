/// Extended thinking, as a request asks for it: `{"type": "enabled", "budget_tokens": N}`,
/// `{"type": "adaptive"}` (the model decides how long) or `{"type": "disabled"}`.
/// Thinking tokens are output tokens: they count against `max_tokens` and are billed.
public struct ThinkingConfig: Codable, Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case enabled(budgetTokens: Int)
        case adaptive
        case disabled
    }

    /// How the thinking block shows the thoughts: `summarized`, or `omitted` (an
    /// empty `thinking` field; the signature still stands for the thoughts, which
    /// are still billed). Unset, the model's default: omitted on Claude Opus 4.7.
    public enum Display: String, Codable, Sendable { case summarized, omitted }

    public var mode: Mode
    public var display: Display?
    public init(_ mode: Mode, display: Display? = nil) { self.mode = mode; self.display = display }

    /// The API's floor for a budget.
    public static let minimumBudget = 1024

    /// Whether the answer begins with a `thinking` block.
    public var thinks: Bool { mode != .disabled }

    enum CodingKeys: String, CodingKey { case type, budgetTokens = "budget_tokens", display }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "enabled": mode = .enabled(budgetTokens: try c.decode(Int.self, forKey: .budgetTokens))
        case "adaptive": mode = .adaptive
        case "disabled": mode = .disabled
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "Input tag '\(type)' found using 'type' does not match any of the expected tags: 'enabled', 'adaptive', 'disabled'"
            )
        }
        if let text = try c.decodeIfPresent(String.self, forKey: .display) {
            guard let display = Display(rawValue: text) else {
                throw DecodingError.dataCorruptedError(forKey: .display, in: c, debugDescription: "Input should be 'summarized' or 'omitted'")
            }
            self.display = display
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch mode {
        case let .enabled(budget):
            try c.encode("enabled", forKey: .type)
            try c.encode(budget, forKey: .budgetTokens)
        case .adaptive: try c.encode("adaptive", forKey: .type)
        case .disabled: try c.encode("disabled", forKey: .type)
        }
        try c.encodeIfPresent(display, forKey: .display)
    }

    /// The rule the API enforces with a 400, broken; nil when it holds. With
    /// interleaved thinking the budget spans the whole turn and may exceed `max_tokens`.
    func problem(maxTokens: Int?, interleaved: Bool) -> String? {
        guard case let .enabled(budget) = mode else { return nil }
        if budget < Self.minimumBudget { return "thinking.enabled.budget_tokens: Input should be greater than or equal to \(Self.minimumBudget)" }
        if let maxTokens, budget >= maxTokens, !interleaved { return "`max_tokens` must be greater than `thinking.budget_tokens`" }
        return nil
    }
}

extension MessagesRequest {
    /// The beta under which the model also thinks between tool calls.
    public static let interleavedThinkingBeta = "interleaved-thinking-2025-05-14"

    /// Whether the model thinks between tool calls, not only at the start of an
    /// assistant turn: under the beta, or with adaptive thinking, where it is on
    /// by default.
    public var interleavedThinking: Bool {
        betas.contains(Self.interleavedThinkingBeta) || thinking?.mode == .adaptive
    }

    /// Whether the request carries on an assistant turn: its last message only
    /// hands back tool results. Without interleaved thinking the model thinks once
    /// a turn, at its start, so such a request is answered without thinking.
    public var continuesAssistantTurn: Bool {
        guard let last = messages.last else { return false }
        return Self.handsBackResults(last)
    }

    private static func handsBackResults(_ message: Message) -> Bool {
        message.role == .user && !message.content.isEmpty && message.content.allSatisfy { $0.type == "tool_result" }
    }

    /// With thinking on, an assistant turn that calls tools must begin with its
    /// thinking, handed back: the 400 every agent framework that drops thinking
    /// blocks meets on its second call. The turn begins after the last user
    /// message that is not only tool results; its later assistant messages may
    /// (without interleaved thinking, will) begin with the call.
    var thinkingTurnProblem: String? {
        guard thinking?.thinks == true else { return nil }
        let start = messages.lastIndex { $0.role == .user && !Self.handsBackResults($0) }.map { $0 + 1 } ?? 0
        guard start < messages.count,
              let index = messages[start...].firstIndex(where: { $0.role == .assistant }),
              let first = messages[index].content.first, !first.isThinking
        else { return nil }
        let callsTools = messages[index...].contains { $0.role == .assistant && $0.content.contains { $0.type == "tool_use" } }
        // A prefill is the turn's start too: the model would have to go on
        // writing an answer it never thought about.
        guard callsTools || messages.last?.role == .assistant else { return nil }
        return "messages.\(index).content.0.type: Expected `thinking` or `redacted_thinking`, but found `\(first.type)`. "
            + "When `thinking` is enabled, a final `assistant` message must start with a thinking block"
            + (callsTools ? " (preceeding the lastmost set of `tool_use` and `tool_result` blocks)" : "")
            + ". We recommend you include thinking blocks "
            + "from previous turns. To avoid this requirement, disable `thinking`. "
            + "Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
    }

    /// With thinking on, thinking handed back must be as the mock sent it: an
    /// assistant turn with thinking begins with it, and every thinking block's
    /// signature and redacted block's data check out. Changed blocks of the latest
    /// assistant turn get the API's "cannot be modified"; elsewhere, and for a
    /// signature or data the mock could not have sent, or that a model the
    /// request's does not take thinking from sealed, "Invalid `signature`" or
    /// "Invalid `data`" — the 400s proxies that rewrite or forge thinking meet,
    /// and agents that fall back to another model mid-conversation.
    func thinkingBlockProblem(binding: ThinkingSeal.Binding) -> String? {
        guard thinking?.thinks == true else { return nil }
        let latest = messages.lastIndex { $0.role == .assistant }
        for (i, message) in messages.enumerated() where message.role == .assistant {
            guard message.content.contains(where: \.isThinking) else { continue }
            if let first = message.content.first, !first.isThinking {
                return "messages.\(i).content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found \(first.type)."
            }
            for (j, block) in message.content.enumerated() where block.isThinking {
                let redacted = block.type == "redacted_thinking"
                let check = redacted
                    ? ThinkingSeal.check(data: block.signature ?? "", binding: binding)
                    : ThinkingSeal.check(signature: block.signature ?? "", thinking: block.text, binding: binding)
                switch check {
                case .valid, .foreign: continue
                case .altered where i == latest:
                    return "messages.\(i).content.\(j): `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified. "
                        + "These blocks must remain as they were in the original response."
                case .altered, .malformed, .otherModel:
                    return redacted
                        ? "messages.\(i).content.\(j): Invalid `data` in `redacted_thinking` block"
                        : "messages.\(i).content.\(j): Invalid `signature` in `thinking` block"
                }
            }
        }
        return nil
    }
}
