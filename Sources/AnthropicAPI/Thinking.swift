/// Extended thinking, as a request asks for it: `{"type": "enabled", "budget_tokens": N}`,
/// `{"type": "adaptive"}` (the model decides how long) or `{"type": "disabled"}`.
/// Thinking tokens are output tokens: they count against `max_tokens` and are billed.
public struct ThinkingConfig: Codable, Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case enabled(budgetTokens: Int)
        case adaptive
        case disabled
    }

    public var mode: Mode
    public init(_ mode: Mode) { self.mode = mode }

    /// The API's floor for a budget.
    public static let minimumBudget = 1024

    /// Whether the answer begins with a `thinking` block.
    public var thinks: Bool { mode != .disabled }

    enum CodingKeys: String, CodingKey { case type, budgetTokens = "budget_tokens" }

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
    }

    /// The rule the API enforces with a 400, broken; nil when it holds.
    func problem(maxTokens: Int?) -> String? {
        guard case let .enabled(budget) = mode else { return nil }
        if budget < Self.minimumBudget { return "thinking.enabled.budget_tokens: Input should be greater than or equal to \(Self.minimumBudget)" }
        if let maxTokens, budget >= maxTokens { return "`max_tokens` must be greater than `thinking.budget_tokens`" }
        return nil
    }
}
