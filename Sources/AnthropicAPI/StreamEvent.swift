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
    case ping
    case textDelta(index: Int, text: String)
    case contentBlockStop(index: Int)
    case messageDelta(stopReason: StopReason, outputTokens: Int)
    case messageStop
    case error(type: APIErrorType, message: String)

    /// The event's name on the `event:` line.
    public var name: String {
        switch self {
        case .messageStart: "message_start"
        case .contentBlockStart: "content_block_start"
        case .ping: "ping"
        case .textDelta: "content_block_delta"
        case .contentBlockStop: "content_block_stop"
        case .messageDelta: "message_delta"
        case .messageStop: "message_stop"
        case .error: "error"
        }
    }

    /// The JSON on the `data:` line.
    public var data: String {
        switch self {
        case let .messageStart(id, model, inputTokens, cacheCreation, cacheRead):
            #"{"type":"message_start","message":{"id":"# + JSONText.quoted(id)
                + #","type":"message","role":"assistant","model":"# + JSONText.quoted(model)
                + #","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":"#
                + "\(inputTokens)" + #","output_tokens":1,"cache_creation_input_tokens":"# + "\(cacheCreation)"
                + #","cache_read_input_tokens":"# + "\(cacheRead)" + "}}}"
        case let .contentBlockStart(index):
            #"{"type":"content_block_start","index":\#(index),"content_block":{"type":"text","text":""}}"#
        case .ping:
            #"{"type":"ping"}"#
        case let .textDelta(index, text):
            #"{"type":"content_block_delta","index":\#(index),"delta":{"type":"text_delta","text":"# + JSONText.quoted(text) + "}}"
        case let .contentBlockStop(index):
            #"{"type":"content_block_stop","index":\#(index)}"#
        case let .messageDelta(stopReason, outputTokens):
            #"{"type":"message_delta","delta":{"stop_reason":"\#(stopReason.rawValue)","stop_sequence":null},"usage":{"output_tokens":\#(outputTokens)}}"#
        case .messageStop:
            #"{"type":"message_stop"}"#
        case let .error(type, message):
            #"{"type":"error","error":{"type":"\#(type.rawValue)","message":"# + JSONText.quoted(message) + "}}"
        }
    }

    /// The whole event as it goes on the wire, blank line included.
    public var wire: String { "event: \(name)\ndata: \(data)\n\n" }
}
