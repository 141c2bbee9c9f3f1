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

    /// Whether the model continues an answer the request starts (a final
    /// assistant message). Claude 4.6 models and later refuse it with a 400: the
    /// incident of an app whose only change was the model id. Ids the mock cannot
    /// date are taken as older models.
    static func acceptsPrefill(_ model: String) -> Bool {
        if model.hasPrefix("claude-mythos") { return false }
        guard let version = version(of: model) else { return true }
        return version.major < 4 || (version.major == 4 && version.minor < 6)
    }

    static let prefillRefusal = "This model does not support assistant message prefill. The conversation must end with a user message."

    /// The generation in an id: `claude-opus-4-6` and `claude-opus-4-6-20260205`
    /// are 4.6, `claude-opus-4-20250514` 4.0, `claude-3-7-sonnet-latest` 3.7.
    static func version(of model: String) -> (major: Int, minor: Int)? {
        let parts = model.split(separator: "-")
        guard let at = parts.firstIndex(where: { $0.count <= 2 && Int($0) != nil }), let major = Int(parts[at]) else { return nil }
        let next = parts.index(after: at)
        guard next < parts.endIndex, parts[next].count <= 2, let minor = Int(parts[next]) else { return (major, 0) }
        return (major, minor)
    }

    /// How a model shows its thinking when the request does not say: Claude Opus
    /// 4.7 and Mythos Preview omit it (an empty `thinking` field, for a faster
    /// first token), earlier models summarise it.
    static func defaultThinkingDisplay(of model: String) -> ThinkingConfig.Display {
        model.hasPrefix("claude-opus-4-7") || model.hasPrefix("claude-mythos") ? .omitted : .summarized
    }
}
