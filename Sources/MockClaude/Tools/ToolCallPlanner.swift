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
///
/// A `parallel_tool_calls` fault adds calls after the first (``parallel(_:calls:for:hints:)``).
enum ToolCallPlanner {
    static func call(for request: MessagesRequest, hints: SchemaInstance.Hints, tokenizer: Tokenizer) -> PlannedAnswer? {
        guard let offered = request.tools, let tool = chosen(request, from: offered.filter(\.isClientTool)) else { return nil }
        let parallel = request.toolChoice?.disableParallelToolUse != true
        return .toolCall(tool.name, input: input(of: tool, hints: hints), allowsParallelCalls: parallel, tokenizer: tokenizer)
    }

    /// `answer` making `calls` calls: its own, then the next client tools offered,
    /// in order, coming round again (`tool_choice` `tool` repeats the one named).
    /// Only calls that fit in `max_tokens` are added. Nil when the answer does not
    /// end in a whole call, or none more fits.
    static func parallel(_ answer: PlannedAnswer, calls: Int, for request: MessagesRequest, hints: SchemaInstance.Hints) -> PlannedAnswer? {
        guard let first = answer.toolName, answer.stopReason == .toolUse, answer.allowsParallelCalls,
              let tools = request.tools?.filter(\.isClientTool), let start = tools.firstIndex(where: { $0.name == first })
        else { return nil }
        let rotation: [ToolDefinition] = if case .tool? = request.toolChoice?.mode { [tools[start]] } else { Array(tools[start...] + tools[..<start]) }
        let limit = request.maxTokens ?? Int.max
        var expanded = answer
        var made: [String: Int] = [first: 1]
        for index in 1..<calls {
            let tool = rotation[index % rotation.count]
            var toolHints = hints
            toolHints.variant = made[tool.name, default: 0]
            made[tool.name, default: 0] += 1
            var next = expanded
            next.moreCalls.append(.init(name: tool.name, input: input(of: tool, hints: toolHints)))
            guard next.outputTokens <= limit else { break }
            expanded = next
        }
        return expanded.moreCalls.isEmpty ? nil : expanded
    }

    private static func input(of tool: ToolDefinition, hints: SchemaInstance.Hints) -> JSONValue {
        let input = SchemaInstance(root: tool.inputSchema ?? .object([:]), hints: hints).value()
        // A tool's input is always an object, whatever its schema says at the top.
        guard case .object = input else { return .object([:]) }
        return input
    }

    private static func chosen(_ request: MessagesRequest, from tools: [ToolDefinition]) -> ToolDefinition? {
        switch request.toolChoice?.mode {
        case .none?: return nil
        case let .tool(name)?: return tools.first { $0.name == name }
        case .any?: return tools.first
        case .auto?, nil:
            let answered = request.messages.last.map { $0.role == .user && $0.content.contains { $0.type == "tool_result" } } ?? false
            return answered ? nil : tools.first
        }
    }
}
