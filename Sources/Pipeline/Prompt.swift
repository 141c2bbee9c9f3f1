import AnthropicAPI

/// The text-to-SQL request. The question goes in the last user message, where the
/// mock (and a human reading logs) finds it; the system prompt is the active
/// version of the ``PromptRegistry``.
enum Prompt {
    /// - Parameter cache: mark the system prompt (the same for every question) as a
    ///   cacheable prefix, so repeated calls read it from the prompt cache.
    static func request(question: String, system: String, model: String, maxTokens: Int, stream: Bool, cache: Bool = true) -> MessagesRequest {
        MessagesRequest(
            model: model, maxTokens: maxTokens, messages: [Message(role: .user, text: "Question: \(question)")],
            system: [.text(system, cacheControl: cache)], stream: stream
        )
    }
}
