import Testing
@testable import AnthropicAPI

@Suite struct ServerSentEventsTests {
    static let stream = "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
        + ": a comment\n\n"
        + "event: ping\nretry: 10\n\n"
        + "data:  two spaces\ndata:second line\n\n"
        + "event: content_block_delta\ndata: {\"text\":\"é😀\"}\n\n"
        + "data: unterminated"

    static let expected: [ServerSentEvents.Event] = [
        .init(name: "message_start", data: "{\"type\":\"message_start\"}"),
        .init(name: nil, data: " two spaces\nsecond line"),
        .init(name: "content_block_delta", data: "{\"text\":\"é😀\"}"),
    ]

    @Test func eventsAreTheSameHoweverTheChunksFall() {
        var whole = ServerSentEvents()
        #expect(whole.feed(Self.stream.utf8) == Self.expected, "no data, no event; one space after the colon is dropped")
        // Byte by byte, so chunk edges fall inside \r\n, inside a field name and
        // inside a multi-byte character.
        var bytewise = ServerSentEvents()
        let events = Array(Self.stream.utf8).flatMap { bytewise.feed([$0]) }
        #expect(events == Self.expected)
        #expect(bytewise.feed("\n\n".utf8) == [.init(name: nil, data: "unterminated")], "an event ends only at its blank line")
    }
}
