import ChaosCore
import AnthropicAPI
import Foundation
import Testing
import Workload
@testable import MockClaude

@Suite("Messages API over loopback HTTP")
struct MessagesAPITests {
    @Test func aGoldenQuestionIsAnsweredWithItsSQLAndPlausibleUsage() async throws {
        try await MockFixture.with { mock in
            let question = GoldenQuestions.all.first { $0.id == "revenue-by-region" }!
            let reply = try await mock.post(MockFixture.body("Question: \(question.question) Answer with SQL only."))
            #expect(reply.status == 200)
            #expect(reply.json["type"] as? String == "message")
            #expect(reply.json["role"] as? String == "assistant")
            #expect(reply.json["stop_reason"] as? String == "end_turn")
            #expect(reply.text == "```sql\n\(question.sql)\n```")
            let usage = try #require(reply.json["usage"] as? [String: Any])
            #expect((usage["input_tokens"] as? Int ?? 0) > 10)
            #expect(usage["output_tokens"] as? Int == Tokenizer.claude47.count(reply.text))
            #expect(reply.header("request-id")?.hasPrefix("req_") == true)
            #expect((reply.json["id"] as? String)?.hasPrefix("msg_") == true)
        }
    }

    @Test func maxTokensCutsTheAnswerAndSaysSo() async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(MockFixture.body("Tell me about the quarter.", maxTokens: 5))
            #expect(reply.json["stop_reason"] as? String == "max_tokens")
            #expect((reply.json["usage"] as? [String: Any])?["output_tokens"] as? Int == 5)
        }
    }

    @Test func aStreamSendsEveryEventInOrderAndAddsUpToTheSameAnswer() async throws {
        try await MockFixture.with { mock in
            let prompt = "How many customers are in each segment?"
            let json = try await mock.post(MockFixture.body(prompt))
            let stream = try await mock.stream(MockFixture.body(prompt, stream: true))
            #expect(stream.status == 200)
            #expect(stream.error == nil)
            #expect(stream.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let names = stream.names
            #expect(Array(names.prefix(3)) == ["message_start", "content_block_start", "ping"])
            #expect(Array(names.suffix(3)) == ["content_block_stop", "message_delta", "message_stop"])
            #expect(names.filter { $0 == "content_block_delta" }.count >= 2)
            #expect(stream.text == json.text)
            let delta = stream.data(of: "message_delta")
            #expect((delta["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
            #expect((delta["usage"] as? [String: Any])?["output_tokens"] as? Int == (json.json["usage"] as? [String: Any])?["output_tokens"] as? Int)
        }
    }

    @Test func aLongWaitInAStreamIsFilledWithPings() async throws {
        try await MockFixture.with(
            faults: "- inject: { latency: { first_token: 35s } }",
            clock: ScaledClockForTests.fast,
            configure: { $0.pingInterval = .seconds(10) }
        ) { mock in
            let stream = try await mock.stream(MockFixture.body("hello", stream: true))
            // One ping after content_block_start, then one per 10s of the 35s wait.
            #expect(stream.names.filter { $0 == "ping" }.count == 4)
            #expect(stream.names.last == "message_stop")
        }
    }

    @Test func bearerAuthorizationIsAcceptedAndNoKeyIsRefused() async throws {
        try await MockFixture.with { mock in
            let bearer = try await mock.post(MockFixture.body("hi"), headers: [("authorization", "Bearer sk-x"), ("anthropic-version", "2023-06-01")])
            #expect(bearer.status == 200)
            let none = try await mock.post(MockFixture.body("hi"), headers: [])
            #expect(none.status == 401)
            #expect(none.errorType == "authentication_error")
            #expect(none.json["request_id"] as? String == none.header("request-id"))
            #expect(none.header("x-should-retry") == "false")
        }
    }

    @Test(arguments: [
        ("{not json", "The request body is not valid JSON"),
        (#"{"model":"claude-opus-4-7","max_tokens":10,"messages":[{"role":"user","content":"x"}],}"#, "The request body is not valid JSON"),
        (#"{"model":"claude-opus-4-7","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: Field required"),
        (#"{"model":"claude-opus-4-7","max_tokens":10,"messages":"x"}"#, "messages: Input should be a valid list"),
        (#"{"model":"claude-opus-4-7","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"#, "max_tokens: Input should be greater than or equal to 1"),
        (#"{"model":"claude-opus-4-7","max_tokens":10,"messages":[]}"#, "messages: at least one message is required"),
        (#"{"max_tokens":10,"messages":[{"role":"user","content":"x"}]}"#, "model: Field required"),
        (#"{"model":"claude-opus-4-7","max_tokens":10,"messages":[{"role":"robot","content":"x"}]}"#, "messages.0.role"),
    ])
    func aMalformedRequestGetsA400ThatSaysWhatIsWrong(body: String, message: String) async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(body)
            #expect(reply.status == 400)
            #expect(reply.errorType == "invalid_request_error")
            let text = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(text.hasPrefix(message), "got: \(text)")
        }
    }

    @Test func aPathTheMockDoesNotServeIsTheAPIsJSON404AndNotJournaled() async throws {
        try await MockFixture.with { mock in
            let doubled = try await mock.post(MockFixture.body("hi"), path: "/v1/v1/messages")
            #expect(doubled.status == 404)
            #expect(doubled.errorType == "not_found_error")
            #expect(doubled.json["request_id"] as? String == doubled.header("request-id"))
            let message = (doubled.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("Not Found: POST /v1/v1/messages"))
            #expect(message.contains("ANTHROPIC_BASE_URL"), "the doubled /v1 is named as the likely cause")
            let wrongMethod = try await mock.request(.GET, "/v1/messages")
            #expect(wrongMethod.status == 404)
            #expect(wrongMethod.errorType == "not_found_error")
            let wrongMethodMessage = (wrongMethod.json["error"] as? [String: Any])?["message"] as? String
            #expect(wrongMethodMessage == "Not Found: GET /v1/messages")
            #expect(try await mock.post(MockFixture.body("hi")).status == 200, "served routes are untouched")
            #expect(try await mock.journalEntries().map(\.path) == ["/v1/messages"])
        }
    }

    @Test func anUnknownModelIsA404AndAnOversizedBodyA413() async throws {
        try await MockFixture.with(configure: { $0.maxBodyBytes = 2_000 }) { mock in
            let unknown = try await mock.post(MockFixture.body("hi", model: "gpt-4o"))
            #expect(unknown.status == 404)
            #expect(unknown.errorType == "not_found_error")
            let big = try await mock.post(MockFixture.body(String(repeating: "word ", count: 1_000)))
            #expect(big.status == 413)
            #expect(big.errorType == "request_too_large")
        }
    }

    @Test func countTokensAndModelsAnswerLikeTheAPI() async throws {
        try await MockFixture.with { mock in
            let body = #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"How many regions do we operate in?"}]}"#
            let count = try await mock.post(body, path: "/v1/messages/count_tokens")
            #expect(count.status == 200)
            #expect((count.json["input_tokens"] as? Int ?? 0) > 5)
            let models = try await mock.request(.GET, "/v1/models?limit=2")
            #expect(models.status == 200)
            let data = try #require(models.json["data"] as? [[String: Any]])
            #expect(data.count == 2)
            #expect(models.json["has_more"] as? Bool == true)
            #expect(models.json["first_id"] as? String == data.first?["id"] as? String)
            let one = try await mock.request(.GET, "/v1/models/claude-opus-4-7")
            #expect(one.json["type"] as? String == "model")
            let missing = try await mock.request(.GET, "/v1/models/claude-nope")
            #expect(missing.status == 404)
        }
    }

    @Test func aProviderPrefixIsServedAndJournaled() async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(MockFixture.body("hi"), path: "/p/backup/v1/messages")
            #expect(reply.status == 200)
            let entries = try await mock.journalEntries()
            #expect(entries.map(\.provider) == ["backup"])
        }
    }

    @Test func theJournalNeverHoldsTheAPIKey() async throws {
        try await MockFixture.with(faults: "- inject: { rate_limit: { retry_after: 1s } }\n  match: { api_key: sk-test-secret }") { mock in
            _ = try await mock.post(MockFixture.body("hi"))
            let raw = try await mock.request(.GET, "/_chaos/journal", headers: []).body
            #expect(raw.contains("rate_limit"))
            #expect(!raw.contains("sk-test-secret"))
        }
    }
}

enum ScaledClockForTests {
    /// Scenario time at 2000× real time: a 35s wait takes under 20ms.
    static var fast: ScaledClock { ScaledClock(timeScale: 2000) }
}

extension MessagesAPITests {
    @Test func aCacheablePrefixIsWrittenOnceThenRead() async throws {
        try await MockFixture.with { mock in
            let body = #"{"model":"claude-opus-4-7","max_tokens":50,"system":[{"type":"text","text":"You are a careful analyst who writes SQL for the sales data set.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"QUESTION"}]}"#
            func usage(_ question: String) async throws -> [String: Any] {
                try await mock.post(body.replacingOccurrences(of: "QUESTION", with: question)).json["usage"] as? [String: Any] ?? [:]
            }
            let first = try await usage("How many regions do we operate in?")
            let second = try await usage("How many customers do we have?")
            #expect((first["cache_creation_input_tokens"] as? Int ?? 0) > 10)
            #expect(first["cache_read_input_tokens"] as? Int == 0)
            #expect(second["cache_read_input_tokens"] as? Int == first["cache_creation_input_tokens"] as? Int)
            #expect(second["cache_creation_input_tokens"] as? Int == 0)
            let uncached = try await mock.post(MockFixture.body("hi")).json["usage"] as? [String: Any]
            #expect(uncached?["cache_read_input_tokens"] as? Int == 0 && uncached?["cache_creation_input_tokens"] as? Int == 0)
        }
    }

    /// An input-token limit counts what is read anew and written to the cache,
    /// not what is read from it: caching a long prefix raises throughput.
    @Test func anInputTokenLimitCountsCacheWritesButNotReads() async throws {
        try await MockFixture.with(faults: "- inject: { rate_limit: { input_tokens_per_minute: 100000 } }", clock: ManualClock()) { mock in
            let body = #"{"model":"claude-opus-4-7","max_tokens":50,"system":[{"type":"text","text":"You are a careful analyst who writes SQL for the sales data set of a company that sells in four regions.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"QUESTION"}]}"#
            func post(_ question: String) async throws -> (usage: [String: Any], remaining: Int) {
                let reply = try await mock.post(body.replacingOccurrences(of: "QUESTION", with: question))
                return (reply.json["usage"] as? [String: Any] ?? [:], Int(reply.header("anthropic-ratelimit-input-tokens-remaining") ?? "") ?? -1)
            }
            let first = try await post("How many regions do we operate in?")
            let second = try await post("How many customers do we have?")
            let written = first.usage["cache_creation_input_tokens"] as? Int ?? 0
            #expect(written > 10 && second.usage["cache_read_input_tokens"] as? Int == written)
            #expect(100_000 - first.remaining == (first.usage["input_tokens"] as? Int ?? 0) + written, "the write counts")
            #expect(first.remaining - second.remaining == second.usage["input_tokens"] as? Int, "the read does not")
        }
    }
}
