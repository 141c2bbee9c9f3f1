import Foundation
import Testing
import Workload
@testable import MockClaude

/// A conversation that ends with an assistant message (a prefill) over loopback
/// HTTP: older models go on from it, Claude 4.6 and later refuse it; and the
/// API's 400s for what messages hold.
@Suite("Prefill and message content over loopback HTTP")
struct PrefillTests {
    static let golden = GoldenQuestions.all.first { $0.id == "revenue-by-region" }!

    static func body(
        _ messages: [[String: Any]], model: String = "claude-sonnet-4-5", stop: [String]? = nil, stream: Bool = false, thinking: Bool = false
    ) -> String {
        var object: [String: Any] = ["model": model, "max_tokens": 2048, "stream": stream, "messages": messages]
        if let stop { object["stop_sequences"] = stop }
        if thinking { object["thinking"] = ["type": "enabled", "budget_tokens": 1024] }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func prefilled(_ prefill: Any, question: String = golden.question) -> [[String: Any]] {
        [["role": "user", "content": question], ["role": "assistant", "content": prefill]]
    }

    @Test(arguments: [true, false])
    func theAnswerGoesOnFromThePrefillAndStopsAtTheFence(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let whole = try await mock.post(Self.body([["role": "user", "content": Self.golden.question]]))
            let reply = try await mock.post(Self.body(Self.prefilled("```sql"), stop: ["```"]))
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.text == "\n" + Self.golden.sql + "\n")
            #expect(reply.json["stop_reason"] as? String == "stop_sequence" && reply.json["stop_sequence"] as? String == "```")
            let usage = try #require(reply.json["usage"] as? [String: Any])
            let wholeUsage = try #require(whole.json["usage"] as? [String: Any])
            #expect((usage["output_tokens"] as? Int ?? 0) < (wholeUsage["output_tokens"] as? Int ?? 0), "only what the model added is billed")
            let streamed = try await mock.stream(Self.body(Self.prefilled("```sql"), stop: ["```"], stream: true))
            #expect(streamed.text == reply.text)
            let tagged = try await mock.post(Self.body(Self.prefilled([["type": "text", "text": "<sql>"]]), stop: ["</sql>"]))
            #expect(tagged.text == Self.golden.sql && tagged.json["stop_sequence"] as? String == "</sql>")
            let json = try await mock.post(Self.body(Self.prefilled("{")))
            let object = try JSONSerialization.jsonObject(with: Data(("{" + json.text).utf8)) as? [String: Any]
            #expect(object?["sql"] as? String == Self.golden.sql, "\(json.text)")
        }
    }

    @Test(arguments: [
        ("claude-opus-4-6", false), ("claude-sonnet-4-6", false), ("claude-opus-4-7", false), ("claude-opus-4-6-20260205", false),
        ("claude-mythos-preview", false), ("claude-opus-5", false),
        ("claude-sonnet-4-5", true), ("claude-sonnet-4-5-20250929", true), ("claude-haiku-4-5", true), ("claude-opus-4-1", true),
        ("claude-opus-4-20250514", true), ("claude-3-7-sonnet-latest", true), ("claude-3-opus-20240229", true), ("claude-custom", true),
    ])
    func claude46AndLaterRefuseAPrefill(model: String, continues: Bool) async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(Self.body(Self.prefilled("```sql"), model: model))
            if continues {
                #expect(reply.status == 200 && reply.text.hasPrefix("\nSELECT"), "\(reply.body)")
            } else {
                #expect(reply.status == 400 && reply.errorType == "invalid_request_error")
                #expect(reply.errorMessage == "This model does not support assistant message prefill. The conversation must end with a user message.")
                let unprefilled = try await mock.post(Self.body([["role": "user", "content": Self.golden.question]], model: model))
                #expect(unprefilled.status == 200, "the same request without the prefill is answered")
                let counted = try await mock.post(Self.body(Self.prefilled("```sql"), model: model), path: "/v1/messages/count_tokens")
                #expect(counted.status == 200, "counting tokens generates nothing: \(counted.body)")
            }
        }
    }

    @Test(arguments: [true, false])
    func messagesTheAPIRefusesGetItsMessage(fastPath: Bool) async throws {
        let cases: [([[String: Any]], String)] = [
            (Self.prefilled("Answer: "), "messages: final assistant content cannot end with trailing whitespace"),
            (Self.prefilled("```sql\n"), "messages: final assistant content cannot end with trailing whitespace"),
            ([["role": "user", "content": ""]], "messages.0: all messages must have non-empty content except for the optional final assistant message"),
            ([["role": "user", "content": "hi"], ["role": "assistant", "content": [] as [Any]], ["role": "user", "content": "and?"]],
             "messages.1: all messages must have non-empty content except for the optional final assistant message"),
            ([["role": "user", "content": [["type": "text", "text": "hi"], ["type": "text", "text": ""]]]], "messages: text content blocks must be non-empty"),
            ([["role": "user", "content": [["type": "text", "text": " \n\t"]]]], "messages: text content blocks must contain non-whitespace text"),
        ]
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            for (messages, expected) in cases {
                let reply = try await mock.post(Self.body(messages))
                #expect(reply.status == 400 && reply.errorMessage == expected, "\(reply.body)")
            }
            // The final assistant message may be empty: the model answers as usual.
            let plain = try await mock.post(Self.body([["role": "user", "content": Self.golden.question]]))
            for empty in ["" as Any, [] as [Any]] {
                let reply = try await mock.post(Self.body(Self.prefilled(empty)))
                #expect(reply.status == 200 && reply.text == plain.text, "\(reply.body)")
            }
        }
    }

    @Test func withThinkingOnAPrefillMustBeginWithTheThinkingHandedBack() async throws {
        try await MockFixture.with { mock in
            let refused = try await mock.post(Self.body(Self.prefilled("```sql"), thinking: true))
            #expect(refused.status == 400)
            #expect(refused.errorMessage?.hasPrefix(
                "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`. "
                + "When `thinking` is enabled, a final `assistant` message must start with a thinking block. We recommend") == true,
                "\(refused.body)")
            let first = try await mock.post(Self.body([["role": "user", "content": Self.golden.question]], thinking: true))
            let blocks = try #require(first.json["content"] as? [[String: Any]])
            let thought = try #require(blocks.first { $0["type"] as? String == "thinking" })
            let reply = try await mock.post(Self.body(Self.prefilled([thought, ["type": "text", "text": "```sql"]]), stop: ["```"], thinking: true))
            #expect(reply.status == 200, "\(reply.body)")
            let content = try #require(reply.json["content"] as? [[String: Any]])
            #expect(content.map { $0["type"] as? String } == ["text"], "the model goes on writing, it does not think again")
            #expect(content.first?["text"] as? String == "\n" + Self.golden.sql + "\n")
        }
    }

    /// A quality fault spoils the continuation, not a whole answer that ignores the prefill.
    @Test func aQualityFaultSpoilsTheContinuation() async throws {
        let faults = "- { name: wrong, inject: { quality: { mode: wrong_filter } } }"
        try await MockFixture.with(faults: faults) { mock in
            let reply = try await mock.post(Self.body(Self.prefilled("```sql"), stop: ["```"]))
            #expect(reply.status == 200 && reply.header("x-llmchaos-faults") == "wrong", "\(reply.body)")
            #expect(reply.text.hasPrefix("\nSELECT") && reply.text.hasSuffix("\n"), "\(reply.text)")
            #expect(reply.text != "\n" + Self.golden.sql + "\n", "the SQL is the spoiled one")
            #expect(reply.json["stop_reason"] as? String == "stop_sequence")
        }
    }
}
