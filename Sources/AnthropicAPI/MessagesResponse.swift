import ChaosCore

/// Why the model stopped.
public enum StopReason: String, Codable, Sendable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case toolUse = "tool_use"
    case refusal
}

/// Token counts of one call.
public struct Usage: Codable, Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheCreationInputTokens: Int
    public var cacheReadInputTokens: Int

    public init(inputTokens: Int, outputTokens: Int, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0) {
        self.inputTokens = inputTokens; self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens; self.cacheReadInputTokens = cacheReadInputTokens
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0
        outputTokens = try c.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0
        cacheCreationInputTokens = try c.decodeIfPresent(Int.self, forKey: .cacheCreationInputTokens) ?? 0
        cacheReadInputTokens = try c.decodeIfPresent(Int.self, forKey: .cacheReadInputTokens) ?? 0
    }
}

/// A complete (non-streaming) `/v1/messages` answer.
public struct MessagesResponse: Codable, Sendable, Equatable {
    public var id: String
    public var type: String = "message"
    public var role: String = "assistant"
    public var model: String
    public var content: [ContentBlock]
    public var stopReason: StopReason?
    public var stopSequence: String?
    public var usage: Usage

    public init(id: String, model: String, text: String, stopReason: StopReason, usage: Usage) {
        self.init(id: id, model: model, content: [.text(text)], stopReason: stopReason, usage: usage)
    }

    public init(id: String, model: String, content: [ContentBlock], stopReason: StopReason, usage: Usage) {
        self.id = id; self.model = model; self.content = content
        self.stopReason = stopReason; self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case id, type, role, model, content, stopReason = "stop_reason", stopSequence = "stop_sequence", usage
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(type, forKey: .type)
        try c.encode(role, forKey: .role)
        try c.encode(model, forKey: .model)
        try c.encode(content, forKey: .content)
        try c.encode(stopReason, forKey: .stopReason)
        // The API sends an explicit null; some clients check for the key.
        try c.encode(stopSequence, forKey: .stopSequence)
        try c.encode(usage, forKey: .usage)
    }

    /// The text of all text blocks.
    public var text: String { content.filter { $0.type == "text" }.map(\.text).joined() }

    /// The body as the mock sends it: the same JSON as the `Codable` form with
    /// sorted keys, written by hand because `JSONEncoder` was the largest cost of a
    /// mock request. Text, `tool_use`, `thinking` and `redacted_thinking` blocks carry over, which is all the mock answers.
    public var jsonText: String { String(decoding: jsonBytes, as: UTF8.self) }

    /// `jsonText` as UTF-8 bytes, which is what goes on the wire.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320 + content.reduce(0) { $0 + $1.text.utf8.count })
        // `raw` is handed `out` rather than capturing it: captured, `out` made
        // every append to it pay a dynamic exclusivity check.
        func raw(_ literal: StaticString, _ out: inout [UInt8]) { JSONText.appendRaw(literal, to: &out) }
        raw(#"{"content":["#, &out)
        for (i, block) in content.enumerated() {
            if i > 0 { raw(",", &out) }
            if block.type == "tool_use" {
                raw(#"{"id":"#, &out); JSONText.appendQuoted(block.toolUseID ?? "", to: &out)
                raw(#","input":"#, &out); (block.input ?? .object([:])).appendJSON(to: &out)
                raw(#","name":"#, &out); JSONText.appendQuoted(block.name ?? "", to: &out)
            } else if block.type == "redacted_thinking" {
                raw(#"{"data":"#, &out); JSONText.appendQuoted(block.signature ?? "", to: &out)
            } else if block.type == "thinking" {
                raw(#"{"signature":"#, &out); JSONText.appendQuoted(block.signature ?? "", to: &out)
                raw(#","thinking":"#, &out); JSONText.appendQuoted(block.text, to: &out)
            } else {
                raw(#"{"text":"#, &out); JSONText.appendQuoted(block.text, to: &out)
            }
            raw(#","type":"#, &out); JSONText.appendQuoted(block.type, to: &out); raw("}", &out)
        }
        raw(#"],"id":"#, &out); JSONText.appendQuoted(id, to: &out)
        raw(#","model":"#, &out); JSONText.appendQuoted(model, to: &out)
        raw(#","role":"#, &out); JSONText.appendQuoted(role, to: &out)
        raw(#","stop_reason":"#, &out)
        if let stopReason { JSONText.appendQuoted(stopReason.rawValue, to: &out) } else { raw("null", &out) }
        raw(#","stop_sequence":"#, &out)
        if let stopSequence { JSONText.appendQuoted(stopSequence, to: &out) } else { raw("null", &out) }
        raw(#","type":"#, &out); JSONText.appendQuoted(type, to: &out)
        raw(#","usage":{"cache_creation_input_tokens":"#, &out); JSONText.appendInteger(usage.cacheCreationInputTokens, to: &out)
        raw(#","cache_read_input_tokens":"#, &out); JSONText.appendInteger(usage.cacheReadInputTokens, to: &out)
        raw(#","input_tokens":"#, &out); JSONText.appendInteger(usage.inputTokens, to: &out)
        raw(#","output_tokens":"#, &out); JSONText.appendInteger(usage.outputTokens, to: &out); raw("}}", &out)
        return out
    }
}

/// The answer of `POST /v1/messages/count_tokens`.
public struct CountTokensResponse: Codable, Sendable, Equatable {
    public var inputTokens: Int
    public init(inputTokens: Int) { self.inputTokens = inputTokens }
    enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens" }
}

/// One entry of `GET /v1/models`.
public struct ModelInfo: Codable, Sendable, Equatable {
    public var type: String = "model"
    public var id: String
    public var displayName: String
    /// RFC 3339.
    public var createdAt: String

    public init(id: String, displayName: String, createdAt: String) {
        self.id = id; self.displayName = displayName; self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case type, id, displayName = "display_name", createdAt = "created_at"
    }
}

/// Something a list endpoint pages through by id.
public protocol Listable: Codable, Sendable, Equatable {
    var id: String { get }
}

extension ModelInfo: Listable {}

/// A page of a list endpoint (`GET /v1/models`, `GET /v1/messages/batches`).
public struct ListPage<Item: Listable>: Codable, Sendable, Equatable {
    public var data: [Item]
    public var hasMore: Bool
    public var firstID: String?
    public var lastID: String?

    public init(data: [Item], hasMore: Bool) {
        self.data = data; self.hasMore = hasMore
        self.firstID = data.first?.id; self.lastID = data.last?.id
    }

    /// A page of `items` (in the order the list shows them) as the API's list
    /// endpoints cut it: `limit` of them (1–1,000, 20 unless given), the page
    /// after `afterID` or the one before `beforeID`. Only the page's items are
    /// made into what the list shows.
    public init<Source>(
        of items: [Source], id: (Source) -> String, limit: Int?, afterID: String?, beforeID: String?, item: (Source) -> Item
    ) {
        let limit = limit.map { max(1, min($0, 1000)) } ?? 20
        var rest = items[...], shown = items.prefix(limit)
        if let afterID, let index = items.firstIndex(where: { id($0) == afterID }) {
            rest = items[(index + 1)...]
            shown = rest.prefix(limit)
        } else if let beforeID, let index = items.firstIndex(where: { id($0) == beforeID }) {
            rest = items[..<index]
            shown = rest.suffix(limit)
        }
        self.init(data: shown.map(item), hasMore: rest.count > limit)
    }

    enum CodingKeys: String, CodingKey {
        case data, hasMore = "has_more", firstID = "first_id", lastID = "last_id"
    }
}

public typealias ModelList = ListPage<ModelInfo>
