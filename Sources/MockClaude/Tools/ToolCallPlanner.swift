import AnthropicAPI
import ChaosCore
import Faults

/// Whether a request offering tools is answered with a call, and of which tool,
/// by rules a user can predict (README, "Tool use"):
///
/// - `tool_choice` `tool` calls that tool, `any` the first client tool, `none` never;
/// - `auto` (or none given) calls the first client tool, unless the last message
///   brings tool results: then the model answers in text. An agent loop asking,
///   calling and answering therefore ends, as it does against the API.
enum ToolCallPlanner {
    static func call(for request: MessagesRequest, hints: SchemaInstance.Hints) -> PlannedAnswer? {
        guard let offered = request.tools, let tool = chosen(request, from: offered.filter(\.isClientTool)) else { return nil }
        let input = SchemaInstance(root: tool.inputSchema ?? .object([:]), hints: hints).value()
        // A tool's input is always an object, whatever its schema says at the top.
        guard case .object = input else { return .toolCall(tool.name, input: .object([:])) }
        return .toolCall(tool.name, input: input)
    }

    private static func chosen(_ request: MessagesRequest, from tools: [ToolDefinition]) -> ToolDefinition? {
        switch request.toolChoice {
        case .none?: return nil
        case let .tool(name)?: return tools.first { $0.name == name }
        case .any?: return tools.first
        case .auto?, nil:
            let answered = request.messages.last.map { $0.role == .user && $0.content.contains { $0.type == "tool_result" } } ?? false
            return answered ? nil : tools.first
        }
    }
}
