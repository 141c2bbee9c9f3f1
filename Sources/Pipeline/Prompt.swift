import AnthropicAPI
import Workload

/// The text-to-SQL prompt. The question goes in the last user message, where the
/// mock (and a human reading logs) finds it.
enum Prompt {
    static let system = """
        You translate analytics questions into one SQLite query over this schema:
        \(AnalyticsDataset.schemaForPrompt)
        Answer with the query alone, in a ```sql block.
        """

    static func request(question: String, model: String, maxTokens: Int, stream: Bool) -> MessagesRequest {
        MessagesRequest(
            model: model, maxTokens: maxTokens, messages: [Message(role: .user, text: "Question: \(question)")],
            system: [.text(system)], stream: stream
        )
    }
}
