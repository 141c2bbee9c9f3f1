import AnthropicAPI
import Foundation
import Testing
import Workload
@testable import MockClaude

/// Structured outputs over loopback HTTP: with `output_config.format` the answer's
/// text is JSON its schema accepts, a golden question's SQL in the property for
/// SQL; quality faults spoil it inside the JSON, or break the JSON.
@Suite("Structured outputs over loopback HTTP")
struct StructuredOutputTests {
    static let golden = GoldenQuestions.all.first { $0.id == "revenue-by-region" }!
    nonisolated(unsafe) static let schema: [String: Any] = [
        "type": "object", "additionalProperties": false, "required": ["sql", "tables", "confident"],
        "properties": ["sql": ["type": "string"], "tables": ["type": "array", "items": ["type": "string"]], "confident": ["type": "boolean"]],
    ]

    static func body(_ question: String = golden.question, schema: [String: Any] = schema, key: String = "output_config", stream: Bool = false) -> String {
        let format: [String: Any] = ["type": "json_schema", "schema": schema]
        let object: [String: Any] = [
            "model": "claude-sonnet-4-5", "max_tokens": 1024, "stream": stream,
            "messages": [["role": "user", "content": question]],
            key: key == "output_config" ? ["format": format, "effort": "high"] : format,
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func parsed(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    @Test(arguments: [true, false])
    func theAnswerIsJSONTheSchemaAcceptsWithTheGoldenSQL(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            for key in ["output_config", "output_format"] {
                let reply = try await mock.post(Self.body(key: key))
                #expect(reply.status == 200, "\(reply.body)")
                let answer = try #require(Self.parsed(reply.text), "not JSON: \(reply.text)")
                #expect(answer["sql"] as? String == Self.golden.sql, "\(key)")
                #expect(Set(answer.keys) == ["sql", "tables", "confident"])
                #expect(reply.json["stop_reason"] as? String == "end_turn")
            }
            let weather = try await mock.post(Self.body("Tell me about the weather"))
            let prose = try #require(Self.parsed(weather.text))
            #expect(prose["sql"] is String, "any question gets JSON")
            let streamed = try await mock.stream(Self.body(stream: true))
            #expect(streamed.text == (try await mock.post(Self.body())).text, "the deltas add up to the same JSON")
            let entry = try #require(try await mock.journalEntries().first)
            #expect(entry.answerKind == "golden:revenue-by-region")
        }
    }

    @Test func wrongSQLStaysInsideTheJSONAndOffFormatBreaksIt() async throws {
        let faults = """
        - { name: wrong, inject: { quality: { mode: wrong_filter } }, match: { header: { x-case: wrong } } }
        - { name: chatty, inject: { quality: { mode: off_format } }, match: { header: { x-case: chatty } } }
        """
        try await MockFixture.with(faults: faults) { mock in
            let wrong = try await mock.post(Self.body(), headers: MockFixture.apiKey + [("x-case", "wrong")])
            let answer = try #require(Self.parsed(wrong.text), "not JSON: \(wrong.text)")
            let sql = try #require(answer["sql"] as? String)
            #expect(sql != Self.golden.sql && !sql.isEmpty)
            #expect(wrong.header("x-llmchaos-faults") == "wrong")
            let chatty = try await mock.post(Self.body(), headers: MockFixture.apiKey + [("x-case", "chatty")])
            #expect(Self.parsed(chatty.text) == nil, "prose around the JSON: \(chatty.text)")
            let honest = try await mock.post(Self.body())
            #expect(chatty.text.contains(honest.text) && chatty.text != honest.text, "the JSON written inside prose")
            // A schema with no place for SQL leaves a SQL fault nothing to spoil.
            let noSQL: [String: Any] = ["type": "object", "properties": ["answer": ["type": "string"]]]
            let untouched = try await mock.post(Self.body(schema: noSQL), headers: MockFixture.apiKey + [("x-case", "wrong")])
            #expect(untouched.header("x-llmchaos-faults") == nil)
            #expect(Self.parsed(untouched.text)?["answer"] is String)
        }
    }

    @Test(arguments: [
        (#"{"format":{"type":"xml","schema":{}}}"#, "output_config.format.type: Input tag 'xml' found using 'type' does not match any of the expected tags: 'json_schema'"),
        (#"{"format":{"type":"json_schema"}}"#, "output_config.format.schema: Field required"),
        (#"{"format":{"type":"json_schema","schema":"{}"}}"#, "output_config.format.schema: Input should be a valid dictionary"),
    ])
    func aMalformedFormatIsThe400TheAPISends(config: String, message: String) async throws {
        let body = #"{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"q"}],"output_config":"# + config + "}"
        try await MockFixture.with { mock in
            let reply = try await mock.post(body)
            #expect(reply.status == 400)
            #expect(reply.errorType == "invalid_request_error")
            #expect((reply.json["error"] as? [String: Any])?["message"] as? String == message, "\(reply.body)")
        }
    }
}
