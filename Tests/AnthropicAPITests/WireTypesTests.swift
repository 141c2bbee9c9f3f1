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
             "messages":[{"role":"user","content":"first"},{"role":"assistant","content":[{"type":"text","text":"ok"},{"type":"tool_use","id":"t","name":"lookup","input":{"q":1.5}}]},
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

    /// The bytes the API sends, as the string-built encoder wrote them before the
    /// mock wrote events into one buffer: the buffer must write the same.
    @Test func streamEventsAreWireExact() {
        let events: [StreamEvent] = [
            .messageStart(id: "msg_01\"x", model: "claude-opus-4-7", inputTokens: 18, cacheCreation: 5, cacheRead: 1024),
            .contentBlockStart(index: 0), .ping, .textDelta(index: 2, text: "SELECT \"a\"\n\tFROM é 😀\u{01}"),
            .contentBlockStop(index: 1), .messageDelta(stopReason: .endTurn, outputTokens: 48), .messageStop,
            .error(type: .overloaded, message: "Overloaded \"now\""),
        ]
        let expected = [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\\\"x\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-opus-4-7\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":18,\"output_tokens\":1,\"cache_creation_input_tokens\":5,\"cache_read_input_tokens\":1024}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"SELECT \\\"a\\\"\\n\\tFROM é 😀\\u0001\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":48}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded \\\"now\\\"\"}}\n\n",
        ]
        #expect(events.map(\.wire) == expected)
        var buffer: [UInt8] = []
        for event in events { event.appendWire(to: &buffer) }
        #expect(String(decoding: buffer, as: UTF8.self) == expected.joined(), "appended one after another into one buffer")
        for event in events {
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

    /// An error with a code carries it in `error.details`, which reads back; details
    /// of a shape this reader does not know leave the error itself readable.
    @Test func errorDetailsCarryTheirCodeAndNeverHideTheError() throws {
        let details = ErrorDetails("image_dimensions_too_large", ["max_side_length_pixels": 8000, "paths": ["messages.0.content.1"]])
        let json = ErrorEnvelope(type: "invalid_request_error", message: "too large", requestID: nil, details: details).json()
        #expect(json.contains(#""details":{"#) && json.contains(#""error_code":"image_dimensions_too_large""#), "\(json)")
        let decoded = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(json.utf8))
        #expect(decoded.error.details == details)
        let odd = #"{"type":"error","error":{"type":"api_error","message":"m","details":{"no_code":1}}}"#
        let read = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(odd.utf8))
        #expect(read.error.type == "api_error" && read.error.details == nil)
    }
}
