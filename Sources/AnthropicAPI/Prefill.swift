extension MessagesRequest {
    /// The start of the answer the request writes for the model: the text of a
    /// final assistant message (a prefill), which the answer continues; nil when
    /// the conversation ends with the user. Empty for a final assistant message
    /// without text.
    public var prefill: String? {
        guard let last = messages.last, last.role == .assistant else { return nil }
        return last.content.lazy.filter { $0.type == "text" }.map(\.text).joined()
    }

    /// The API's rules on what a message holds, broken; nil when they hold.
    /// Agents break them with a turn the model answered with nothing (an empty
    /// assistant message kept in the history) or a blank tool output put in a
    /// text block: the next call gets a 400. Checked without allocating, as
    /// every request passes here.
    var contentProblem: String? {
        for (i, message) in messages.enumerated() {
            if message.content.isEmpty, !(i == messages.count - 1 && message.role == .assistant) {
                return "messages.\(i): all messages must have non-empty content except for the optional final assistant message"
            }
            for block in message.content where block.type == "text" {
                if block.text.isEmpty { return "messages: text content blocks must be non-empty" }
                if block.text.utf8.allSatisfy(Self.isWhitespace) { return "messages: text content blocks must contain non-whitespace text" }
            }
        }
        return nil
    }

    /// A prefill that ends in whitespace, which the API refuses (the model's
    /// next token would start with it); a common slip of `"Answer: "`.
    var prefillProblem: String? {
        guard let prefill, let last = prefill.utf8.last, Self.isWhitespace(last) else { return nil }
        return "messages: final assistant content cannot end with trailing whitespace"
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }
}
