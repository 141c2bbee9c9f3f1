import AnthropicAPI

/// Times the tokens of a target's `text/event-stream` answer as its chunks arrive.
///
/// A token is an event named `content_block_delta` (an Anthropic-shaped stream
/// passed through) or an unnamed `data:` event (most hand-made streams); other
/// named events (`message_start`, `ping`) and `data: [DONE]` carry no token. JSON
/// paths of the target's fields read the last `data:` that is a JSON object.
struct TokenStream {
    let sent: Duration
    private var events = ServerSentEvents()
    private var first: Duration?
    private var last: Duration?
    private var tokens = 0
    private(set) var lastJSON: String?

    init(sent: Duration) { self.sent = sent }

    var timeToFirstToken: Duration? { first.map { $0 - sent } }

    var interTokenLatency: Duration? {
        guard let first, let last, tokens > 1 else { return nil }
        return (last - first) / (tokens - 1)
    }

    mutating func feed(_ bytes: some Sequence<UInt8>, at now: Duration) {
        for event in events.feed(bytes) {
            if event.data.hasPrefix("{") { lastJSON = event.data }
            guard event.name == nil || event.name == "content_block_delta", event.data != "[DONE]" else { continue }
            if first == nil { first = now }
            last = now
            tokens += 1
        }
    }
}
