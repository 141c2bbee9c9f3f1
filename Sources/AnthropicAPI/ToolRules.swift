extension MessagesRequest {
    /// The first rule about tools that the API enforces with a 400, broken; nil
    /// when none is. The pairing of `tool_use` and `tool_result` is the one agent
    /// loops get wrong most (a history cut in the middle of a call, a result
    /// dropped on retry), so a mock that let it pass would hide the bug.
    var toolProblem: String? {
        let tools = tools ?? []
        var names = Set<String>()
        for (i, tool) in tools.enumerated() {
            if !Self.isValidToolName(tool.name) {
                return "tools.\(i).name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"
            }
            if !names.insert(tool.name).inserted { return "tools: Tool names must be unique." }
        }
        switch toolChoice?.mode {
        case .tool(let name)?:
            if tools.isEmpty { return "tool_choice: tool_choice may only be specified while providing tools." }
            if !names.contains(name) { return "tool_choice.name: there is no tool named '\(name)' in tools" }
        case .any?:
            if tools.isEmpty { return "tool_choice: tool_choice may only be specified while providing tools." }
        case .auto?, .none?, nil:
            break
        }
        return pairingProblem
    }

    private var pairingProblem: String? {
        // Most requests have no tool blocks: checked without allocating, per request.
        guard messages.contains(where: { $0.content.contains { $0.toolUseID != nil } }) else { return nil }
        for (i, message) in messages.enumerated() {
            let calls = message.content.filter { $0.type == "tool_use" }.compactMap(\.toolUseID)
            let next = i + 1 < messages.count ? messages[i + 1] : nil
            if message.role == .assistant, !calls.isEmpty, let next {
                let answered = Set(next.content.filter { $0.type == "tool_result" }.compactMap(\.toolUseID))
                let missing = calls.filter { !answered.contains($0) }
                if !missing.isEmpty {
                    return "messages.\(i + 1): `tool_use` ids were found without `tool_result` blocks immediately after: "
                        + missing.joined(separator: ", ")
                        + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message."
                }
            }
            guard message.role == .user else { continue }
            let asked: Set<String> = i > 0 && messages[i - 1].role == .assistant
                ? Set(messages[i - 1].content.filter { $0.type == "tool_use" }.compactMap(\.toolUseID)) : []
            for (j, block) in message.content.enumerated() where block.type == "tool_result" {
                if let id = block.toolUseID, !asked.contains(id) {
                    return "messages.\(i).content.\(j): unexpected `tool_use_id` found in `tool_result` blocks: \(id). "
                        + "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                }
            }
        }
        return nil
    }

    private static func isValidToolName(_ name: String) -> Bool {
        let bytes = name.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F || byte == 0x2D
        }
    }
}
