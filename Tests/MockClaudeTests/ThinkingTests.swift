import AnthropicAPI
import Foundation
import Testing
import Workload
@testable import MockClaude

/// Extended thinking over loopback HTTP: the answer begins with a signed
/// `thinking` block, streamed as `thinking_delta`s and one `signature_delta`.
@Suite("Extended thinking over loopback HTTP")
struct ThinkingTests {
    static let question = "What is the total revenue by region?"

    /// A body for a model that shows its thinking unless told otherwise (Opus 4.7 omits it: see below).
    static func body(
        _ thinking: [String: Any]?, model: String = "claude-sonnet-4-5", stream: Bool = false, maxTokens: Int = 4000,
        messages: [[String: Any]]? = nil, tools: [[String: Any]]? = nil
    ) -> String {
        var object: [String: Any] = ["model": model, "max_tokens": maxTokens, "stream": stream,
                                     "messages": messages ?? [["role": "user", "content": question]]]
        if let thinking { object["thinking"] = thinking }
        if let tools { object["tools"] = tools }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static var enabled: [String: Any] { ["type": "enabled", "budget_tokens": 2048] }
    /// Opus 4.7 takes adaptive thinking only: a budget set by hand is a 400 there.
    static var adaptive: [String: Any] { ["type": "adaptive"] }
    static let interleaved = MockFixture.apiKey + [("anthropic-beta", "fine-grained-tool-streaming-2025-05-14, \(MessagesRequest.interleavedThinkingBeta)")]

    static func blocks(_ reply: MockFixture.Reply) -> [[String: Any]] { reply.json["content"] as? [[String: Any]] ?? [] }
    static func outputTokens(_ reply: MockFixture.Reply) -> Int { (reply.json["usage"] as? [String: Any])?["output_tokens"] as? Int ?? -1 }

    @Test(arguments: [true, false])
    func theAnswerBeginsWithSignedThinkingThatCountsAsOutput(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let plain = try await mock.post(Self.body(nil))
            let thought = try await mock.post(Self.body(Self.enabled))
            #expect(thought.status == 200, "\(thought.body)")
            let blocks = Self.blocks(thought)
            #expect(blocks.map { $0["type"] as? String } == ["thinking", "text"], "\(thought.body)")
            let thinking = try #require(blocks.first?["thinking"] as? String)
            #expect(thinking == AnswerText.thinking(question: Self.question))
            #expect((blocks.first?["signature"] as? String)?.isEmpty == false)
            #expect(blocks.last?["text"] as? String == plain.text, "thinking changes nothing of the answer")
            #expect(Self.outputTokens(thought) == Self.outputTokens(plain) + Tokenizer.classic.count(thinking))
            let adaptive = try await mock.post(Self.body(["type": "adaptive"]))
            #expect(Self.blocks(adaptive).first?["type"] as? String == "thinking")
            let disabled = try await mock.post(Self.body(["type": "disabled"]))
            #expect(Self.blocks(disabled).map { $0["type"] as? String } == ["text"])
        }
    }

    @Test(arguments: [true, false])
    func aStreamThinksSignsThenAnswersInTheNextBlock(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let whole = try await mock.post(Self.body(Self.enabled))
            let stream = try await mock.stream(Self.body(Self.enabled, stream: true))
            let events = stream.events.map { event in
                (name: event.name, data: (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:])
            }
            let starts = events.filter { $0.name == "content_block_start" }.map { ($0.data["index"] as? Int, ($0.data["content_block"] as? [String: Any])?["type"] as? String) }
            #expect(starts.map(\.0) == [0, 1] && starts.map(\.1) == ["thinking", "text"], "\(starts)")
            let deltas = events.filter { $0.name == "content_block_delta" }.map { ($0.data["index"] as? Int ?? -1, $0.data["delta"] as? [String: Any] ?? [:]) }
            let thinking = deltas.filter { $0.0 == 0 && $0.1["type"] as? String == "thinking_delta" }.compactMap { $0.1["thinking"] as? String }
            #expect(thinking.count > 3)
            #expect(thinking.joined() == Self.blocks(whole).first?["thinking"] as? String)
            // The signature comes once, last in its block, before the block stops.
            let kinds = events.map { $0.name == "content_block_delta" ? ($0.data["delta"] as? [String: Any])?["type"] as? String ?? "" : $0.name }
            let signature = try #require(kinds.firstIndex(of: "signature_delta"))
            #expect(kinds.filter { $0 == "signature_delta" }.count == 1)
            #expect(kinds[signature - 1] == "thinking_delta" && kinds[signature + 1] == "content_block_stop", "\(kinds)")
            #expect(stream.text == whole.text || stream.text == Self.blocks(whole).last?["text"] as? String)
            let usage = (stream.data(of: "message_delta")["usage"] as? [String: Any])?["output_tokens"] as? Int
            #expect(usage == Self.outputTokens(whole))
        }
    }

    @Test func budgetsTheAPIRefusesAreRefused() async throws {
        try await MockFixture.with { mock in
            let small = try await mock.post(Self.body(["type": "enabled", "budget_tokens": 100]))
            #expect(small.status == 400 && small.errorType == "invalid_request_error")
            let over = try await mock.post(Self.body(["type": "enabled", "budget_tokens": 8000], maxTokens: 8000))
            #expect(over.status == 400)
            #expect((over.json["error"] as? [String: Any])?["message"] as? String == "`max_tokens` must be greater than `thinking.budget_tokens`")
        }
    }

    /// Thinking counts against max_tokens: a tight limit leaves the answer short.
    @Test func thinkingSharesMaxTokensWithTheAnswer() async throws {
        try await MockFixture.with { mock in
            let plain = try await mock.post(Self.body(nil, maxTokens: 30))
            let tight = try await mock.post(Self.body(["type": "adaptive"], maxTokens: 30))
            #expect(Self.outputTokens(tight) == 30, "\(tight.body)")
            #expect(tight.json["stop_reason"] as? String == "max_tokens")
            let answer = Self.blocks(tight).last?["text"] as? String ?? ""
            #expect(answer.count < plain.text.count, "\(answer)")
        }
    }

    /// An agent with thinking on: thinking, then the call; the thinking handed back
    /// with the result, then the answer — without thinking, as the model thinks
    /// once an assistant turn unless thinking is interleaved.
    @Test func anAgentLoopWithThinkingHandsItBackAndEnds() async throws {
        try await MockFixture.with { mock in
            let first = try await mock.post(Self.body(Self.enabled, tools: [ToolUseTests.search]))
            let blocks = Self.blocks(first)
            #expect(blocks.map { $0["type"] as? String } == ["thinking", "tool_use"], "\(first.body)")
            let id = try #require(blocks.last?["id"] as? String)
            let loop: [[String: Any]] = [
                ["role": "user", "content": Self.question],
                ["role": "assistant", "content": blocks],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": id, "content": "EMEA 10, APAC 7"]]],
            ]
            let final = try await mock.post(Self.body(Self.enabled, messages: loop, tools: [ToolUseTests.search]))
            #expect(final.status == 200, "\(final.body)")
            #expect(Self.blocks(final).map { $0["type"] as? String } == ["text"], "the turn's thinking came with its first call")
            #expect(final.json["stop_reason"] as? String == "end_turn")
            let interleaved = try await mock.post(Self.body(Self.enabled, messages: loop, tools: [ToolUseTests.search]), headers: Self.interleaved)
            #expect(Self.blocks(interleaved).map { $0["type"] as? String } == ["thinking", "text"], "\(interleaved.body)")
            let adaptive = try await mock.post(Self.body(["type": "adaptive"], messages: loop, tools: [ToolUseTests.search]))
            #expect(Self.blocks(adaptive).first?["type"] as? String == "thinking", "adaptive thinking interleaves by default")
            let next = try await mock.post(Self.body(Self.enabled, messages: loop + [["role": "assistant", "content": Self.blocks(final)], ["role": "user", "content": "And by month?"]]))
            #expect(Self.blocks(next).first?["type"] as? String == "thinking", "a new user turn thinks again")
            // The framework bug: the call handed back without the thinking before it.
            var dropped = loop
            dropped[1]["content"] = [blocks[1]]
            let refused = try await mock.post(Self.body(Self.enabled, messages: dropped, tools: [ToolUseTests.search]))
            #expect(refused.status == 400)
            let message = (refused.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled"), "\(message)")
            let withoutThinking = try await mock.post(Self.body(nil, messages: dropped, tools: [ToolUseTests.search]))
            #expect(withoutThinking.status == 200, "the rule holds only while thinking is on")
            // A proxy that rewrites the thoughts (here: trims them) or drops the signature.
            var rewritten = loop
            var trimmed = blocks[0]
            trimmed["thinking"] = (blocks[0]["thinking"] as? String ?? "").replacingOccurrences(of: ". ", with: ".\n")
            rewritten[1]["content"] = [trimmed, blocks[1]]
            let modified = try await mock.post(Self.body(Self.enabled, messages: rewritten, tools: [ToolUseTests.search]))
            #expect(modified.status == 400)
            #expect((modified.json["error"] as? [String: Any])?["message"] as? String
                == "messages.1.content.0: `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified. These blocks must remain as they were in the original response.")
            var unsigned = blocks[0]
            unsigned["signature"] = ""
            rewritten[1]["content"] = [unsigned, blocks[1]]
            let forged = try await mock.post(Self.body(Self.enabled, messages: rewritten, tools: [ToolUseTests.search]))
            #expect((forged.json["error"] as? [String: Any])?["message"] as? String == "messages.1.content.0: Invalid `signature` in `thinking` block")
            // An earlier answer handed back with its thinking after the text.
            let reordered: [[String: Any]] = [
                ["role": "user", "content": Self.question],
                ["role": "assistant", "content": [["type": "text", "text": "Here it is."], blocks[0]]],
                ["role": "user", "content": "And by month?"],
            ]
            let late = try await mock.post(Self.body(Self.enabled, messages: reordered))
            #expect(late.status == 400)
            #expect((late.json["error"] as? [String: Any])?["message"] as? String
                == "messages.1.content.0: If an assistant message contains any thinking blocks, the first block must be thinking or redacted_thinking. Found text.")
        }
    }

    /// Opus 4.7 omits the thoughts by default (`display: omitted`): the block is
    /// there, signed, with an empty `thinking` field, and the thoughts are still billed.
    @Test(arguments: [true, false])
    func opusFourSevenOmitsTheThoughtsUnlessAskedToSummarise(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let omitted = try await mock.post(Self.body(Self.adaptive, model: "claude-opus-4-7"))
            let summarized = try await mock.post(Self.body(["type": "adaptive", "display": "summarized"], model: "claude-opus-4-7"))
            #expect(Self.blocks(omitted).map { $0["type"] as? String } == ["thinking", "text"], "\(omitted.body)")
            #expect(Self.blocks(omitted).first?["thinking"] as? String == "")
            #expect((Self.blocks(omitted).first?["signature"] as? String)?.isEmpty == false)
            #expect(Self.blocks(summarized).first?["thinking"] as? String == AnswerText.thinking(question: Self.question))
            #expect(Self.outputTokens(omitted) == Self.outputTokens(summarized), "omitted thoughts are billed all the same")
            #expect(Self.blocks(omitted).last?["text"] as? String == Self.blocks(summarized).last?["text"] as? String)
            #expect(ModelCatalog.defaultThinkingDisplay(of: "claude-opus-4-7-20260416") == .omitted)
            #expect(ModelCatalog.defaultThinkingDisplay(of: "claude-mythos-preview") == .omitted)
            #expect(ModelCatalog.defaultThinkingDisplay(of: "claude-opus-4-1") == .summarized)
            let sonnet = try await mock.post(Self.body(["type": "enabled", "budget_tokens": 2048, "display": "omitted"]))
            #expect(Self.blocks(sonnet).first?["thinking"] as? String == "", "display: omitted on any model")

            let stream = try await mock.stream(Self.body(Self.adaptive, model: "claude-opus-4-7", stream: true))
            let kinds = stream.events.compactMap { event -> String? in
                let data = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
                let index = data["index"] as? Int ?? -1
                switch event.name {
                case "content_block_start": return "start \(index) " + (((data["content_block"] as? [String: Any])?["type"] as? String) ?? "?")
                case "content_block_delta": return "\(index) " + (((data["delta"] as? [String: Any])?["type"] as? String) ?? "?")
                case "content_block_stop": return "stop \(index)"
                default: return nil
                }
            }
            #expect(Array(kinds.prefix(4)) == ["start 0 thinking", "0 signature_delta", "stop 0", "start 1 text"], "\(kinds)")
            #expect(!kinds.contains("0 thinking_delta"))

            let refused = try await mock.post(Self.body(["type": "enabled", "budget_tokens": 2048, "display": "full"]))
            #expect((refused.json["error"] as? [String: Any])?["message"] as? String == "thinking.display: Input should be 'summarized' or 'omitted'")
        }
    }

    /// An omitted block goes back as it came, empty; filled in, it was modified.
    @Test func anOmittedBlockIsHandedBackEmpty() async throws {
        try await MockFixture.with { mock in
            let first = try await mock.post(Self.body(Self.adaptive, model: "claude-opus-4-7", tools: [ToolUseTests.search]))
            let blocks = Self.blocks(first)
            let id = try #require(blocks.last?["id"] as? String)
            var loop: [[String: Any]] = [
                ["role": "user", "content": Self.question],
                ["role": "assistant", "content": blocks],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": id, "content": "EMEA 10, APAC 7"]]],
            ]
            let final = try await mock.post(Self.body(Self.adaptive, model: "claude-opus-4-7", messages: loop, tools: [ToolUseTests.search]))
            #expect(final.status == 200 && final.json["stop_reason"] as? String == "end_turn", "\(final.body)")
            var filled = blocks[0]
            filled["thinking"] = "What I might have thought."
            loop[1]["content"] = [filled, blocks[1]]
            let modified = try await mock.post(Self.body(Self.adaptive, model: "claude-opus-4-7", messages: loop, tools: [ToolUseTests.search]))
            #expect(((modified.json["error"] as? [String: Any])?["message"] as? String)?.contains("cannot be modified") == true, "\(modified.body)")
        }
    }

    /// A turn of several calls: its first response thinks, the later ones call at
    /// once, and the whole turn is handed back that way without a 400.
    @Test func aTurnOfSeveralCallsThinksOnceAndIsAccepted() async throws {
        try await MockFixture.with { mock in
            let first = Self.blocks(try await mock.post(Self.body(Self.enabled, tools: [ToolUseTests.search])))
            var loop: [[String: Any]] = [
                ["role": "user", "content": Self.question], ["role": "assistant", "content": first],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": first.last?["id"] as? String ?? "", "content": "…"]]],
            ]
            let call = [["type": "tool_use", "id": "toolu_second", "name": "search", "input": ["query": "by month"]]] as [[String: Any]]
            loop += [["role": "assistant", "content": call], ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_second", "content": "…"]]]]
            let reply = try await mock.post(Self.body(Self.enabled, messages: loop, tools: [ToolUseTests.search]))
            #expect(reply.status == 200, "\(reply.body)")
            #expect(Self.blocks(reply).first?["type"] as? String != "thinking")
            // With the beta the budget spans the turn: it may exceed max_tokens.
            let big = try await mock.post(Self.body(["type": "enabled", "budget_tokens": 8000], maxTokens: 4000), headers: Self.interleaved)
            #expect(big.status == 200, "\(big.body)")
        }
    }
}
