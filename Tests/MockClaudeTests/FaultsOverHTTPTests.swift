import AnthropicAPI
import ChaosCore
import Foundation
import Synchronization
import Testing
import Workload
@testable import MockClaude

@Suite("Every fault over loopback HTTP")
struct FaultsOverHTTPTests {
    @Test(arguments: [(503, "api_error", "true"), (500, "api_error", "true"), (504, "timeout_error", "true"), (400, "invalid_request_error", "false"), (403, "permission_error", "false"),
                       (401, "authentication_error", "false"), (402, "billing_error", "false"), (404, "not_found_error", "false"),
                       (413, "request_too_large", "false"), (429, "rate_limit_error", "true"), (502, "api_error", "true"), (529, "overloaded_error", "true")])
    func statusSendsTheEnvelopeAndRetryAdvice(code: Int, type: String, shouldRetry: String) async throws {
        try await MockFixture.with(faults: "- name: broken\n  inject: { status: \(code) }") { mock in
            let reply = try await mock.post(MockFixture.body("hi"))
            #expect(reply.status == code)
            #expect(reply.errorType == type)
            #expect(reply.header("x-should-retry") == shouldRetry)
            #expect(reply.header("x-llmchaos-faults") == "broken")
            #expect(reply.json["request_id"] as? String == reply.header("request-id"))
        }
    }

    @Test func overloadedIsA529OnlyForTheMatchedModel() async throws {
        try await MockFixture.with(faults: "- inject: { overloaded: {} }\n  match: { model: claude-opus-* }") { mock in
            let opus = try await mock.post(MockFixture.body("hi", model: "claude-opus-4-7"))
            #expect(opus.status == 529)
            #expect(opus.errorType == "overloaded_error")
            let sonnet = try await mock.post(MockFixture.body("hi", model: "claude-sonnet-4-5"))
            #expect(sonnet.status == 200)
        }
    }

    @Test func aRateLimitByChanceSendsRetryAfterAndTheTwelveHeaders() async throws {
        try await MockFixture.with(faults: "- inject: { rate_limit: { retry_after: 3s } }") { mock in
            let reply = try await mock.post(MockFixture.body("hi"))
            #expect(reply.status == 429)
            #expect(reply.errorType == "rate_limit_error")
            #expect(reply.header("retry-after") == "3")
            let names = reply.headers.map(\.name).filter { $0.hasPrefix("anthropic-ratelimit-") }
            #expect(Set(names).count == 12)
            #expect(reply.header("anthropic-ratelimit-requests-remaining") == "0")
            let reset = try #require(reply.header("anthropic-ratelimit-requests-reset"))
            #expect(try Date(reset, strategy: .iso8601) > Date(timeIntervalSince1970: 0))
        }
    }

    @Test func tokenBucketsRefuseTheFourthRequestAndRefillInScenarioTime() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: "- inject: { rate_limit: { requests_per_minute: 3 } }", clock: clock) { mock in
            for _ in 1...3 {
                let ok = try await mock.post(MockFixture.body("hi"))
                #expect(ok.status == 200)
                #expect(ok.header("anthropic-ratelimit-requests-limit") == "3")
            }
            let refused = try await mock.post(MockFixture.body("hi"))
            #expect(refused.status == 429)
            #expect(refused.header("retry-after") == "20")
            #expect(refused.header("anthropic-ratelimit-requests-remaining") == "0")
            let message = (refused.json["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("3 requests per minute"))
            // Another key has its own bucket.
            let other = try await mock.post(MockFixture.body("hi"), headers: [("x-api-key", "sk-other")])
            #expect(other.status == 200)
            clock.advance(by: .seconds(20))
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
            let entries = try await mock.journalEntries()
            #expect(entries.filter { $0.status == 429 }.map(\.retryAfter) == [.seconds(20)])
        }
    }

    @Test func aPublishedTierPoolsAModelFamilyIntoOneBucket() async throws {
        // Tier 1 from mocks/rate-limit-tiers.yaml, its requests cut to 3 a minute so
        // the wall is near: Opus 4.7 and 4.1 draw from one Opus bucket, Sonnet from
        // its own; the tier's token limits stay in the headers.
        try await MockFixture.with(faults: "- inject: { rate_limit: { tier: tier-1, requests_per_minute: 3 } }", clock: ManualClock()) { mock in
            for model in ["claude-opus-4-7", "claude-opus-4-1", "claude-opus-4-7"] {
                let ok = try await mock.post(MockFixture.body("hi", model: model))
                #expect(ok.status == 200)
                #expect(ok.header("anthropic-ratelimit-requests-limit") == "3")
                #expect(ok.header("anthropic-ratelimit-input-tokens-limit") == "30000")
                #expect(ok.header("anthropic-ratelimit-output-tokens-limit") == "8000")
            }
            #expect(try await mock.post(MockFixture.body("hi", model: "claude-opus-4-1")).status == 429)
            #expect(try await mock.post(MockFixture.body("hi", model: "claude-sonnet-4-5")).status == 200)
            // A model outside the tier's families is not limited by it.
            let other = try await mock.post(MockFixture.body("hi", model: "claude-3-haiku-20240307"))
            #expect(other.status == 200)
            #expect(other.header("anthropic-ratelimit-requests-limit") == nil)
        }
    }

    @Test func latencyDelaysTheAnswerByExactlyItsScenarioTime() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: "- inject: { latency: { before_headers: 1s, first_token: 2s, per_token: 10ms } }", clock: clock) { mock in
            let reply = Task { try await mock.post(MockFixture.body("How many regions do we operate in?")) }
            await clock.sleepers(atLeast: 1)
            let tokens = Tokenizer.claude47.count(AnswerText.sql(GoldenQuestions.all.first { $0.id == "region-count" }!.sql))
            clock.advance(by: .seconds(3) + .milliseconds(10 * tokens))
            #expect(try await reply.value.status == 200)
            let entry = try #require(try await mock.journalEntries().first)
            #expect(entry.latency == .seconds(3) + .milliseconds(10 * tokens))
            #expect(entry.faultKinds == ["latency"])
        }
    }

    /// Events are written together when no delay separates them, but never held
    /// back across one: the stream's opening events arrive while the first token
    /// is still being waited for.
    @Test func aStreamsOpeningArrivesBeforeItsFirstTokenDelayEnds() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: "- inject: { latency: { first_token: 2s } }", clock: clock) { mock in
            let seen = Mutex("")
            let body = MockFixture.body("How many regions do we operate in?", stream: true)
            let raw = Task {
                try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: body, headers: MockFixture.apiKey) { text in
                    seen.withLock { $0 = text }
                }
            }
            await clock.sleepers(atLeast: 1)
            let deadline = ContinuousClock.now + .seconds(10)
            while !seen.withLock({ $0.contains("event: ping") }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            let before = seen.withLock { $0 }
            #expect(before.contains("event: message_start") && before.contains("event: content_block_start"), "\(before)")
            #expect(!before.contains("content_block_delta"), "a token left before its delay ended")
            clock.advance(by: .seconds(2))
            let result = try await raw.value
            #expect(result.count("event: content_block_delta") >= 1)
            #expect(result.count("event: message_stop") == 1)
        }
    }

    @Test func aTimeoutHangsUntilItsCapThenSends504() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: "- inject: { timeout: { cap: 5m } }", clock: clock) { mock in
            let reply = Task { try await mock.post(MockFixture.body("hi")) }
            await clock.sleepers(atLeast: 1)
            clock.advance(by: .seconds(299))
            #expect(try await mock.journalEntries().isEmpty)
            clock.advance(by: .seconds(1))
            let result = try await reply.value
            #expect(result.status == 504)
            #expect(result.errorType == "timeout_error")
            #expect(try await mock.journalEntries().map(\.ending) == ["hung"])
        }
    }

    @Test func aStallStopsTheStreamThenDropsTheConnectionAtItsCap() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: "- inject: { stall: { after_deltas: 2, cap: 1m } }", clock: clock) { mock in
            let body = MockFixture.body("Tell me about the quarter.", stream: true)
            let raw = Task { try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: body, headers: MockFixture.apiKey) }
            await clock.sleepers(atLeast: 1)
            clock.advance(by: .seconds(60))
            let result = try await raw.value
            #expect(result.count("event: content_block_delta") == 2)
            #expect(result.count("event: ping") == 1, "a stalled stream sends no pings")
            #expect(result.count("event: message_stop") == 0)
            #expect(!result.bytes.hasSuffix("0\r\n\r\n"), "the chunked body must not be terminated")
            #expect(try await mock.journalEntries().map(\.ending) == ["stalled"])
        }
    }

    @Test(arguments: [("close", "disconnected"), ("reset", "reset")])
    func aDisconnectCutsTheStreamMidAnswer(mode: String, ending: String) async throws {
        try await MockFixture.with(faults: "- inject: { disconnect: { after_deltas: 3, mode: \(mode) } }") { mock in
            let body = MockFixture.body("Tell me about the quarter.", stream: true)
            let raw = try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: body, headers: MockFixture.apiKey)
            let deltas = raw.count("event: content_block_delta")
            // A FIN delivers everything sent before it; an RST lets the client's kernel
            // drop what it had not read yet, so after a reset fewer may arrive.
            if mode == "close" {
                #expect(deltas == 3)
                #expect(raw.error == nil, "a FIN is a clean close at the TCP level")
                #expect(!raw.bytes.hasSuffix("0\r\n\r\n"), "the chunked body must not be terminated")
            } else {
                #expect(deltas <= 3)
                let error = try #require(raw.error)
                #expect("\(error)".lowercased().contains("reset"), "got \(error)")
            }
            #expect(raw.count("event: message_stop") == 0)
            // An HTTP client sees a broken body either way.
            let result = try await mock.stream(body)
            #expect(result.error != nil)
            #expect(try await mock.journalEntries().map(\.ending) == [ending, ending])
        }
    }

    @Test func aDisconnectBeforeAnyByteLeavesTheClientWithNoResponse() async throws {
        try await MockFixture.with(faults: "- inject: { disconnect: { after_deltas: 0 } }") { mock in
            await #expect(throws: (any Error).self) { try await mock.post(MockFixture.body("hi")) }
        }
    }

    @Test func aStreamErrorIsAnErrorEventInsideA200() async throws {
        try await MockFixture.with(faults: "- inject: { stream_error: { after_deltas: 2 } }") { mock in
            let result = try await mock.stream(MockFixture.body("Tell me about the quarter.", stream: true))
            #expect(result.status == 200)
            #expect(result.error == nil)
            #expect(result.names.last == "error")
            #expect(result.names.filter { $0 == "content_block_delta" }.count == 2)
            let error = result.data(of: "error")
            #expect((error["error"] as? [String: Any])?["type"] as? String == "overloaded_error")
            // Not a streaming request: the fault does not apply.
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
            #expect(try await mock.journalEntries().map(\.ending) == ["stream_error", "complete"])
        }
    }

    @Test func truncateEndsCleanlyButEarly() async throws {
        try await MockFixture.with(faults: "- inject: { truncate: { after: 50% } }") { mock in
            let stream = try await mock.stream(MockFixture.body("Tell me about the quarter.", stream: true))
            #expect(stream.error == nil)
            #expect(!stream.names.contains("message_stop"))
            #expect(stream.names.contains("content_block_delta"))
            let json = try await mock.post(MockFixture.body("Tell me about the quarter."))
            #expect(json.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: Data(json.body.utf8))) == nil)
            #expect(json.body.hasPrefix("{"))
        }
    }

    @Test(arguments: ["hallucinated_table", "hallucinated_column", "wrong_filter", "wrong_aggregation", "syntax_error"])
    func sqlQualityModesAnswerWithWrongSQLAnd200(mode: String) async throws {
        let question = GoldenQuestions.all.first { $0.id == "revenue-by-category" }!
        try await MockFixture.with(faults: "- inject: { quality: { mode: \(mode) } }") { mock in
            let reply = try await mock.post(MockFixture.body(question.question))
            #expect(reply.status == 200)
            let sql = try #require(SQLExtractor.extract(from: reply.text))
            #expect(sql != question.sql)
            let grade = await ExecutionGrader(dataset: MockFixture.dataset).grade(sql, against: question)
            #expect(!grade.isCorrect)
            let entry = try #require(try await mock.journalEntries().first)
            #expect(entry.quality == mode)
            #expect(entry.status == 200)
        }
    }

    @Test func proseQualityModesChangeTheAnswerAsNamed() async throws {
        try await MockFixture.with(faults: """
            - { name: refuse, inject: { quality: { mode: refusal } }, match: { header: { x-case: refusal } } }
            - { name: nothing, inject: { quality: { mode: empty } }, match: { header: { x-case: empty } } }
            - { name: cut, inject: { quality: { mode: truncated_max_tokens } }, match: { header: { x-case: cut } } }
            - { name: chatty, inject: { quality: { mode: off_format } }, match: { header: { x-case: chatty } } }
            - { name: babble, inject: { quality: { mode: gibberish } }, match: { header: { x-case: babble } } }
            """) { mock in
            func ask(_ mode: String) async throws -> MockFixture.Reply {
                try await mock.post(MockFixture.body("What is the total revenue across all sales?"), headers: MockFixture.apiKey + [("x-case", mode)])
            }
            let honest = try await ask("none")
            let refusal = try await ask("refusal")
            #expect(refusal.json["stop_reason"] as? String == "refusal")
            #expect(try await ask("empty").text == "")
            let cut = try await ask("cut")
            #expect(cut.json["stop_reason"] as? String == "max_tokens")
            #expect(honest.text.hasPrefix(cut.text) && cut.text.count < honest.text.count)
            let chatty = try await ask("chatty").text
            #expect(!chatty.contains("```") && chatty.contains("SELECT SUM(revenue)"))
            let babble = try await ask("babble").text
            #expect(SQLExtractor.extract(from: babble) == nil && !babble.isEmpty)
        }
    }

    /// An empty answer is no block at all, as the API sends an immediate end of
    /// turn (`content: []`, on which an app's `content[0].text` fails), or the
    /// thinking alone; streamed, no text block begins.
    @Test(arguments: [true, false])
    func anEmptyAnswerHasNoTextBlock(fastPath: Bool) async throws {
        func body(thinking: Bool, stream: Bool) -> String {
            var object: [String: Any] = ["model": "claude-sonnet-4-5", "max_tokens": 2048, "stream": stream,
                                         "messages": [["role": "user", "content": "What is the total revenue across all sales?"]]]
            if thinking { object["thinking"] = ["type": "enabled", "budget_tokens": 1024] }
            return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        try await MockFixture.with(faults: "- { name: nothing, inject: { quality: { mode: empty } } }", configure: { $0.fastPath = fastPath }) { mock in
            let plain = try await mock.post(body(thinking: false, stream: false))
            #expect(plain.status == 200 && (plain.json["content"] as? [Any])?.isEmpty == true, "\(plain.body)")
            #expect(plain.json["stop_reason"] as? String == "end_turn")
            let streamed = try await mock.stream(body(thinking: false, stream: true))
            #expect(streamed.names == ["message_start", "ping", "message_delta", "message_stop"])
            let thought = try await mock.post(body(thinking: true, stream: false))
            #expect((thought.json["content"] as? [[String: Any]])?.map { $0["type"] as? String } == ["thinking"], "\(thought.body)")
            let thoughtStream = try await mock.stream(body(thinking: true, stream: true))
            #expect(thoughtStream.names.filter { $0 == "content_block_start" }.count == 1, "only the thinking's: \(thoughtStream.names)")
            #expect(thoughtStream.names.filter { $0 == "content_block_stop" }.count == 1, "\(thoughtStream.names)")
            let signature = thoughtStream.events.filter { $0.name == "content_block_delta" && $0.data.contains("signature_delta") }
            #expect(signature.count == 1, "the thinking is signed although no block follows it")
            #expect(thoughtStream.names.suffix(2) == ["message_delta", "message_stop"])
        }
    }

    @Test func theJudgeGradesFromGroundTruthUnlessItIsMadeToLie() async throws {
        let question = GoldenQuestions.all.first { $0.id == "top-products" }!
        let wrong = SQLDegradation.wrongAggregation.apply(to: question.sql)
        func judge(_ sql: String) -> String {
            MockFixture.body("[llmchaos:judge] Does the SQL answer the question?\n<question>\(question.question)</question>\n<sql>\(sql)</sql>")
        }
        func verdict(_ reply: MockFixture.Reply) throws -> JudgeVerdict {
            try JSONDecoder().decode(JudgeVerdict.self, from: Data(reply.text.utf8))
        }
        try await MockFixture.with(faults: "- inject: { quality: { mode: judge_lies } }\n  match: { header: { x-liar: 'yes' } }") { mock in
            #expect(try verdict(await mock.post(judge(question.sql))).verdict == .correct)
            #expect(try verdict(await mock.post(judge(wrong))).verdict == .incorrect)
            let lie = try await mock.post(judge(question.sql), headers: MockFixture.apiKey + [("x-liar", "yes")])
            #expect(try verdict(lie).verdict == .incorrect)
            let unknown = try await mock.post(MockFixture.body("[llmchaos:judge] <question>What is love?</question><sql>SELECT 1</sql>"))
            #expect(try verdict(unknown).verdict == .unknown)
        }
    }

    @Test func aConfiguredPatternAlsoMarksJudgeCalls() async throws {
        try await MockFixture.with(configure: { $0.judgePattern = "You are a strict grader" }) { mock in
            let question = GoldenQuestions.all[0]
            let reply = try await mock.post(MockFixture.body("<question>\(question.question)</question><sql>\(question.sql)</sql>", system: "You are a strict grader."))
            #expect(reply.text.contains("\"verdict\":\"correct\""))
        }
    }

    @Test func overlappingFaultsFollowTheStatedRule() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: """
            - { name: slow, inject: { latency: { before_headers: 2s } } }
            - { name: first-error, inject: { overloaded: {} } }
            - { name: second-error, inject: { status: 500 } }
            - { name: also-slow, inject: { latency: { before_headers: 1s } } }
            """, clock: clock) { mock in
            let reply = Task { try await mock.post(MockFixture.body("hi")) }
            await clock.sleepers(atLeast: 1)
            clock.advance(by: .seconds(3))
            #expect(try await reply.value.status == 529)
            let entry = try #require(try await mock.journalEntries().first)
            #expect(entry.faults == ["slow", "first-error", "also-slow"])
            #expect(entry.latency == .seconds(3))
        }
    }
}

extension FaultsOverHTTPTests {
    @Test func faultsMatchedToTheModelsPathApplyThere() async throws {
        try await MockFixture.with(faults: "- inject: { status: 503 }\n  match: { path: '/v1/models*' }") { mock in
            let models = try await mock.request(.GET, "/v1/models")
            #expect(models.status == 503)
            #expect(models.errorType == "api_error")
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
        }
    }
}

extension FaultsOverHTTPTests {
    /// A replayed trace over HTTP: the minute of 529s answers with the API's
    /// overloaded envelope, the slow minute after it delays the answer by its p50.
    @Test func aReplayedTracePlaysItsRowsInScenarioTime() async throws {
        let trace = NSTemporaryDirectory() + "llmchaos-trace-\(UUID().uuidString).csv"
        try "at,529,p50\n0s,100%,0ms\n1m,0,2s\n".write(toFile: trace, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let clock = ManualClock()
        try await MockFixture.with(faults: "- { name: nov-4, inject: { replay: { trace: \(trace) } } }", clock: clock) { mock in
            let overloaded = try await mock.post(MockFixture.body("hi"))
            #expect(overloaded.status == 529 && overloaded.errorType == "overloaded_error")
            #expect(overloaded.header("x-llmchaos-faults") == "nov-4")
            clock.advance(by: .seconds(60))
            let slow = Task { try await mock.post(MockFixture.body("hi")) }
            await clock.sleepers(atLeast: 1)
            clock.advance(by: .seconds(2))
            #expect(try await slow.value.status == 200)
            clock.advance(by: .seconds(60))
            #expect(try await mock.post(MockFixture.body("hi")).header("x-llmchaos-faults") == nil, "the trace is over")
            let entries = try await mock.journalEntries()
            #expect(entries.map(\.status) == [529, 200, 200])
            #expect(entries.map(\.faultKinds) == [["replay"], ["replay"], []])
            #expect(entries[1].latency == .seconds(2))
        }
    }
}
