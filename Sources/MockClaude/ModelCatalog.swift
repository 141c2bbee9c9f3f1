import AnthropicAPI

/// The models the mock lists, and which ids it accepts: any `claude-*` id, so an
/// app's configured model works unchanged; anything else is a 404, as on the API.
enum ModelCatalog {
    static let listed: [ModelInfo] = [
        ModelInfo(id: "claude-opus-4-7", displayName: "Claude Opus 4.7", createdAt: "2026-04-16T00:00:00Z"),
        ModelInfo(id: "claude-sonnet-4-5", displayName: "Claude Sonnet 4.5", createdAt: "2025-09-29T00:00:00Z"),
        ModelInfo(id: "claude-haiku-4-5", displayName: "Claude Haiku 4.5", createdAt: "2025-10-15T00:00:00Z"),
        ModelInfo(id: "claude-opus-4-1", displayName: "Claude Opus 4.1", createdAt: "2025-08-05T00:00:00Z"),
        ModelInfo(id: "claude-sonnet-4-0", displayName: "Claude Sonnet 4", createdAt: "2025-05-22T00:00:00Z"),
    ]

    static func accepts(_ model: String) -> Bool { model.hasPrefix("claude-") }

    /// How a model shows its thinking when the request does not say: Claude Opus
    /// 4.7 and Mythos Preview omit it (an empty `thinking` field, for a faster
    /// first token), earlier models summarise it.
    static func defaultThinkingDisplay(of model: String) -> ThinkingConfig.Display {
        model.hasPrefix("claude-opus-4-7") || model.hasPrefix("claude-mythos") ? .omitted : .summarized
    }
}
