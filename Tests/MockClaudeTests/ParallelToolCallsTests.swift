import Foundation
import Testing
@testable import MockClaude

/// Several tool calls in one answer, over loopback HTTP: what an agent loop that
/// runs only the first call gets wrong.
@Suite("Parallel tool calls over loopback HTTP")
struct ParallelToolCallsTests {
    static let faults = """
    - name: fan-out
      inject: { parallel_tool_calls: { calls: 3 } }
    """

    static func calls(_ reply: MockFixture.Reply) -> [[String: Any]] {
        (reply.json["content"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "tool_use" }
    }

    @Test(arguments: [true, false])
    func theAnswerCallsTheChosenToolThenTheNextOnesComingRound(fastPath: Bool) async throws {
        try await MockFixture.with(faults: Self.faults, configure: { $0.fastPath = fastPath }) { mock in
            let reply = try await mock.post(ToolUseTests.body(ToolUseTests.question))
            #expect(reply.status == 200, "\(reply.body)")
            let calls = Self.calls(reply)
            #expect(calls.map { $0["name"] as? String } == ["get_weather", "search", "get_weather"], "\(reply.body)")
            let ids = calls.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == 3 && ids.allSatisfy { $0.hasPrefix("toolu_") }, "\(ids)")
            #expect(reply.json["stop_reason"] as? String == "tool_use")
            // The second call of one tool is not the first again.
            let first = try #require(calls[0]["input"] as? [String: Any]), again = try #require(calls[2]["input"] as? [String: Any])
            #expect(first["city"] as? String != again["city"] as? String, "\(first) \(again)")
            #expect(again["unit"] as? String == "celsius" && again["days"] as? Int == 3, "enums and bounds still hold: \(again)")
            #expect(reply.header("x-llmchaos-faults") == "fan-out")
            #expect(try await mock.settled())
            let entry = try #require(try await mock.journalEntries().last)
            #expect(entry.answerKind == "tool_call:get_weather+search+get_weather")
            #expect(entry.faults == ["fan-out"])
            let usage = try #require(reply.json["usage"] as? [String: Any])
            #expect(usage["output_tokens"] as? Int == entry.outputTokens)
        }
    }

    @Test(arguments: [true, false])
    func aStreamWritesEachCallAsABlockOfItsOwn(fastPath: Bool) async throws {
        try await MockFixture.with(faults: Self.faults, configure: { $0.fastPath = fastPath }) { mock in
            let whole = try await mock.post(ToolUseTests.body(ToolUseTests.question))
            let stream = try await mock.stream(ToolUseTests.body(ToolUseTests.question, stream: true))
            var starts: [Int: [String: Any]] = [:], inputs: [Int: String] = [:], stops: [Int] = []
            var open: Int?
            for event in stream.events {
                let data = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any] ?? [:]
                let index = data["index"] as? Int ?? -1
                switch event.name {
                case "content_block_start":
                    #expect(open == nil, "block \(index) began before block \(open ?? -1) ended")
                    open = index
                    starts[index] = data["content_block"] as? [String: Any]
                case "content_block_delta":
                    #expect(index == open)
                    inputs[index, default: ""] += (data["delta"] as? [String: Any])?["partial_json"] as? String ?? ""
                case "content_block_stop":
                    #expect(index == open)
                    stops.append(index)
                    open = nil
                default: break
                }
            }
            #expect(stops == [0, 1, 2])
            #expect((0..<3).map { starts[$0]?["name"] as? String } == ["get_weather", "search", "get_weather"])
            let wholeCalls = Self.calls(whole)
            for index in 0..<3 {
                let streamed = try JSONSerialization.jsonObject(with: Data((inputs[index] ?? "").utf8)) as? NSDictionary
                #expect(streamed == wholeCalls[index]["input"] as? NSDictionary, "block \(index)")
            }
            let usage = (stream.data(of: "message_delta")["usage"] as? [String: Any])?["output_tokens"] as? Int
            #expect(usage == (whole.json["usage"] as? [String: Any])?["output_tokens"] as? Int)
        }
    }

    /// The API's own rule: a result for the first call only is a 400 naming the others.
    @Test func answeringOnlyTheFirstCallIsRefusedNamingTheRest() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            let reply = try await mock.post(ToolUseTests.body(ToolUseTests.question))
            let calls = Self.calls(reply)
            let ids = calls.compactMap { $0["id"] as? String }
            try #require(ids.count == 3)
            let history = ToolUseTests.question + [["role": "assistant", "content": calls]]
            let partial = history + [["role": "user", "content": [["type": "tool_result", "tool_use_id": ids[0], "content": "18°C"]]]]
            let refused = try await mock.post(ToolUseTests.body(partial))
            #expect(refused.status == 400)
            let message = (refused.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("immediately after: \(ids[1]), \(ids[2])."), "\(message)")
            let all = history + [["role": "user", "content": ids.map { ["type": "tool_result", "tool_use_id": $0, "content": "done"] }]]
            let answered = try await mock.post(ToolUseTests.body(all))
            #expect(answered.status == 200 && answered.json["stop_reason"] as? String == "end_turn", "\(answered.body)")
        }
    }

    @Test func disablingParallelToolUseOrAForcedToolOrMaxTokensLimitTheCalls() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            let single = try await mock.post(ToolUseTests.body(ToolUseTests.question, choice: ["type": "auto", "disable_parallel_tool_use": true]))
            #expect(Self.calls(single).count == 1)
            #expect(single.header("x-llmchaos-faults") == nil, "a fault that changed nothing is not reported")
            let forced = try await mock.post(ToolUseTests.body(ToolUseTests.question, choice: ["type": "tool", "name": "search"]))
            let queries = Self.calls(forced).map { ($0["input"] as? [String: Any])?["query"] as? String }
            #expect(queries == ["What is the weather in Lisbon?", "What is the weather in Lisbon? (2)", "What is the weather in Lisbon? (3)"])
            // Room for the first call and one more, not two: only whole calls are added.
            let oneCall = try await mock.post(ToolUseTests.body(ToolUseTests.question, choice: ["type": "tool", "name": "search"], maxTokens: 400))
            let perCall = try #require((oneCall.json["usage"] as? [String: Any])?["output_tokens"] as? Int) / 3
            let tight = try await mock.post(ToolUseTests.body(ToolUseTests.question, choice: ["type": "tool", "name": "search"], maxTokens: perCall * 2 + 1))
            #expect(Self.calls(tight).count == 2, "\(tight.body)")
            #expect(tight.json["stop_reason"] as? String == "tool_use")
            #expect(tight.header("x-llmchaos-faults") == "fan-out")
            let noRoom = try await mock.post(ToolUseTests.body(ToolUseTests.question, choice: ["type": "tool", "name": "search"], maxTokens: perCall + 1))
            #expect(Self.calls(noRoom).count == 1, "\(noRoom.body)")
            #expect(noRoom.header("x-llmchaos-faults") == nil, "no second call fitted: the fault did nothing")
            let text = try await mock.post(ToolUseTests.body(ToolUseTests.question, choice: ["type": "none"]))
            #expect(Self.calls(text).isEmpty && text.header("x-llmchaos-faults") == nil)
        }
    }
}
