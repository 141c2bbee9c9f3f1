import ChaosCore
import Foundation
import Testing
import Workload
@testable import MockClaude

/// Tool use over loopback HTTP, on the fast path and on the route.
@Suite("Tool use over loopback HTTP")
struct ToolUseTests {
    /// A Pydantic-style schema: a `$ref` into `$defs`, an enum, bounds.
    static var weather: [String: Any] { [
        "name": "get_weather", "description": "The weather in a city",
        "input_schema": [
            "type": "object",
            "properties": [
                "city": ["type": "string"],
                "unit": ["enum": ["celsius", "fahrenheit"]],
                "days": ["type": "integer", "minimum": 3, "maximum": 7],
                "place": ["$ref": "#/$defs/Place"],
            ],
            "required": ["city", "days"],
            "$defs": ["Place": ["type": "object", "properties": ["lat": ["type": "number"], "exact": ["type": "boolean"]]]],
        ] as [String: Any],
    ] }
    static var search: [String: Any] {
        ["name": "search", "input_schema": ["type": "object", "properties": ["query": ["type": "string"]]]]
    }

    static func body(
        _ messages: [[String: Any]], tools: [[String: Any]] = [weather, search], choice: [String: Any]? = nil,
        stream: Bool = false, maxTokens: Int = 400
    ) -> String {
        var object: [String: Any] = ["model": "claude-opus-4-7", "max_tokens": maxTokens, "stream": stream, "tools": tools, "messages": messages]
        if let choice { object["tool_choice"] = choice }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static var question: [[String: Any]] { [["role": "user", "content": "What is the weather in Lisbon?"]] }

    static func toolUse(_ reply: MockFixture.Reply) -> [String: Any]? {
        (reply.json["content"] as? [[String: Any]])?.first { $0["type"] as? String == "tool_use" }
    }

    @Test(arguments: [true, false])
    func aForcedToolIsCalledWithInputItsSchemaAccepts(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let reply = try await mock.post(Self.body(Self.question, choice: ["type": "tool", "name": "get_weather"]))
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.json["stop_reason"] as? String == "tool_use")
            let call = try #require(Self.toolUse(reply), "\(reply.body)")
            #expect(call["name"] as? String == "get_weather")
            #expect((call["id"] as? String)?.hasPrefix("toolu_") == true)
            let input = try #require(call["input"] as? [String: Any])
            #expect(input["city"] is String)
            #expect(input["unit"] as? String == "celsius")
            #expect(input["days"] as? Int == 3)
            let place = try #require(input["place"] as? [String: Any], "the $ref was not followed: \(input)")
            #expect(place["exact"] as? Bool == true)
            #expect(place["lat"] is NSNumber)
        }
    }

    @Test func aQueryArgumentCarriesTheQuestionAndAnySQLArgumentTheGoldenSQL() async throws {
        let golden = GoldenQuestions.all.first { $0.id == "revenue-by-region" }!
        let runSQL: [String: Any] = ["name": "run_sql", "input_schema": ["type": "object", "properties": ["sql": ["type": "string"]]]]
        try await MockFixture.with { mock in
            let asked = try await mock.post(Self.body(Self.question, choice: ["type": "tool", "name": "search"]))
            #expect((Self.toolUse(asked)?["input"] as? [String: Any])?["query"] as? String == "What is the weather in Lisbon?")
            let sql = try await mock.post(Self.body([["role": "user", "content": golden.question]], tools: [runSQL], choice: ["type": "any"]))
            #expect((Self.toolUse(sql)?["input"] as? [String: Any])?["sql"] as? String == golden.sql)
        }
    }

    @Test func anAgentLoopCallsOnceThenAnswersInTextAfterTheResult() async throws {
        try await MockFixture.with { mock in
            let first = try await mock.post(Self.body(Self.question))
            let call = try #require(Self.toolUse(first), "auto did not call the first tool: \(first.body)")
            #expect(call["name"] as? String == "get_weather")
            let id = try #require(call["id"] as? String)
            let loop = Self.question + [
                ["role": "assistant", "content": [call]],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": id, "content": "18°C, clear"]]],
            ]
            let final = try await mock.post(Self.body(loop))
            #expect(final.status == 200, "\(final.body)")
            #expect(final.json["stop_reason"] as? String == "end_turn")
            #expect(Self.toolUse(final) == nil)
            #expect(!final.text.isEmpty)
            let never = try await mock.post(Self.body(Self.question, choice: ["type": "none"]))
            #expect(Self.toolUse(never) == nil && !never.text.isEmpty)
        }
    }

    @Test(arguments: [true, false])
    func aStreamedCallsInputJSONDeltasAddUpToTheSameInput(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let body = Self.body(Self.question, choice: ["type": "any"])
            let whole = try await mock.post(body)
            let stream = try await mock.stream(Self.body(Self.question, choice: ["type": "any"], stream: true))
            let start = stream.data(of: "content_block_start")["content_block"] as? [String: Any]
            #expect(start?["type"] as? String == "tool_use")
            #expect(start?["name"] as? String == "get_weather")
            let pieces = stream.events.filter { $0.name == "content_block_delta" }.map { event -> String in
                let delta = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any]
                let inner = delta?["delta"] as? [String: Any]
                #expect(inner?["type"] as? String == "input_json_delta")
                return inner?["partial_json"] as? String ?? ""
            }
            #expect(pieces.count > 3)
            let streamed = try JSONSerialization.jsonObject(with: Data(pieces.joined().utf8)) as? NSDictionary
            #expect(streamed == (Self.toolUse(whole)?["input"] as? NSDictionary))
            #expect((stream.data(of: "message_delta")["delta"] as? [String: Any])?["stop_reason"] as? String == "tool_use")
        }
    }

    @Test func maxTokensCutsTheInputAndKeepsOnlyArgumentsWrittenWhole() async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(Self.body(Self.question, choice: ["type": "any"], maxTokens: 15))
            #expect(reply.json["stop_reason"] as? String == "max_tokens")
            let input = try #require(Self.toolUse(reply)?["input"] as? [String: Any], "\(reply.body)")
            // Keys are written sorted: city, days, place, unit; 15 of Opus 4.7's tokens reach past city only.
            #expect(input["city"] != nil)
            #expect(input["unit"] == nil, "\(input)")
            #expect(input.count < 4)
        }
    }

    @Test func qualityFaultsSpoilACallAsAModelWould() async throws {
        let faults = """
        - name: empty-args
          match: { header: { x-case: empty } }
          inject: { quality: { mode: empty } }
        - name: prose
          match: { header: { x-case: prose } }
          inject: { quality: { mode: off_format } }
        """
        try await MockFixture.with(faults: faults) { mock in
            let body = Self.body(Self.question, choice: ["type": "any"])
            let empty = try await mock.post(body, headers: MockFixture.apiKey + [("x-case", "empty")])
            #expect((Self.toolUse(empty)?["input"] as? [String: Any])?.isEmpty == true, "\(empty.body)")
            #expect(empty.json["stop_reason"] as? String == "tool_use")
            let prose = try await mock.post(body, headers: MockFixture.apiKey + [("x-case", "prose")])
            #expect(Self.toolUse(prose) == nil)
            #expect(prose.text.contains("get_weather"), "\(prose.body)")
            #expect(prose.json["stop_reason"] as? String == "end_turn")
            #expect(try await mock.settled())
            let kinds = try await mock.journalEntries().map(\.answerKind)
            #expect(kinds.allSatisfy { $0 == "tool_call:get_weather" }, "\(kinds)")
        }
    }

    @Test func aCallWithoutItsResultIsRefusedAsTheAPIRefusesIt() async throws {
        try await MockFixture.with { mock in
            let dangling = Self.question + [
                ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": ["city": "Lisbon"]]]],
                ["role": "user", "content": "and tomorrow?"],
            ]
            let reply = try await mock.post(Self.body(dangling))
            #expect(reply.status == 400)
            #expect(reply.errorType == "invalid_request_error")
            #expect((reply.json["error"] as? [String: Any])?["message"] as? String
                == "messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01. Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
        }
    }
}
