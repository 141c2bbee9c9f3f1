import Foundation
import Testing
import Workload
@testable import MockClaude

/// The API's per-model rules over loopback HTTP: what an app meets when its only
/// change is the model id.
@Suite("Per-model rules over loopback HTTP")
struct ModelRulesTests {
    static let question = "What is the total revenue by region?"

    /// A request for `model`; `extra` is more of its JSON members (`"top_p": 0.9`).
    static func body(_ model: String, maxTokens: Int = 2048, extra: String = "", messages: [[String: Any]]? = nil) -> String {
        let object: [String: Any] = ["model": model, "max_tokens": maxTokens, "messages": messages ?? [["role": "user", "content": question]]]
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return extra.isEmpty ? json : String(json.dropLast()) + "," + extra + "}"
    }

    static let forcedTool = #""tools":[{"name":"run_sql","input_schema":{"type":"object","properties":{"sql":{"type":"string"}}}}],"tool_choice":{"type":"any"}"#
    static let budget = #""thinking":{"type":"enabled","budget_tokens":2048}"#

    static let unsupportedEnabled = #""thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior."#
    static let unsupportedDisabled = #""thinking.type.disabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior."#
    static let forcedWithThinking = "Thinking may not be enabled when tool_choice forces tool use."

    @Test(arguments: [
        // max_tokens above what the model writes.
        ("claude-sonnet-4-5", 64_001, "", "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5"),
        ("claude-opus-4-1-20250805", 32_001, "", "max_tokens: 32001 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1-20250805"),
        ("claude-3-haiku-20240307", 4_097, "", "max_tokens: 4097 > 4096, which is the maximum allowed number of output tokens for claude-3-haiku-20240307"),
        ("claude-opus-4-7", 128_001, "", "max_tokens: 128001 > 128000, which is the maximum allowed number of output tokens for claude-opus-4-7"),
        // Thinking a model no longer takes.
        ("claude-opus-4-7", 4_000, budget, unsupportedEnabled),
        ("claude-sonnet-5", 4_000, budget, unsupportedEnabled),
        ("claude-opus-5-5", 4_000, #""thinking":{"type":"disabled"}"#, unsupportedDisabled),
        ("claude-fable-5-1", 4_000, budget, unsupportedEnabled),
        ("claude-fable-5", 4_000, #""thinking":{"type":"disabled"}"#, unsupportedDisabled),
        ("claude-fable-5-2", 4_000, budget, unsupportedEnabled),
        // A forced tool with thinking: any model with a budget, and models that always think.
        ("claude-sonnet-4-5", 4_000, forcedTool + "," + budget, forcedWithThinking),
        ("claude-opus-5-5", 4_000, forcedTool, forcedWithThinking),
        ("claude-fable-5-2", 4_000, forcedTool, forcedWithThinking),
        // Sampling parameters.
        ("claude-opus-4-7", 2_048, #""temperature":0.2"#, "temperature is deprecated for this model."),
        ("claude-opus-5", 2_048, #""top_p":0.9"#, "top_p is deprecated for this model."),
        ("claude-opus-4-8", 2_048, #""top_k":40"#, "top_k is deprecated for this model."),
        ("claude-sonnet-4-5", 2_048, #""temperature":0.2,"top_p":0.9"#, "temperature and top_p cannot both be specified for this model. Please use only one."),
    ])
    func aRequestTheModelRefusesGetsTheAPIsMessage(model: String, maxTokens: Int, extra: String, expected: String) async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(Self.body(model, maxTokens: maxTokens, extra: extra))
            #expect(reply.status == 400 && reply.errorType == "invalid_request_error", "\(reply.body)")
            #expect(reply.errorMessage == expected)
        }
    }

    /// The same requests, one step inside each limit, are answered: the rules are
    /// the model's, not the request's.
    @Test(arguments: [
        ("claude-sonnet-4-5", 64_000, "", nil),
        ("claude-opus-4-7", 128_000, "", nil),
        ("claude-sonnet-4-5-20250929", 4_000, budget, nil),
        ("claude-opus-4-6", 4_000, budget, nil),
        ("claude-opus-4-7", 4_000, #""thinking":{"type":"adaptive"}"#, nil),
        ("claude-opus-5", 4_000, #""thinking":{"type":"disabled"}"#, nil),
        ("claude-opus-5", 4_000, forcedTool, nil),
        // Forced tool use became a 400 with Fable 5.1; Fable 5 answers it without thinking.
        ("claude-fable-5", 4_000, forcedTool, nil),
        ("claude-fable-5", 128_000, "", nil),
        ("claude-sonnet-4-5", 4_000, forcedTool, nil),
        ("claude-opus-4-7", 2_048, #""temperature":1"#, nil),
        ("claude-sonnet-4-5", 2_048, #""temperature":0.2,"top_k":40"#, nil),
        ("claude-sonnet-4-0", 2_048, #""temperature":0.2,"top_p":0.9"#, nil),
        ("claude-3-7-sonnet-latest", 100_000, "", "output-128k-2025-02-19"),
        ("claude-custom-model", 500_000, #""temperature":0.2,"top_p":0.9"#, nil),
    ] as [(String, Int, String, String?)])
    func theSameRequestInsideTheModelsRulesIsAnswered(model: String, maxTokens: Int, extra: String, beta: String?) async throws {
        try await MockFixture.with { mock in
            let headers = MockFixture.apiKey + (beta.map { [("anthropic-beta", $0)] } ?? [])
            let reply = try await mock.post(Self.body(model, maxTokens: maxTokens, extra: extra), headers: headers)
            #expect(reply.status == 200, "\(reply.body)")
        }
    }

    /// A model that thinks by default answers with thinking first, with no
    /// `thinking` in the request: an app reading `content[0].text` meets a
    /// thinking block. Forced to a tool, a model that allows it does not think.
    @Test(arguments: [true, false])
    func aModelThatThinksByDefaultBeginsWithThinking(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            for model in ["claude-opus-5-5", "claude-opus-5", "claude-sonnet-5"] {
                let reply = try await mock.post(Self.body(model))
                let blocks = try #require(reply.json["content"] as? [[String: Any]], "\(reply.body)")
                #expect(blocks.map { $0["type"] as? String } == ["thinking", "text"], "\(model): \(reply.body)")
                #expect(blocks.first?["thinking"] as? String == "", "\(model) omits the thoughts unless asked")
            }
            let forced = try await mock.post(Self.body("claude-opus-5", extra: Self.forcedTool))
            #expect((forced.json["content"] as? [[String: Any]])?.map { $0["type"] as? String } == ["tool_use"], "\(forced.body)")
            let older = try await mock.post(Self.body("claude-opus-4-7"))
            #expect((older.json["content"] as? [[String: Any]])?.map { $0["type"] as? String } == ["text"])
        }
    }

    /// A prompt beyond the context window, counted as the mock counts tokens (about
    /// four characters each); the 1M beta widens Sonnet 4.5's.
    @Test func aPromptBeyondTheContextWindowIsTooLong() async throws {
        let long = String(repeating: "revenue by region and month ", count: 30_000)  // 840,000 characters
        let messages: [[String: Any]] = [["role": "user", "content": long]]
        try await MockFixture.with { mock in
            let reply = try await mock.post(Self.body("claude-sonnet-4-5", messages: messages))
            #expect(reply.status == 400, "\(reply.body.prefix(300))")
            let text = try #require(reply.errorMessage)
            #expect(text.hasPrefix("prompt is too long: ") && text.hasSuffix(" tokens > 200000 maximum"), "\(text)")
            let tokens = Int(text.dropFirst("prompt is too long: ".count).prefix { $0.isNumber }) ?? 0
            #expect(tokens > 200_000)
            let counted = try await mock.post(Self.body("claude-sonnet-4-5", messages: messages), path: "/v1/messages/count_tokens")
            #expect(counted.json["input_tokens"] as? Int == tokens, "count_tokens counts it without refusing")
            let wide = try await mock.post(Self.body("claude-sonnet-4-5", messages: messages), headers: MockFixture.apiKey + [("anthropic-beta", "context-1m-2025-08-07")])
            #expect(wide.status == 200)
            #expect(try await mock.post(Self.body("claude-opus-4-6", messages: messages)).status == 200, "Opus 4.6 reads 1M tokens")
        }
    }

    /// From Opus 5.5 on, thinking is tied to the model that wrote it: an agent that
    /// falls back to another model mid-conversation and hands the thinking over is
    /// refused; earlier models take one another's thinking.
    @Test func thinkingHandedToAnotherModelIsRefusedWhereItIsTiedToItsModel() async throws {
        let tools = #""tools":[{"name":"run_sql","input_schema":{"type":"object","properties":{"sql":{"type":"string"}}}}]"#
        let budget = #""thinking":{"type":"enabled","budget_tokens":2048}"#
        func loop(after reply: MockFixture.Reply) throws -> [[String: Any]] {
            let blocks = try #require(reply.json["content"] as? [[String: Any]], "\(reply.body)")
            let call = try #require(blocks.last?["id"] as? String)
            return [["role": "user", "content": Self.question], ["role": "assistant", "content": blocks],
                    ["role": "user", "content": [["type": "tool_result", "tool_use_id": call, "content": "EMEA 10"]]]]
        }
        try await MockFixture.with { mock in
            let opus = try await mock.post(Self.body("claude-opus-5-5", maxTokens: 4000, extra: tools))
            #expect((opus.json["content"] as? [[String: Any]])?.map { $0["type"] as? String } == ["thinking", "tool_use"], "\(opus.body)")
            let history = try loop(after: opus)
            #expect(try await mock.post(Self.body("claude-opus-5-5", maxTokens: 4000, extra: tools, messages: history)).status == 200)
            for (model, extra) in [("claude-sonnet-5-5", tools), ("claude-sonnet-4-5", tools + "," + budget)] {
                let refused = try await mock.post(Self.body(model, maxTokens: 4000, extra: extra, messages: history))
                #expect(refused.status == 400 && refused.errorMessage == "messages.1.content.0: Invalid `signature` in `thinking` block", "\(model): \(refused.body)")
            }
            let sonnet = try await mock.post(Self.body("claude-sonnet-4-5", maxTokens: 4000, extra: tools + "," + budget))
            let handed = try await mock.post(Self.body("claude-opus-4-6", maxTokens: 4000, extra: tools + "," + budget, messages: try loop(after: sonnet)))
            #expect(handed.status == 200, "earlier models take one another's thinking: \(handed.body)")
        }
    }

    @Test func idsMatchTheLongestEntryTheyBeginWith() {
        #expect(ModelCatalog.spec(for: "claude-opus-4-1-20250805")?.id == "claude-opus-4-1")
        #expect(ModelCatalog.spec(for: "claude-opus-4-20250514")?.id == "claude-opus-4")
        #expect(ModelCatalog.spec(for: "claude-opus-5-5")?.id == "claude-opus-5-5")
        #expect(ModelCatalog.spec(for: "claude-opus-5")?.id == "claude-opus-5")
        #expect(ModelCatalog.spec(for: "claude-3-7-sonnet-latest")?.id == "claude-3-7-sonnet")
        #expect(ModelCatalog.spec(for: "claude-opus-45") == nil, "a prefix ends at a dash")
        #expect(ModelCatalog.spec(for: "claude-opus-4-0")?.id == "claude-opus-4", "the -0 of a whole version")
        #expect(ModelCatalog.spec(for: "claude-opus-4-9") == nil, "another number is another model, not Opus 4")
        #expect(ModelCatalog.spec(for: "claude-sonnet-5-6-20270101") == nil)
        #expect(ModelCatalog.listed(on: nil).map(\.createdAt) == ModelCatalog.listed(on: nil).map(\.createdAt).sorted(by: >), "newest first")
        #expect(ModelCatalog.listed(on: nil).prefix(4).map(\.id) == ["claude-fable-5-2", "claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5"])
        #expect(ModelCatalog.spec(for: "claude-fable-5")?.id == "claude-fable-5" && ModelCatalog.spec(for: "claude-fable-5-1")?.id == "claude-fable-5-1")
        #expect(ModelCatalog.tokenizer(for: "claude-fable-5") == .claude47)
    }
}
