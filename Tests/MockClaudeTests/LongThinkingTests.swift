import AnthropicAPI
import Foundation
import Testing
import Workload
@testable import MockClaude

/// The `long_thinking` fault over loopback HTTP: thinking that fills the budget,
/// paid for in output tokens, in `max_tokens` and in time.
@Suite("Long thinking over loopback HTTP")
struct LongThinkingTests {
    static func faults(_ share: String = "100%", latency: Bool = false) -> String {
        var yaml = """
        - name: ponder
          inject: { long_thinking: { share: \(share) } }
        """
        if latency { yaml += "\n- name: slow\n  inject: { latency: { per_token: 1ms } }" }
        return yaml
    }

    static func thinking(_ reply: MockFixture.Reply) -> String {
        ThinkingTests.blocks(reply).first { $0["type"] as? String == "thinking" }?["thinking"] as? String ?? ""
    }

    @Test(arguments: [true, false])
    func theThinkingFillsItsShareOfTheBudgetAndIsPaidFor(fastPath: Bool) async throws {
        let honest = try await MockFixture.with(configure: { $0.fastPath = fastPath }) { try await $0.post(ThinkingTests.body(ThinkingTests.enabled)) }
        try await MockFixture.with(faults: Self.faults("50%"), configure: { $0.fastPath = fastPath }) { mock in
            let reply = try await mock.post(ThinkingTests.body(ThinkingTests.enabled))
            #expect(reply.status == 200, "\(reply.body)")
            let thinking = Self.thinking(reply)
            #expect(Tokenizer.classic.count(thinking) == 1024, "half of a 2,048-token budget")
            #expect(thinking.hasPrefix(Self.thinking(honest)), "the same thought, run on")
            #expect(ThinkingTests.blocks(reply).last?["text"] as? String == ThinkingTests.blocks(honest).last?["text"] as? String)
            #expect(ThinkingTests.outputTokens(reply) == ThinkingTests.outputTokens(honest) - Tokenizer.classic.count(Self.thinking(honest)) + 1024)
            #expect(reply.json["stop_reason"] as? String == "end_turn")
            #expect(reply.header("x-llmchaos-faults") == "ponder")
            #expect(try await mock.settled())
            let entry = try #require(try await mock.journalEntries().last)
            #expect(entry.faults == ["ponder"] && entry.outputTokens == ThinkingTests.outputTokens(reply))
            let again = try await mock.post(ThinkingTests.body(ThinkingTests.enabled))
            #expect(Self.thinking(again) == thinking, "the same question thinks the same")
        }
    }

    /// `max_tokens` just above the budget: the thinking takes the room the answer needed.
    @Test(arguments: [true, false])
    func aBudgetCloseToMaxTokensLeavesTheAnswerCut(fastPath: Bool) async throws {
        try await MockFixture.with(faults: Self.faults(), configure: { $0.fastPath = fastPath }) { mock in
            let reply = try await mock.post(ThinkingTests.body(ThinkingTests.enabled, maxTokens: 2058))
            #expect(Tokenizer.classic.count(Self.thinking(reply)) == 2048)
            #expect(ThinkingTests.outputTokens(reply) == 2058, "\(reply.body)")
            #expect(reply.json["stop_reason"] as? String == "max_tokens")
            let answer = try #require(ThinkingTests.blocks(reply).last?["text"] as? String)
            #expect(Tokenizer.classic.count(answer) == 10, "\(answer)")
            let adaptive = try await mock.post(ThinkingTests.body(["type": "adaptive"], maxTokens: 300))
            #expect(Tokenizer.classic.count(Self.thinking(adaptive)) == 299, "adaptive thinking may take all but a token of max_tokens")
            #expect(ThinkingTests.outputTokens(adaptive) == 300 && adaptive.json["stop_reason"] as? String == "max_tokens")
        }
    }

    @Test(arguments: [true, false])
    func aStreamPlaysTheWholeThoughtBeforeTheAnswer(fastPath: Bool) async throws {
        try await MockFixture.with(faults: Self.faults("25%", latency: true), configure: { $0.fastPath = fastPath }) { mock in
            let whole = try await mock.post(ThinkingTests.body(ThinkingTests.enabled))
            let stream = try await mock.stream(ThinkingTests.body(ThinkingTests.enabled, stream: true))
            let deltas = stream.events.filter { $0.name == "content_block_delta" }.compactMap { event in
                ((try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any])?["delta"] as? [String: Any]
            }
            let thought = deltas.filter { $0["type"] as? String == "thinking_delta" }.compactMap { $0["thinking"] as? String }.joined()
            #expect(Tokenizer.classic.count(thought) == 512)
            #expect(thought == Self.thinking(whole))
            #expect(stream.text == ThinkingTests.blocks(whole).last?["text"] as? String)
        }
    }

    /// An output-token bucket charges the thinking sent, not the usual few dozen tokens.
    @Test func anOutputTokenBucketChargesTheLongThought() async throws {
        let faults = """
        - name: bucket
          inject: { rate_limit: { output_tokens_per_minute: 3000 } }
        """ + "\n" + Self.faults()
        try await MockFixture.with(faults: faults) { mock in
            let first = try await mock.post(ThinkingTests.body(ThinkingTests.enabled))
            #expect(first.status == 200 && first.header("x-llmchaos-faults") == "ponder", "\(first.body)")
            let spent = ThinkingTests.outputTokens(first)
            #expect(spent > 2048)
            #expect(first.header("anthropic-ratelimit-output-tokens-remaining") == String(3000 - spent))
            let second = try await mock.post(ThinkingTests.body(ThinkingTests.enabled))
            #expect(second.status == 429, "\(second.body)")
            #expect(second.header("x-llmchaos-faults")?.hasPrefix("bucket") == true)
        }
    }

    /// Nothing to lengthen: thinking off, or a share shorter than the usual thought.
    @Test func withoutThinkingOrWithATinyShareNothingChanges() async throws {
        try await MockFixture.with(faults: Self.faults()) { mock in
            let plain = try await mock.post(ThinkingTests.body(nil))
            #expect(ThinkingTests.blocks(plain).map { $0["type"] as? String } == ["text"])
            #expect(plain.header("x-llmchaos-faults") == nil)
        }
        try await MockFixture.with(faults: Self.faults("1%")) { mock in
            let reply = try await mock.post(ThinkingTests.body(ThinkingTests.enabled))
            #expect(Self.thinking(reply) == AnswerText.thinking(question: ThinkingTests.question), "20 tokens is shorter than the usual thought")
            #expect(reply.header("x-llmchaos-faults") == nil)
            #expect(try await mock.settled())
            #expect(try await mock.journalEntries().last?.faults == [])
        }
    }
}
