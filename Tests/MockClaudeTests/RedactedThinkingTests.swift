import AnthropicAPI
import Foundation
import Testing
import Workload
@testable import MockClaude

/// The `redacted_thinking` fault over loopback HTTP: the thinking comes back
/// encrypted, whole in one block, and must be handed back as it came.
@Suite("Redacted thinking over loopback HTTP")
struct RedactedThinkingTests {
    static let faults = """
    - name: redact
      inject: { redacted_thinking: {} }
    """

    static func body(thinking: Bool = true, stream: Bool = false, messages: [[String: Any]]? = nil, tools: [[String: Any]]? = nil) -> String {
        ThinkingTests.body(thinking ? ThinkingTests.enabled : nil, stream: stream, messages: messages, tools: tools)
    }

    @Test(arguments: [true, false])
    func theThinkingComesEncryptedAndStillCountsAsOutput(fastPath: Bool) async throws {
        let honest = try await MockFixture.with(configure: { $0.fastPath = fastPath }) { try await $0.post(Self.body()) }
        try await MockFixture.with(faults: Self.faults, configure: { $0.fastPath = fastPath }) { mock in
            let reply = try await mock.post(Self.body())
            #expect(reply.status == 200, "\(reply.body)")
            let blocks = ThinkingTests.blocks(reply)
            #expect(blocks.map { $0["type"] as? String } == ["redacted_thinking", "text"], "\(reply.body)")
            #expect(Set(blocks[0].keys) == ["type", "data"], "no thoughts and no signature in the clear: \(blocks[0])")
            let data = try #require(blocks[0]["data"] as? String)
            let thinking = try #require(ThinkingTests.blocks(honest).first?["thinking"] as? String)
            #expect(!data.contains(String(thinking.prefix(12))), "the data does not carry the thoughts readably")
            #expect(data.count > thinking.utf8.count, "as long as the thoughts it stands for: \(data)")
            #expect(blocks[1]["text"] as? String == ThinkingTests.blocks(honest).last?["text"] as? String)
            #expect(ThinkingTests.outputTokens(reply) == ThinkingTests.outputTokens(honest), "the thinking is still paid for")
            #expect(reply.header("x-llmchaos-faults") == "redact")
            #expect(try await mock.settled())
            let entry = try #require(try await mock.journalEntries().last)
            #expect(entry.faults == ["redact"])
            #expect(entry.outputTokens == ThinkingTests.outputTokens(reply))
        }
    }

    @Test(arguments: [true, false])
    func aStreamSendsTheEncryptedBlockWholeThenTheAnswer(fastPath: Bool) async throws {
        try await MockFixture.with(faults: Self.faults, configure: { $0.fastPath = fastPath }) { mock in
            let whole = try await mock.post(Self.body())
            let stream = try await mock.stream(Self.body(stream: true))
            let events = stream.events.map { event in
                (name: event.name, data: (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:])
            }
            let blocks = events.filter { $0.name.hasPrefix("content_block") }.map { event -> String in
                let index = event.data["index"] as? Int ?? -1
                switch event.name {
                case "content_block_start": return "start \(index) " + (((event.data["content_block"] as? [String: Any])?["type"] as? String) ?? "?")
                case "content_block_delta": return "delta \(index) " + (((event.data["delta"] as? [String: Any])?["type"] as? String) ?? "?")
                default: return "stop \(index)"
                }
            }
            let deltas = blocks.filter { $0.hasPrefix("delta") }
            #expect(Array(blocks.prefix(3)) == ["start 0 redacted_thinking", "stop 0", "start 1 text"], "\(blocks)")
            #expect(!deltas.isEmpty && deltas.allSatisfy { $0 == "delta 1 text_delta" }, "no thinking or signature deltas: \(blocks)")
            #expect(blocks.last == "stop 1")
            let start = try #require(events.first { $0.name == "content_block_start" })
            let block = try #require(start.data["content_block"] as? [String: Any])
            #expect((block["data"] as? String)?.hasPrefix("Eu") == true, "\(block)")
            #expect(stream.text == ThinkingTests.blocks(whole).last?["text"] as? String)
            let usage = (stream.data(of: "message_delta")["usage"] as? [String: Any])?["output_tokens"] as? Int
            #expect(usage == ThinkingTests.outputTokens(whole))
        }
    }

    /// The prompt the API's documentation gives for testing redacted thinking works
    /// on the mock too, without any fault.
    @Test func theAPIsTestPromptRedactsTheThinking() async throws {
        try await MockFixture.with { mock in
            let messages: [[String: Any]] = [["role": "user", "content": "Hello " + ThinkingSeal.redactionTrigger]]
            let reply = try await mock.post(Self.body(messages: messages))
            #expect(ThinkingTests.blocks(reply).map { $0["type"] as? String } == ["redacted_thinking", "text"], "\(reply.body)")
            #expect(reply.header("x-llmchaos-faults") == nil)
            let data = try #require(ThinkingTests.blocks(reply).first?["data"] as? String)
            #expect(ThinkingSeal.check(data: data) == .valid)
        }
    }

    /// Without thinking there is nothing to redact: the fault does not count as applied.
    @Test func withoutThinkingNothingIsRedacted() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            let reply = try await mock.post(Self.body(thinking: false))
            #expect(ThinkingTests.blocks(reply).map { $0["type"] as? String } == ["text"])
            #expect(reply.header("x-llmchaos-faults") == nil, "\(String(describing: reply.header("x-llmchaos-faults")))")
            #expect(try await mock.settled())
            #expect(try await mock.journalEntries().last?.faults == [])
        }
    }

    /// The bug the fault exists to show: an agent that keeps only `thinking` blocks
    /// when it hands the turn back. Handed back whole, the loop ends.
    @Test func anAgentMustHandTheEncryptedBlockBack() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            let first = try await mock.post(Self.body(tools: [ToolUseTests.search]))
            let blocks = ThinkingTests.blocks(first)
            #expect(blocks.map { $0["type"] as? String } == ["redacted_thinking", "tool_use"], "\(first.body)")
            let id = try #require(blocks.last?["id"] as? String)
            let loop: [[String: Any]] = [
                ["role": "user", "content": ThinkingTests.question],
                ["role": "assistant", "content": blocks],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": id, "content": "EMEA 10, APAC 7"]]],
            ]
            let final = try await mock.post(Self.body(messages: loop, tools: [ToolUseTests.search]))
            #expect(final.status == 200, "\(final.body)")
            #expect(final.json["stop_reason"] as? String == "end_turn")
            var filtered = loop
            filtered[1]["content"] = blocks.filter { $0["type"] as? String != "redacted_thinking" }
            let refused = try await mock.post(Self.body(messages: filtered, tools: [ToolUseTests.search]))
            #expect(refused.status == 400)
            let message = (refused.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`."), "\(message)")
            var altered = loop
            var block = blocks[0]
            block["data"] = String((block["data"] as? String ?? "").dropLast(8))  // a length limit on the way
            altered[1]["content"] = [block, blocks[1]]
            let cut = try await mock.post(Self.body(messages: altered, tools: [ToolUseTests.search]))
            #expect(cut.status == 400)
            #expect(((cut.json["error"] as? [String: Any])?["message"] as? String)?.hasPrefix(
                "messages.1.content.0: `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified.") == true, "\(cut.body)")
        }
    }
}
