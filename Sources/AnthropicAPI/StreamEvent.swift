import ChaosCore

/// The server-sent events of a streamed `/v1/messages` answer, in wire order:
///
/// ```
/// message_start → content_block_start → ping → content_block_delta × n
///   → content_block_stop → message_delta (stop_reason, usage) → message_stop
/// ```
/// `error` may replace the tail at any point after `message_start`.
public enum StreamEvent: Sendable, Equatable {
    case messageStart(id: String, model: String, inputTokens: Int, cacheCreation: Int = 0, cacheRead: Int = 0)
    case contentBlockStart(index: Int)
    /// The start of a `tool_use` block; its input follows in ``inputJSONDelta``s.
    case toolUseStart(index: Int, id: String, name: String)
    case ping
    case textDelta(index: Int, text: String)
    /// A piece of a tool call's input JSON, which is only whole once the block stops.
    case inputJSONDelta(index: Int, partialJSON: String)
    /// The start of a `thinking` block; its thoughts follow in ``thinkingDelta``s, then one ``signatureDelta``.
    case thinkingStart(index: Int)
    case thinkingDelta(index: Int, thinking: String)
    case signatureDelta(index: Int, signature: String)
    /// A `redacted_thinking` block, whole in its start: encrypted thoughts have no deltas.
    case redactedThinkingStart(index: Int, data: String)
    case contentBlockStop(index: Int)
    case messageDelta(stopReason: StopReason, stopSequence: String? = nil, outputTokens: Int)
    case messageStop
    case error(type: APIErrorType, message: String)

    /// The event's name on the `event:` line.
    public var name: String {
        switch self {
        case .messageStart: "message_start"
        case .contentBlockStart, .toolUseStart, .thinkingStart, .redactedThinkingStart: "content_block_start"
        case .ping: "ping"
        case .textDelta, .inputJSONDelta, .thinkingDelta, .signatureDelta: "content_block_delta"
        case .contentBlockStop: "content_block_stop"
        case .messageDelta: "message_delta"
        case .messageStop: "message_stop"
        case .error: "error"
        }
    }

    /// The JSON on the `data:` line.
    public var data: String {
        var out: [UInt8] = []
        appendData(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The whole event as it goes on the wire, blank line included.
    public var wire: String {
        var out: [UInt8] = []
        appendWire(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the whole event, blank line included. The mock builds every token
    /// this way: as concatenated strings it cost 7 allocations per token.
    public func appendWire(to out: inout [UInt8]) {
        out.append(contentsOf: "event: ".utf8)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "\ndata: ".utf8)
        appendData(to: &out)
        out.append(contentsOf: "\n\n".utf8)
    }

    /// Appends the JSON on the `data:` line.
    public func appendData(to out: inout [UInt8]) {
        switch self {
        case let .messageStart(id, model, inputTokens, cacheCreation, cacheRead):
            out.append(contentsOf: #"{"type":"message_start","message":{"id":"#.utf8)
            JSONText.appendQuoted(id, to: &out)
            out.append(contentsOf: #","type":"message","role":"assistant","model":"#.utf8)
            JSONText.appendQuoted(model, to: &out)
            out.append(contentsOf: #","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":"#.utf8)
            JSONText.appendInteger(inputTokens, to: &out)
            out.append(contentsOf: #","output_tokens":1,"cache_creation_input_tokens":"#.utf8)
            JSONText.appendInteger(cacheCreation, to: &out)
            out.append(contentsOf: #","cache_read_input_tokens":"#.utf8)
            JSONText.appendInteger(cacheRead, to: &out)
            out.append(contentsOf: "}}}".utf8)
        case let .contentBlockStart(index):
            out.append(contentsOf: #"{"type":"content_block_start","index":"#.utf8)
            JSONText.appendInteger(index, to: &out)
            out.append(contentsOf: #","content_block":{"type":"text","text":""}}"#.utf8)
        case let .toolUseStart(index, id, name):
            out.append(contentsOf: #"{"type":"content_block_start","index":"#.utf8)
            JSONText.appendInteger(index, to: &out)
            out.append(contentsOf: #","content_block":{"type":"tool_use","id":"#.utf8)
            JSONText.appendQuoted(id, to: &out)
            out.append(contentsOf: #","name":"#.utf8)
            JSONText.appendQuoted(name, to: &out)
            out.append(contentsOf: #","input":{}}}"#.utf8)
        case .ping:
            out.append(contentsOf: #"{"type":"ping"}"#.utf8)
        case let .textDelta(index, text):
            Self.appendDelta(index, #"{"type":"text_delta","text":"#, text, to: &out)
        case let .inputJSONDelta(index, partialJSON):
            Self.appendDelta(index, #"{"type":"input_json_delta","partial_json":"#, partialJSON, to: &out)
        case let .thinkingStart(index):
            out.append(contentsOf: #"{"type":"content_block_start","index":"#.utf8)
            JSONText.appendInteger(index, to: &out)
            out.append(contentsOf: #","content_block":{"type":"thinking","thinking":"","signature":""}}"#.utf8)
        case let .redactedThinkingStart(index, data):
            out.append(contentsOf: #"{"type":"content_block_start","index":"#.utf8)
            JSONText.appendInteger(index, to: &out)
            out.append(contentsOf: #","content_block":{"type":"redacted_thinking","data":"#.utf8)
            JSONText.appendQuoted(data, to: &out)
            out.append(contentsOf: "}}".utf8)
        case let .thinkingDelta(index, thinking):
            Self.appendDelta(index, #"{"type":"thinking_delta","thinking":"#, thinking, to: &out)
        case let .signatureDelta(index, signature):
            Self.appendDelta(index, #"{"type":"signature_delta","signature":"#, signature, to: &out)
        case let .contentBlockStop(index):
            out.append(contentsOf: #"{"type":"content_block_stop","index":"#.utf8)
            JSONText.appendInteger(index, to: &out)
            out.append(contentsOf: "}".utf8)
        case let .messageDelta(stopReason, stopSequence, outputTokens):
            out.append(contentsOf: #"{"type":"message_delta","delta":{"stop_reason":"#.utf8)
            JSONText.appendQuoted(stopReason.rawValue, to: &out)
            out.append(contentsOf: #","stop_sequence":"#.utf8)
            if let stopSequence { JSONText.appendQuoted(stopSequence, to: &out) } else { out.append(contentsOf: "null".utf8) }
            out.append(contentsOf: #"},"usage":{"output_tokens":"#.utf8)
            JSONText.appendInteger(outputTokens, to: &out)
            out.append(contentsOf: "}}".utf8)
        case .messageStop:
            out.append(contentsOf: #"{"type":"message_stop"}"#.utf8)
        case let .error(type, message):
            out.append(contentsOf: #"{"type":"error","error":{"type":"#.utf8)
            JSONText.appendQuoted(type.rawValue, to: &out)
            out.append(contentsOf: #","message":"#.utf8)
            JSONText.appendQuoted(message, to: &out)
            out.append(contentsOf: "}}".utf8)
        }
    }

    /// A `content_block_delta`: `delta` opens the delta object up to its one string value.
    private static func appendDelta(_ index: Int, _ delta: StaticString, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":"content_block_delta","index":"#.utf8)
        JSONText.appendInteger(index, to: &out)
        out.append(contentsOf: #","delta":"#.utf8)
        delta.withUTF8Buffer { out.append(contentsOf: $0) }
        JSONText.appendQuoted(value, to: &out)
        out.append(contentsOf: "}}".utf8)
    }
}
