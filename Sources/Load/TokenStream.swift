/// Times the tokens of a target's `text/event-stream` answer as its chunks arrive.
///
/// A token is an event named `content_block_delta` (an Anthropic-shaped stream
/// passed through) or an unnamed `data:` event (most hand-made streams); other
/// named events (`message_start`, `ping`) and `data: [DONE]` carry no token. JSON
/// paths of the target's fields read the last `data:` that is a JSON object.
struct TokenStream {
    let sent: Duration
    private var pending = ""
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

    mutating func feed(_ text: String, at now: Duration) {
        pending += text.replacingOccurrences(of: "\r\n", with: "\n")
        while let end = pending.range(of: "\n\n") {
            let event = pending[..<end.lowerBound]
            pending.removeSubrange(..<end.upperBound)
            take(event, at: now)
        }
    }

    private mutating func take(_ event: Substring, at now: Duration) {
        var name: Substring?
        var data: [Substring] = []
        for line in event.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("event:") { name = line.dropFirst(6).drop { $0 == " " } }
            if line.hasPrefix("data:") { data.append(line.dropFirst(5).drop { $0 == " " }) }
        }
        guard !data.isEmpty else { return }
        let payload = data.joined(separator: "\n")
        if payload.hasPrefix("{") { lastJSON = payload }
        guard name == nil || name == "content_block_delta", payload != "[DONE]" else { return }
        if first == nil { first = now }
        last = now
        tokens += 1
    }
}
