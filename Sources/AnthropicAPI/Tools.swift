import ChaosCore

/// A tool a request offers the model. Client tools carry an `input_schema`;
/// server tools (web search, code execution, …) carry a versioned `type` instead,
/// and the mock never calls them.
public struct ToolDefinition: Codable, Sendable, Equatable {
    public var name: String
    public var type: String?
    public var description: String?
    public var inputSchema: JSONValue?

    public init(name: String, description: String? = nil, inputSchema: JSONValue?) {
        self.name = name; self.description = description; self.inputSchema = inputSchema
    }

    enum CodingKeys: String, CodingKey { case name, type, description, inputSchema = "input_schema" }

    /// A tool the client runs itself: one the model answers with a `tool_use` block for.
    public var isClientTool: Bool { inputSchema != nil && (type == nil || type == "custom") }

    /// The definition's text, which the model reads and which counts as input tokens.
    public var promptText: String {
        [name, description ?? "", inputSchema?.jsonText ?? ""].joined(separator: "\n")
    }
}

/// How the model may use the tools: `{"type": "auto" | "any" | "none"}` or
/// `{"type": "tool", "name": …}`, with `disable_parallel_tool_use` beside the type
/// (one call per answer at most).
public struct ToolChoice: Codable, Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case auto
        case any
        case tool(String)
        case none
    }

    public var mode: Mode
    public var disableParallelToolUse: Bool

    public init(_ mode: Mode, disableParallelToolUse: Bool = false) {
        self.mode = mode; self.disableParallelToolUse = disableParallelToolUse
    }

    public static let auto = ToolChoice(.auto)
    public static let any = ToolChoice(.any)
    public static let none = ToolChoice(.none)
    public static func tool(_ name: String) -> ToolChoice { ToolChoice(.tool(name)) }

    enum CodingKeys: String, CodingKey { case type, name, disableParallelToolUse = "disable_parallel_tool_use" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "auto": mode = .auto
        case "any": mode = .any
        case "none": mode = .none
        case "tool": mode = .tool(try c.decode(String.self, forKey: .name))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "Input tag '\(type)' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'"
            )
        }
        disableParallelToolUse = try c.decodeIfPresent(Bool.self, forKey: .disableParallelToolUse) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch mode {
        case .auto: try c.encode("auto", forKey: .type)
        case .any: try c.encode("any", forKey: .type)
        case .none: try c.encode("none", forKey: .type)
        case let .tool(name):
            try c.encode("tool", forKey: .type)
            try c.encode(name, forKey: .name)
        }
        if disableParallelToolUse { try c.encode(true, forKey: .disableParallelToolUse) }
    }
}
