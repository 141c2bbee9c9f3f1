import AnthropicAPI

/// The text-to-SQL request. The question goes in the last user message, where the
/// mock (and a human reading logs) finds it; the system prompt is the active
/// version of the ``PromptRegistry``.
enum Prompt {
    static func request(question: String, system: String, model: String, maxTokens: Int, stream: Bool) -> MessagesRequest {
        MessagesRequest(
            model: model, maxTokens: maxTokens, messages: [Message(role: .user, text: "Question: \(question)")],
            system: [.text(system)], stream: stream
        )
    }
}
