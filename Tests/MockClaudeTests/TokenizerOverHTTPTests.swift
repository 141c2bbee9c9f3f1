import ChaosCore
import Foundation
import Testing
import Workload
@testable import AnthropicAPI
@testable import MockClaude

/// Claude 4.7 and later count the same text as more tokens: what an app meets
/// in its usage, its bill and its rate limits when only its model id changed.
@Suite("Each model's tokenizer over loopback HTTP")
struct TokenizerOverHTTPTests {
    /// A golden question, whose answer (its SQL) is the same on every model.
    static let question = "Question: " + GoldenQuestions.all.first { $0.id == "revenue-by-region" }!.question + " Answer with SQL only."

    /// Thinking off, as Sonnet 5 would think unasked and its thoughts would count.
    static func body(_ model: String, stream: Bool = false) -> String {
        #"{"model":"\#(model)","max_tokens":400,"stream":\#(stream),"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"\#(question)"}]}"#
    }

    static func usage(_ reply: MockFixture.Reply) -> (input: Int, output: Int) {
        let usage = reply.json["usage"] as? [String: Any]
        return (usage?["input_tokens"] as? Int ?? -1, usage?["output_tokens"] as? Int ?? -1)
    }

    /// Each pair: the model before and the one after the newer tokenizer.
    @Test(arguments: [("claude-opus-4-6", "claude-opus-4-7"), ("claude-sonnet-4-6", "claude-sonnet-5"), ("claude-haiku-4-5", "claude-haiku-5-5")], [true, false])
    func theSameRequestCountsMoreTokensOnTheNewerModel(models: (String, String), fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let before = try await mock.post(Self.body(models.0))
            let after = try await mock.post(Self.body(models.1))
            #expect(before.status == 200 && after.status == 200, "\(after.body)")
            #expect(after.text == before.text, "the same answer, counted differently")
            let (old, new) = (Self.usage(before), Self.usage(after))
            #expect(new.input == Tokenizer.claude47.inputTokens(of: try Self.request(models.1)))
            #expect(old.input == Tokenizer.classic.inputTokens(of: try Self.request(models.0)))
            #expect(new.output == Tokenizer.claude47.count(after.text) && old.output == Tokenizer.classic.count(before.text))
            let ratio = Double(new.input + new.output) / Double(old.input + old.output)
            #expect(ratio > 1.15 && ratio < 1.4, "\(ratio)")
            for (model, tokens) in [(models.0, old.input), (models.1, new.input)] {
                let counted = try await mock.post(#"{"model":"\#(model)","messages":[{"role":"user","content":"\#(Self.question)"}]}"#, path: "/v1/messages/count_tokens")
                #expect(counted.json["input_tokens"] as? Int == tokens, "count_tokens agrees with \(model)'s usage")
            }
        }
    }

    /// An id the table does not know is counted by its generation: a dated or
    /// future 4.7+ id with the newer tokenizer, an older one with the classic.
    @Test func anUnknownIdIsCountedByItsGeneration() async throws {
        try await MockFixture.with { mock in
            for (model, tokenizer) in [("claude-opus-4-9", Tokenizer.claude47), ("claude-mythos-preview", .claude47),
                                       ("claude-opus-4-7-20260416", .claude47), ("claude-2-1", .classic)] {
                let counted = try await mock.post(#"{"model":"\#(model)","messages":[{"role":"user","content":"\#(Self.question)"}]}"#, path: "/v1/messages/count_tokens")
                let expected = tokenizer.inputTokens(of: try Self.request(model))
                #expect(counted.json["input_tokens"] as? Int == expected, "\(model)")
            }
        }
    }

    /// The stream's deltas are cut from the same pieces its usage counts.
    @Test(arguments: [true, false])
    func aStreamOnTheNewerModelSendsMoreSmallerDeltas(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath; $0.tokensPerDelta = 1 }) { mock in
            let old = try await mock.stream(Self.body("claude-opus-4-6", stream: true))
            let new = try await mock.stream(Self.body("claude-opus-4-7", stream: true))
            #expect(new.text == old.text && !new.text.isEmpty)
            for (stream, tokenizer) in [(old, Tokenizer.classic), (new, .claude47)] {
                let deltas = stream.events.filter { $0.name == "content_block_delta" }.count
                let usage = stream.data(of: "message_delta")["usage"] as? [String: Any]
                #expect(deltas == tokenizer.count(stream.text))
                #expect(usage?["output_tokens"] as? Int == deltas)
            }
            #expect(new.events.count > old.events.count)
        }
    }

    /// An input-token limit that four Opus 4.6 requests fit lets only three Opus 4.7 ones through.
    @Test func theSameInputTokenLimitIsReachedSoonerAfterTheUpgrade() async throws {
        let perRequest = Tokenizer.classic.inputTokens(of: try Self.request("claude-opus-4-6"))
        let fault = "- inject: { rate_limit: { input_tokens_per_minute: \(4 * perRequest) } }"
        try await MockFixture.with(faults: fault, clock: ManualClock()) { mock in
            var answered: [String: Int] = [:]
            for model in ["claude-opus-4-6", "claude-opus-4-7"] {
                // A key each, so each model has a bucket of its own.
                let key = [("x-api-key", "sk-\(model)")]
                for _ in 1...5 {
                    let reply = try await mock.post(Self.body(model), headers: key)
                    if reply.status == 200 { answered[model, default: 0] += 1 }
                }
            }
            #expect(answered == ["claude-opus-4-6": 4, "claude-opus-4-7": 3])
        }
    }

    static func request(_ model: String) throws -> MessagesRequest {
        try JSONDecoder().decode(MessagesRequest.self, from: Data(body(model).utf8))
    }
}
