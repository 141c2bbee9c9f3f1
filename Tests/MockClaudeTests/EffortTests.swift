import Foundation
import Testing
@testable import AnthropicAPI
@testable import MockClaude

/// `output_config.effort` over loopback HTTP: how long adaptive thinking runs,
/// each model's default, and the 400s an app meets when it moves its effort
/// setting to another model.
@Suite("Effort over loopback HTTP")
struct EffortTests {
    static let question = "How many orders did each region place last month?"

    static func body(model: String, thinking: String = #"{"type":"adaptive","display":"summarized"}"#, effort: String? = nil) -> String {
        let config = effort.map { #","output_config":{"effort":"\#($0)"}"# } ?? ""
        return #"{"model":"\#(model)","max_tokens":4000,"thinking":\#(thinking)\#(config),"messages":[{"role":"user","content":"\#(question)"}]}"#
    }

    static func thinkingTokens(_ reply: MockFixture.Reply, tokenizer: Tokenizer) -> Int {
        let blocks = reply.json["content"] as? [[String: Any]] ?? []
        return tokenizer.count(blocks.first { $0["type"] as? String == "thinking" }?["thinking"] as? String ?? "")
    }

    @Test(arguments: [true, false])
    func adaptiveThinkingRunsLongerAtAHigherEffort(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            var tokens: [Effort: Int] = [:]
            var output: [Effort: Int] = [:]
            for effort in Effort.allCases {
                let reply = try await mock.post(Self.body(model: "claude-opus-4-7", effort: effort.rawValue))
                #expect(reply.status == 200, "\(reply.body)")
                tokens[effort] = Self.thinkingTokens(reply, tokenizer: .claude47)
                output[effort] = (reply.json["usage"] as? [String: Any])?["output_tokens"] as? Int
            }
            let high = try #require(tokens[.high])
            #expect(high > 20)
            for effort in Effort.allCases {
                #expect(tokens[effort] == max(1, Int((Double(high) * effort.thinkingShare).rounded())), "\(effort)")
                #expect(output[effort]! - output[.high]! == tokens[effort]! - high, "thinking is paid for as output")
            }
            let unsaid = try await mock.post(Self.body(model: "claude-opus-4-7"))
            #expect(Self.thinkingTokens(unsaid, tokenizer: .claude47) == high, "Opus 4.7 works at high unless told")
        }
    }

    /// Opus 5.5 and Haiku 5.5 work at `medium` unless told: half the thoughts.
    @Test(arguments: ["claude-opus-5-5", "claude-haiku-5-5"])
    func someModelsWorkAtMediumUnlessTold(model: String) async throws {
        try await MockFixture.with { mock in
            let unsaid = try await mock.post(Self.body(model: model))
            let high = try await mock.post(Self.body(model: model, effort: "high"))
            let medium = try await mock.post(Self.body(model: model, effort: "medium"))
            let (u, h, m) = (Self.thinkingTokens(unsaid, tokenizer: .claude47), Self.thinkingTokens(high, tokenizer: .claude47), Self.thinkingTokens(medium, tokenizer: .claude47))
            #expect(u == m && m == Int((Double(h) * 0.5).rounded()) && h > 0, "\(u) \(m) \(h)")
        }
    }

    @Test func aBudgetSetByHandIsNotMovedByEffort() async throws {
        try await MockFixture.with { mock in
            let enabled = #"{"type":"enabled","budget_tokens":2000}"#
            let low = try await mock.post(Self.body(model: "claude-opus-4-6", thinking: enabled, effort: "low"))
            let max = try await mock.post(Self.body(model: "claude-opus-4-6", thinking: enabled, effort: "max"))
            #expect(low.status == 200 && max.status == 200)
            #expect(Self.thinkingTokens(low, tokenizer: .classic) == Self.thinkingTokens(max, tokenizer: .classic))
        }
    }

    static let refusals: [(model: String, thinking: String, effort: String, message: String?)] = [
        ("claude-opus-4-7", #"{"type":"adaptive"}"#, "extreme", "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"),
        ("claude-opus-4-6", #"{"type":"adaptive"}"#, "xhigh", "output_config.effort: Input should be 'low', 'medium', 'high' or 'max'"),
        ("claude-sonnet-4-6", #"{"type":"disabled"}"#, "xhigh", "output_config.effort: Input should be 'low', 'medium', 'high' or 'max'"),
        ("claude-opus-5", #"{"type":"disabled"}"#, "xhigh",
         "output_config.effort 'xhigh' is not supported when thinking is disabled on this model. Use effort 'high' or below, or enable thinking."),
        ("claude-sonnet-5", #"{"type":"disabled"}"#, "max",
         "output_config.effort 'max' is not supported when thinking is disabled on this model. Use effort 'high' or below, or enable thinking."),
        // One step inside each rule: answered.
        ("claude-opus-4-6", #"{"type":"adaptive"}"#, "max", nil),
        ("claude-opus-5", #"{"type":"disabled"}"#, "high", nil),
        ("claude-opus-5", #"{"type":"adaptive"}"#, "xhigh", nil),
        ("claude-opus-4-7", #"{"type":"disabled"}"#, "xhigh", nil),
    ]

    @Test(arguments: refusals.indices, [true, false])
    func anEffortTheModelDoesNotTakeIsTheAPIs400(index: Int, fastPath: Bool) async throws {
        let case_ = Self.refusals[index]
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let reply = try await mock.post(Self.body(model: case_.model, thinking: case_.thinking, effort: case_.effort))
            if let message = case_.message {
                #expect(reply.status == 400)
                #expect(reply.errorMessage == message)
            } else {
                #expect(reply.status == 200, "\(reply.body)")
            }
        }
    }
}
