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
/// `{"type": "tool", "name": …}`.
public enum ToolChoice: Codable, Sendable, Equatable {
    case auto
    case any
    case tool(String)
    case none

    enum CodingKeys: String, CodingKey { case type, name }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "auto": self = .auto
        case "any": self = .any
        case "none": self = .none
        case "tool": self = .tool(try c.decode(String.self, forKey: .name))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "Input tag '\(type)' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .auto: try c.encode("auto", forKey: .type)
        case .any: try c.encode("any", forKey: .type)
        case .none: try c.encode("none", forKey: .type)
        case let .tool(name):
            try c.encode("tool", forKey: .type)
            try c.encode(name, forKey: .name)
        }
    }
}
