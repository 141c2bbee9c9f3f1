import Foundation
import Testing
import AnthropicAPI

@Suite struct WireTypesTests {
    private func decode(_ json: String) throws -> MessagesRequest {
        try JSONDecoder().decode(MessagesRequest.self, from: Data(json.utf8))
    }

    @Test func contentMayBeAStringOrBlocksAndSystemTooAndUnknownFieldsAreIgnored() throws {
        let request = try decode("""
            {"model":"claude-opus-4-7","max_tokens":5,"temperature":0.2,"tools":[],
             "system":[{"type":"text","text":"be brief","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"first"},{"role":"assistant","content":[{"type":"text","text":"ok"}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"42"},{"type":"text","text":"last"}]}]}
            """)
        #expect(request.systemText == "be brief")
        #expect(request.lastUserText == "42\nlast")
        #expect(request.messages.count == 3)
        #expect(request.validate(requireMaxTokens: true) == nil)
    }

    @Test func problemsNameTheField() {
        #expect(throws: (any Error).self) { try decode(#"{"model":1}"#) }
        let badType = #expect(throws: (any Error).self) { try decode(#"{"model":"m","max_tokens":"ten","messages":[]}"#) }
        #expect(badType.map(RequestProblem.describe) == "max_tokens: Input should be a valid integer")
        let missing = #expect(throws: (any Error).self) { try decode(#"{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}"#) }
        #expect(missing.map(RequestProblem.describe) == "messages.0.content: Field required")
    }

    @Test func streamEventsAreWireExact() {
        #expect(StreamEvent.ping.wire == "event: ping\ndata: {\"type\":\"ping\"}\n\n")
        #expect(StreamEvent.textDelta(index: 0, text: "a \"b\"\n").data == #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a \"b\"\n"}}"#)
        #expect(StreamEvent.messageDelta(stopReason: .maxTokens, outputTokens: 7).data == #"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":7}}"#)
        #expect(StreamEvent.error(type: .overloaded, message: "Overloaded").wire.hasPrefix("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""))
        for event in [StreamEvent.messageStart(id: "msg_1", model: "m", inputTokens: 3), .contentBlockStart(index: 0), .contentBlockStop(index: 0), .messageStop] {
            #expect((try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) != nil, "\(event.name) is not JSON")
        }
    }

    @Test func errorTypesCarryTheirStatus() {
        #expect(APIErrorType(status: 529) == .overloaded)
        #expect(APIErrorType(status: 503) == .api)
        #expect(APIErrorType(status: 418) == nil)
        #expect(APIErrorType.allCases.allSatisfy { APIErrorType(status: $0.status) == $0 })
        let json = ErrorEnvelope(type: "api_error", message: "x\"y", requestID: "req_1").json()
        let decoded = try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(json.utf8))
        #expect(decoded == ErrorEnvelope(type: "api_error", message: "x\"y", requestID: "req_1"))
    }

    @Test(arguments: ["SELECT SUM(revenue) FROM sales WHERE x > 1", "Hello, world! Ünïcode and\nnewlines  ", "", "   "])
    func tokenPiecesRebuildTheTextAndMatchTheCount(text: String) {
        let pieces = TokenCounter.pieces(of: text)
        #expect(pieces.joined() == text)
        #expect(pieces.filter { !$0.allSatisfy(\.isWhitespace) }.count == TokenCounter.count(text))
    }
}
