import ChaosCore
/// A `POST /v1/messages` (or `/v1/messages/count_tokens`) request body, as far as a
/// mock needs it: who is asked, what was said, how long the answer may be.
/// Fields the mock does not use (metadata, service tier, …) are accepted and
/// ignored, as a forward-compatible server must.
public struct MessagesRequest: Codable, Sendable, Equatable {
    public var model: String
    /// Required by `/v1/messages`, absent from `count_tokens`; see ``validate(requireMaxTokens:)``.
    public var maxTokens: Int?
    public var messages: [Message]
    public var system: [ContentBlock]?
    public var stream: Bool?
    public var stopSequences: [String]?
    public var tools: [ToolDefinition]?
    public var toolChoice: ToolChoice?
    public var thinking: ThinkingConfig?
    /// Structured outputs: `output_config.format`, or the beta's top-level `output_format`.
    public var outputConfig: OutputConfig?
    /// Sampling parameters: read only because some models refuse them (a 400).
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    /// The betas of the request's `anthropic-beta` header (not part of the body).
    public var betas: [String] = []

    public init(
        model: String, maxTokens: Int?, messages: [Message], system: [ContentBlock]? = nil,
        stream: Bool? = nil, stopSequences: [String]? = nil, tools: [ToolDefinition]? = nil, toolChoice: ToolChoice? = nil,
        thinking: ThinkingConfig? = nil, outputConfig: OutputConfig? = nil
    ) {
        self.model = model; self.maxTokens = maxTokens; self.messages = messages
        self.system = system; self.stream = stream; self.stopSequences = stopSequences
        self.tools = tools; self.toolChoice = toolChoice; self.thinking = thinking
        self.outputConfig = outputConfig
    }

    enum CodingKeys: String, CodingKey {
        case model, maxTokens = "max_tokens", messages, system, stream, stopSequences = "stop_sequences"
        case tools, toolChoice = "tool_choice", thinking, outputConfig = "output_config"
        case temperature, topP = "top_p", topK = "top_k"
    }
    /// Read, never written: the structured-outputs beta's place for the format.
    private enum BetaKeys: String, CodingKey { case outputFormat = "output_format" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens)
        messages = try c.decode([Message].self, forKey: .messages)
        if let text = try? c.decodeIfPresent(String.self, forKey: .system) {
            system = [.text(text)]
        } else {
            system = try c.decodeIfPresent([ContentBlock].self, forKey: .system)
        }
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream)
        stopSequences = try c.decodeIfPresent([String].self, forKey: .stopSequences)
        tools = try c.decodeIfPresent([ToolDefinition].self, forKey: .tools)
        toolChoice = try c.decodeIfPresent(ToolChoice.self, forKey: .toolChoice)
        thinking = try c.decodeIfPresent(ThinkingConfig.self, forKey: .thinking)
        outputConfig = try c.decodeIfPresent(OutputConfig.self, forKey: .outputConfig)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        topP = try c.decodeIfPresent(Double.self, forKey: .topP)
        topK = try c.decodeIfPresent(Int.self, forKey: .topK)
        if outputConfig?.format == nil,
           let format = try decoder.container(keyedBy: BetaKeys.self).decodeIfPresent(OutputFormat.self, forKey: .outputFormat) {
            outputConfig = OutputConfig(format: format, effort: outputConfig?.effort)
        }
    }

    /// The JSON Schema the answer's text must meet, when the request asks for structured output.
    public var outputSchema: JSONValue? { outputConfig?.format?.schema }

    /// Checks what decoding cannot: the rules the real API enforces with a 400.
    /// - Returns: the message of the first broken rule, in the API's `field: problem` form.
    /// - Parameter binding: whose sealed thinking the request's model takes back.
    public func validate(requireMaxTokens: Bool, binding: ThinkingSeal.Binding = .unbound) -> String? {
        if model.isEmpty { return "model: String should have at least 1 character" }
        if requireMaxTokens {
            guard let maxTokens else { return "max_tokens: Field required" }
            if maxTokens < 1 { return "max_tokens: Input should be greater than or equal to 1" }
        }
        if messages.isEmpty { return "messages: at least one message is required" }
        if let problem = thinking?.problem(maxTokens: requireMaxTokens ? maxTokens : nil, interleaved: betas.contains(Self.interleavedThinkingBeta)) {
            return problem
        }
        return contentProblem ?? prefillProblem ?? toolProblem ?? thinkingTurnProblem ?? thinkingBlockProblem(binding: binding)
    }

    /// All the text of the system prompt.
    public var systemText: String {
        guard let system else { return "" }
        return system.count == 1 ? system[0].text : system.map(\.text).joined(separator: "\n")
    }

    /// The text of the last message sent by the user: where the question is.
    public var lastUserText: String {
        messages.last(where: { $0.role == .user })?.text ?? ""
    }

    /// The text up to and including the last block marked `cache_control` (system
    /// first, then messages in order), or nil when nothing is marked.
    public var cacheablePrefix: String? {
        guard let last = cachePrefixEnd else { return nil }
        let blocks = (system ?? []) + messages.flatMap(\.content)
        return blocks[...last].map(\.text).joined(separator: "\n")
    }

    /// Where the cacheable prefix ends: the index of the last block marked
    /// `cache_control`, counting the system prompt's blocks first. Read in place:
    /// most requests mark nothing, and gathering the blocks into one array first
    /// cost every request two arrays.
    public var cachePrefixEnd: Int? {
        var index = 0
        var last: Int?
        for block in system ?? [] {
            if block.cacheControl { last = index }
            index += 1
        }
        for message in messages {
            for block in message.content {
                if block.cacheControl { last = index }
                index += 1
            }
        }
        return last
    }

    /// Every piece of text in the request, for counting input tokens: tool
    /// definitions and an output schema count, as the model reads them.
    public var allText: [String] {
        let prompt = [systemText] + messages.map(\.text) + (outputSchema.map { [$0.jsonText] } ?? [])
        guard let tools else { return prompt }
        return prompt + tools.map(\.promptText)
    }
}

/// One turn of the conversation.
public struct Message: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable { case user, assistant }

    public var role: Role
    public var content: [ContentBlock]

    public init(role: Role, content: [ContentBlock]) {
        self.role = role; self.content = content
    }

    /// A message with a single text block.
    public init(role: Role, text: String) {
        self.init(role: role, content: [.text(text)])
    }

    enum CodingKeys: String, CodingKey { case role, content }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        role = try c.decode(Role.self, forKey: .role)
        if let text = try? c.decode(String.self, forKey: .content) {
            content = Self.content(of: text)
        } else {
            content = try c.decode([ContentBlock].self, forKey: .content)
        }
    }

    /// A message's content given as a string: one text block, or none for `""`,
    /// which the API takes as a message without content.
    static func content(of text: String) -> [ContentBlock] { text.isEmpty ? [] : [.text(text)] }

    /// The text of all the message's blocks but thinking, which the API ignores
    /// when it is handed back (it is neither read again nor counted as input).
    public var text: String {
        if content.count == 1, !content[0].isThinking { return content[0].text }
        return content.filter { !$0.isThinking }.map(\.text).joined(separator: "\n")
    }
}

/// A content block. Text is what a mock reads; other blocks (images, tool results,
/// documents) are kept by type with whatever text they carry, and tool calls with
/// their id, tool and input, which the mock answers with and checks the pairing of.
public struct ContentBlock: Codable, Sendable, Equatable {
    public var type: String
    public var text: String
    /// Marks the end of a cacheable prompt prefix (`"cache_control": {"type": "ephemeral"}`).
    public var cacheControl: Bool
    /// A `tool_use` block's `id`, or the `tool_use_id` a `tool_result` answers.
    public var toolUseID: String?
    /// A `tool_use` block's tool.
    public var name: String?
    /// A `tool_use` block's arguments.
    public var input: JSONValue?
    /// A `thinking` block's signature (its thoughts are in `text`), or a
    /// `redacted_thinking` block's encrypted `data`: what a client hands back unchanged.
    public var signature: String?
    /// An `image` or `document` block's source; for a `container_upload` block,
    /// a `file` source with its `file_id`.
    public var source: MediaSource?
    /// The blocks nested in its `content` (a `tool_result`'s screenshot), kept
    /// only when one of them has a source; their text is in `text`.
    public var nested: [ContentBlock]?

    public init(type: String, text: String, cacheControl: Bool = false, toolUseID: String? = nil, name: String? = nil, input: JSONValue? = nil) {
        self.type = type; self.text = text; self.cacheControl = cacheControl
        self.toolUseID = toolUseID; self.name = name; self.input = input
    }

    /// A text block.
    public static func text(_ text: String, cacheControl: Bool = false) -> ContentBlock {
        ContentBlock(type: "text", text: text, cacheControl: cacheControl)
    }

    /// A call of a client tool.
    public static func toolUse(id: String, name: String, input: JSONValue) -> ContentBlock {
        ContentBlock(type: "tool_use", text: "", toolUseID: id, name: name, input: input)
    }

    /// The model's thinking before its answer, signed.
    public static func thinking(_ text: String, signature: String) -> ContentBlock {
        var block = ContentBlock(type: "thinking", text: text)
        block.signature = signature
        return block
    }

    /// Thinking the API sends encrypted (its safety systems flagged it): opaque
    /// `data` the client cannot read but must hand back.
    public static func redactedThinking(data: String) -> ContentBlock {
        var block = ContentBlock(type: "redacted_thinking", text: "")
        block.signature = data
        return block
    }

    /// Nested blocks worth keeping: those of a content with media in it.
    static func keptNested(_ blocks: [ContentBlock]) -> [ContentBlock]? {
        blocks.contains { $0.source != nil } ? blocks : nil
    }

    /// A `thinking` or `redacted_thinking` block.
    public var isThinking: Bool { type == "thinking" || type == "redacted_thinking" }

    /// The answer to a tool call.
    public static func toolResult(id: String, text: String) -> ContentBlock {
        ContentBlock(type: "tool_result", text: text, toolUseID: id)
    }

    enum CodingKeys: String, CodingKey {
        case type, text, content, cacheControl = "cache_control", id, toolUseID = "tool_use_id", name, input, thinking, signature, data
        case source, fileID = "file_id"
    }
    private struct CacheControl: Codable { var type = "ephemeral" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        cacheControl = c.contains(.cacheControl) && (try? c.decodeNil(forKey: .cacheControl)) == false
        if type == "text" {
            text = try c.decode(String.self, forKey: .text)
        } else if type == "thinking" {
            text = try c.decode(String.self, forKey: .thinking)
            signature = try c.decodeIfPresent(String.self, forKey: .signature)
        } else if type == "redacted_thinking" {
            text = ""
            signature = try c.decode(String.self, forKey: .data)
        } else if let nested = try? c.decodeIfPresent(String.self, forKey: .content) {
            text = nested
        } else if let blocks = try? c.decodeIfPresent([ContentBlock].self, forKey: .content) {
            text = blocks.map(\.text).joined(separator: "\n")
            nested = Self.keptNested(blocks)
        } else {
            text = ""
        }
        switch type {
        case "tool_use":
            toolUseID = try c.decode(String.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            input = try c.decode(JSONValue.self, forKey: .input)
        case "tool_result":
            toolUseID = try c.decode(String.self, forKey: .toolUseID)
        case "container_upload":
            source = MediaSource(type: "file", fileID: try c.decode(String.self, forKey: .fileID))
        case "image", "document":
            source = try c.decode(MediaSource.self, forKey: .source)
        default:
            break
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        switch type {
        case "tool_use":
            try c.encodeIfPresent(toolUseID, forKey: .id)
            try c.encodeIfPresent(name, forKey: .name)
            try c.encode(input ?? .object([:]), forKey: .input)
        case "tool_result":
            try c.encodeIfPresent(toolUseID, forKey: .toolUseID)
            try c.encode(text, forKey: .content)
        case "thinking":
            try c.encode(text, forKey: .thinking)
            try c.encode(signature ?? "", forKey: .signature)
        case "redacted_thinking":
            try c.encode(signature ?? "", forKey: .data)
        case "container_upload":
            try c.encodeIfPresent(source?.fileID, forKey: .fileID)
        case "image", "document":
            try c.encodeIfPresent(source, forKey: .source)
        default:
            try c.encode(text, forKey: .text)
        }
        if cacheControl { try c.encode(CacheControl(), forKey: .cacheControl) }
    }
}
