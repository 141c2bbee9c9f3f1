import AnthropicAPI
import ChaosCore
import Foundation
import Testing

@Suite struct ToolTests {
    private func request(_ json: String) throws -> MessagesRequest {
        try MessagesRequest.decode(Array(json.utf8), with: JSONDecoder())
    }

    private func problem(_ json: String) throws -> String? {
        try request(json).validate(requireMaxTokens: true)
    }

    static let tools = #""tools":[{"name":"lookup","input_schema":{"type":"object","properties":{"q":{"type":"string","minLength":0.5}}}},{"type":"web_search_20250305","name":"web_search"}]"#

    @Test func toolsToolChoiceAndCallsAreRead() throws {
        let read = try request(#"""
            {"model":"m","max_tokens":5,\#(Self.tools),"tool_choice":{"type":"tool","name":"lookup"},
             "messages":[{"role":"user","content":"q"},
                         {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"x","n":[1,2.5,null,true]}}]},
                         {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"found"}]}]}
            """#)
        #expect(read.toolChoice == .tool("lookup"))
        #expect(read.tools?.map(\.name) == ["lookup", "web_search"])
        #expect(read.tools?.map(\.isClientTool) == [true, false])
        #expect(read.tools?.first?.inputSchema?["properties"]?["q"]?["minLength"] == .number(0.5))
        let call = read.messages[1].content[0]
        #expect(call == .toolUse(id: "toolu_1", name: "lookup", input: ["q": "x", "n": [1, .number(2.5), .null, true]]))
        #expect(read.messages[2].content[0] == .toolResult(id: "toolu_1", text: "found"))
        #expect(read.validate(requireMaxTokens: true) == nil)
    }

    @Test func disablingParallelToolUseIsReadBesideTheType() throws {
        let read = try request(#"{"model":"m","max_tokens":5,\#(Self.tools),"tool_choice":{"type":"any","disable_parallel_tool_use":true},"messages":[{"role":"user","content":"q"}]}"#)
        #expect(read.toolChoice == ToolChoice(.any, disableParallelToolUse: true))
        #expect(try request(#"{"model":"m","max_tokens":5,\#(Self.tools),"tool_choice":{"type":"auto"},"messages":[{"role":"user","content":"q"}]}"#).toolChoice == .auto)
        let written = String(decoding: try JSONEncoder().encode(ToolChoice(.tool("lookup"), disableParallelToolUse: true)), as: UTF8.self)
        #expect(try JSONDecoder().decode(ToolChoice.self, from: Data(written.utf8)) == ToolChoice(.tool("lookup"), disableParallelToolUse: true))
    }

    @Test func aToolChoiceOfUnknownTypeIsRefusedNamingTheField() {
        let error = #expect(throws: (any Error).self) {
            try request(#"{"model":"m","max_tokens":5,"tool_choice":{"type":"sometimes"},"messages":[{"role":"user","content":"q"}]}"#)
        }
        #expect(error.map(RequestProblem.describe)?.hasPrefix("tool_choice.type: Input tag 'sometimes'") == true)
    }

    @Test(arguments: [
        (#""tool_choice":{"type":"any"},"messages":[{"role":"user","content":"q"}]"#,
         "tool_choice: tool_choice may only be specified while providing tools."),
        (#"\#(tools),"tool_choice":{"type":"tool","name":"missing"},"messages":[{"role":"user","content":"q"}]"#,
         "tool_choice.name: there is no tool named 'missing' in tools"),
        (#""tools":[{"name":"a b","input_schema":{}}],"messages":[{"role":"user","content":"q"}]"#,
         "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"),
        (#""tools":[{"name":"a","input_schema":{}},{"name":"a","input_schema":{}}],"messages":[{"role":"user","content":"q"}]"#,
         "tools: Tool names must be unique."),
        (#""messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"a","input":{}},{"type":"tool_use","id":"t2","name":"a","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"ok"}]}]"#,
         "messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: t1. Each `tool_use` block must have a corresponding `tool_result` block in the next message."),
        (#""messages":[{"role":"user","content":"q"},{"role":"assistant","content":"no call"},{"role":"user","content":[{"type":"text","text":"see"},{"type":"tool_result","tool_use_id":"t9","content":"ok"}]}]"#,
         "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: t9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."),
    ])
    func brokenToolRulesAreRefusedAsTheAPIRefusesThem(body: String, expected: String) throws {
        #expect(try problem(#"{"model":"m","max_tokens":5,\#(body)}"#) == expected)
    }

    @Test func aCallIsEncodedWithItsIdNameAndInputAndAResultWithItsToolUseID() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let call = String(decoding: try encoder.encode(ContentBlock.toolUse(id: "t", name: "n", input: ["a": 1])), as: UTF8.self)
        #expect(call == #"{"id":"t","input":{"a":1},"name":"n","type":"tool_use"}"#)
        let result = String(decoding: try encoder.encode(ContentBlock.toolResult(id: "t", text: "ok")), as: UTF8.self)
        #expect(result == #"{"content":"ok","tool_use_id":"t","type":"tool_result"}"#)
    }

    @Test func aToolUseAnswerIsWrittenAsTheAPIWritesIt() throws {
        let response = MessagesResponse(
            id: "msg_1", model: "m", content: [.toolUse(id: "toolu_1", name: "lookup", input: ["q": "é\"", "n": .number(2.5)])],
            stopReason: .toolUse, usage: Usage(inputTokens: 3, outputTokens: 4)
        )
        #expect(response.jsonText == #"{"content":[{"id":"toolu_1","input":{"n":2.5,"q":"é\""},"name":"lookup","type":"tool_use"}],"id":"msg_1","model":"m","role":"assistant","stop_reason":"tool_use","stop_sequence":null,"type":"message","usage":{"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"input_tokens":3,"output_tokens":4}}"#)
        let decoded = try JSONDecoder().decode(MessagesResponse.self, from: Data(response.jsonBytes))
        #expect(decoded.content == response.content)
    }

    @Test func toolDefinitionsCountAsInputTokens() throws {
        let plain = try request(#"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"}]}"#)
        let offered = try request(#"{"model":"m","max_tokens":5,\#(Self.tools),"messages":[{"role":"user","content":"q"}]}"#)
        #expect(Tokenizer.classic.inputTokens(of: offered) > Tokenizer.classic.inputTokens(of: plain) + 10)
    }

    @Test func thinkingStreamEventsAreWireExact() {
        #expect(StreamEvent.thinkingStart(index: 0).wire
            == "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n")
        #expect(StreamEvent.thinkingDelta(index: 0, thinking: "I \"see\"").wire
            == "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"I \\\"see\\\"\"}}\n\n")
        #expect(StreamEvent.signatureDelta(index: 0, signature: "Es1").wire
            == "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"Es1\"}}\n\n")
        #expect(StreamEvent.redactedThinkingStart(index: 0, data: "EuA/b=").wire
            == "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"EuA/b=\"}}\n\n")
    }

    @Test(arguments: [
        (#"{"type":"enabled","budget_tokens":500}"#, 4000, "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"),
        (#"{"type":"enabled","budget_tokens":4000}"#, 4000, "`max_tokens` must be greater than `thinking.budget_tokens`"),
        (#"{"type":"enabled"}"#, 4000, "thinking.budget_tokens: Field required"),
        (#"{"type":"deep"}"#, 4000, "thinking.type: Input tag 'deep'"),
        (#"{"type":"enabled","budget_tokens":2048}"#, 4000, nil),
        (#"{"type":"adaptive"}"#, 100, nil),
        (#"{"type":"adaptive","display":"omitted"}"#, 100, nil),
        (#"{"type":"enabled","budget_tokens":2048,"display":"full"}"#, 4000, "thinking.display: Input should be 'summarized' or 'omitted'"),
    ] as [(String, Int, String?)])
    func thinkingBudgetsAreCheckedAsTheAPIChecksThem(thinking: String, maxTokens: Int, problem: String?) {
        let body = #"{"model":"m","max_tokens":\#(maxTokens),"thinking":\#(thinking),"messages":[{"role":"user","content":"q"}]}"#
        let found: String?
        do { found = try request(body).validate(requireMaxTokens: true) } catch { found = RequestProblem.describe(error) }
        if let problem { #expect(found?.hasPrefix(problem) == true, "\(found ?? "none")") } else { #expect(found == nil) }
    }

    /// Thinking handed back with a tool result is kept for the pairing rules, not read as the question.
    @Test func thinkingHandedBackIsNotReadAsText() throws {
        let read = try request(#"""
            {"model":"m","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":2000},
             "messages":[{"role":"user","content":"q"},
                         {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"Es1"},{"type":"text","text":"a"}]}]}
            """#)
        #expect(read.thinking == ThinkingConfig(.enabled(budgetTokens: 2000)))
        let shown = try request(#"{"model":"m","max_tokens":9,"thinking":{"type":"adaptive","display":"summarized"},"messages":[{"role":"user","content":"q"}]}"#)
        #expect(shown.thinking == ThinkingConfig(.adaptive, display: .summarized))
        let encoded = String(decoding: try JSONEncoder().encode(shown.thinking), as: UTF8.self)
        #expect(encoded.contains(#""display":"summarized""#), "\(encoded)")
        #expect(read.messages[1].content[0] == .thinking("hmm", signature: "Es1"))
        #expect(read.messages[1].text == "a")
    }

    /// Redacted thinking handed back keeps its data (for the API's check) and is neither text nor input.
    @Test func redactedThinkingHandedBackKeepsItsDataAndIsNotReadAsText() throws {
        let body = #"""
            {"model":"m","max_tokens":5000,"thinking":{"type":"enabled","budget_tokens":2000},
             "messages":[{"role":"user","content":"q"},
                         {"role":"assistant","content":[{"type":"redacted_thinking","data":"EuXyZ"},{"type":"text","text":"a"}]}]}
            """#
        let read = try request(body)
        #expect(read.messages[1].content[0] == .redactedThinking(data: "EuXyZ"))
        #expect(read.messages[1].content[0].isThinking)
        #expect(read.messages[1].text == "a")
        let plain = try request(body.replacingOccurrences(of: #"{"type":"redacted_thinking","data":"EuXyZ"},"#, with: ""))
        #expect(Tokenizer.classic.inputTokens(of: read) == Tokenizer.classic.inputTokens(of: plain))
        let encoded = String(decoding: try JSONEncoder().encode(read.messages[1].content[0]), as: UTF8.self)
        #expect(encoded.contains(#""data":"EuXyZ""#) && !encoded.contains("text"), "\(encoded)")
        #expect(throws: (any Error).self) {
            try request(#"{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"redacted_thinking"}]}]}"#)
        }
    }

    @Test func toolStreamEventsAreWireExact() {
        #expect(StreamEvent.toolUseStart(index: 0, id: "toolu_1", name: "lookup").wire
            == "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"lookup\",\"input\":{}}}\n\n")
        #expect(StreamEvent.inputJSONDelta(index: 1, partialJSON: #"{"q":""#).wire
            == "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"q\\\":\\\"\"}}\n\n")
    }
}
