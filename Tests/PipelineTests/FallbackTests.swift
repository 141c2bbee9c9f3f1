import AnthropicAPI
import ChaosCore
import Testing
import TestSupport
import Workload
@testable import Pipeline

@Suite("Tiered fallback against the mock over loopback")
struct FallbackTests {
    let q = PipelineFixture.question("revenue-by-region")

    /// A refused connection is an outage the pipeline must see at once, to retry
    /// with its own backoff and fall back; the HTTP client retrying it unseen until
    /// the deadline made every attempt a timeout. (The call's 5 s is shorter than
    /// the client's own 10 s connect timeout, so a regression shows as a timeout.)
    @Test func aDownUpstreamIsAConnectionFailureAtOnceNotATimeout() async throws {
        let port = ExternalTool.freeLoopbackPort()
        let client = ModelClient(baseURL: "http://127.0.0.1:\(port)", apiKey: "k", clock: ScaledClock(timeScale: 1))
        let request = MessagesRequest(model: "claude-opus-4-7", maxTokens: 10, messages: [Message(role: .user, text: "hi")])
        let result = await client.send(request, requestID: "down-1", attempt: 1, timeout: .seconds(5))
        #expect(result == .failure(.connection("connection refused (nothing listens there)")))
    }

    @Test func aHealthyPrimaryServesTheRightSQL() async throws {
        try await PipelineFixture.with { pipeline, mock in
            let outcome = await pipeline.answer(question: q.question, requestID: "r1")
            #expect(outcome.servedBy == "claude-opus-4-7")
            #expect(!outcome.degraded)
            #expect(outcome.failures.isEmpty)
            #expect(await ExecutionGrader(dataset: PipelineFixture.dataset).grade(outcome.sql ?? "", against: q) == .correct)
            #expect(mock.server.journal.entries().map(\.requestID) == ["r1"])
        }
    }

    @Test func opus529EndsOnSonnetAfterTheAllowedRetries() async throws {
        try await PipelineFixture.with(faults: "- inject: { overloaded: {} }\n  match: { model: claude-opus-4-7 }") { pipeline, mock in
            let outcome = await pipeline.answer(question: q.question, requestID: "r2")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.failures == [TierFailure(tier: "claude-opus-4-7", reason: "529 overloaded_error", attempts: 3)])
            let entries = mock.server.journal.entries()
            #expect(entries.map(\.model) == ["claude-opus-4-7", "claude-opus-4-7", "claude-opus-4-7", "claude-sonnet-4-6"])
            #expect(entries.map(\.attempt) == [1, 2, 3, 4])
            #expect(entries.allSatisfy { $0.requestID == "r2" && $0.correlation == "header" })
        }
    }

    @Test func aPermanentErrorIsNeverRetried() async throws {
        try await PipelineFixture.with(faults: "- inject: { status: 400 }\n  match: { model: claude-opus-4-7 }") { pipeline, mock in
            let outcome = await pipeline.answer(question: q.question, requestID: "r3")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.failures.first?.attempts == 1)
            #expect(mock.server.journal.entries().filter { $0.model == "claude-opus-4-7" }.count == 1)
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await PipelineFixture.with(faults: "- inject: { rate_limit: { retry_after: 20s } }\n  match: { attempts: 1 }") { pipeline, mock in
            let outcome = await pipeline.answer(question: q.question, requestID: "r4")
            #expect(outcome.servedBy == "claude-opus-4-7")
            let entries = mock.server.journal.entries()
            #expect(entries.map(\.status) == [429, 200])
            // Real-second rounding at scale 200 gives at least the 20s asked for.
            #expect(entries[1].at - entries[0].at >= .seconds(20))
        }
    }

    @Test func timeToFirstTokenCountsTheRetryBeforeTheStreamThatServed() async throws {
        // A 429 asking for 5s, then a stream whose first token takes 3s and each next
        // one 200ms: the user's first word comes 8s after the question, not 3s.
        try await PipelineFixture.with(
            faults: """
            - inject: { rate_limit: { retry_after: 5s } }
              match: { attempts: 1 }
            - inject: { latency: { first_token: 3s, per_token: 200ms } }
            """, timeScale: 10,
            configure: { $0.tiers = PipelineFixture.relaxed([.model(.init(model: "claude-opus-4-7", stream: true)), .degraded]) }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "r4s")
            #expect(outcome.servedBy == "claude-opus-4-7")
            // Lower bounds and relations only: a loaded machine stretches every
            // real interval, and at scale 10 a stall of 0.1s reads as 1s.
            let ttft = try #require(outcome.timeToFirstToken)
            #expect(ttft >= .seconds(8), "\(ttft)")
            #expect(outcome.latency - ttft >= .seconds(1), "the rest of the stream comes after the first token, 200ms a token")
            let itl = try #require(outcome.interTokenLatency)
            #expect(itl >= .milliseconds(100), "\(itl)")
        }
        try await PipelineFixture.with { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "r4j")
            #expect(outcome.servedBy == "claude-opus-4-7")
            #expect(outcome.timeToFirstToken == nil, "a JSON answer has no first token")
        }
    }

    @Test func aMidStreamErrorFallsBackInsteadOfPassingForSuccess() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { stream_error: { after_deltas: 2 } }\n  match: { model: claude-opus-4-7 }",
            configure: { $0.tiers = PipelineFixture.relaxed([.model(.init(model: "claude-opus-4-7", stream: true)), .model(.init(model: "claude-sonnet-4-6", stream: true)), .degraded]) }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "r5")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.failures.first?.reason == "stream error overloaded_error")
            #expect(outcome.failures.first?.attempts == 3)
        }
    }

    @Test func hallucinatedColumnSQLIsRejectedByValidation() async throws {
        try await PipelineFixture.with(faults: "- inject: { quality: { mode: hallucinated_column } }\n  match: { model: claude-opus-4-7 }") { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "r6")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            let failure = try #require(outcome.failures.first)
            #expect(failure.reason.hasPrefix("invalid SQL: no such column"))
            #expect(failure.attempts == 1)
        }
    }

    @Test func bothModelsDownServesTheCacheThenHonestlyNothing() async throws {
        try await PipelineFixture.with(configure: { $0.retry.maxAttempts = 1 }) { pipeline, mock in
            let fresh = await pipeline.answer(question: q.question, requestID: "warm")
            #expect(fresh.servedBy == "claude-opus-4-7")
            try mock.addFaults(yaml: "- { name: all-down, inject: { overloaded: {} } }")
            let cached = await pipeline.answer(question: q.question, requestID: "cached")
            #expect(cached.servedBy == "cache")
            #expect(cached.degraded)
            #expect(cached.sql == fresh.sql)
            #expect(cached.warnings.first?.hasPrefix("served from cache") == true)
            let other = PipelineFixture.question("customer-count")
            let nothing = await pipeline.answer(question: other.question, requestID: "cold")
            #expect(nothing.servedBy == "degraded")
            #expect(nothing.sql == nil)
            #expect(nothing.warnings.first?.hasPrefix("temporarily unavailable") == true)
            #expect(nothing.failures.map(\.tier) == ["claude-opus-4-7", "claude-sonnet-4-6", "cache"])
        }
    }

    @Test func anOpenCircuitStopsCallingTheFailingModel() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { status: 503 }\n  match: { model: claude-opus-4-7 }",
            configure: { $0.retry.maxAttempts = 1; $0.breakerThreshold = 3; $0.breakerCoolDown = .seconds(3600) }
        ) { pipeline, mock in
            for i in 0..<6 { _ = await pipeline.answer(question: q.question, requestID: "b\(i)") }
            #expect(mock.server.journal.entries().filter { $0.model == "claude-opus-4-7" }.count == 3)
            #expect(pipeline.breaker(for: "claude-opus-4-7")?.state == "open")
            let last = await pipeline.answer(question: q.question, requestID: "b6")
            #expect(last.failures.first == TierFailure(tier: "claude-opus-4-7", reason: "circuit open", attempts: 0))
            #expect(last.servedBy == "claude-sonnet-4-6")
        }
    }

    // Tests about time limits run at a low time scale: a machine busy with other
    // suites can stall a second of real time, which must not pass for minutes.
    @Test func aTimeoutInScenarioTimeFailsTheTier() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { latency: { first_token: 2m } }\n  match: { model: claude-opus-4-7 }", timeScale: 5,
            configure: { $0.retry.maxAttempts = 1; $0.tiers = [.model(.init(model: "claude-opus-4-7", timeout: .seconds(10))), .model(.init(model: "claude-sonnet-4-6", timeout: .seconds(600))), .degraded] }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "t1")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.failures.first?.reason == "no answer within 10s")
            #expect(outcome.latency < .seconds(120), "it must not have waited for the 2m answer")
        }
    }

    @Test func aSlowStreamOverTheLatencyBudgetFallsBackWithoutRetrying() async throws {
        // 2s per token streams for minutes; the 10-minute timeout would wait it out
        // three times. The 8s budget ends the tier after one attempt.
        try await PipelineFixture.with(
            faults: "- inject: { latency: { per_token: 2s } }\n  match: { model: claude-opus-4-7 }", timeScale: 5,
            configure: {
                $0.tiers = [.model(.init(model: "claude-opus-4-7", timeout: .seconds(600), stream: true, latencyBudget: .seconds(8))),
                            .model(.init(model: "claude-sonnet-4-6", timeout: .seconds(600), stream: true)), .degraded]
            }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "b1")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.failures == [TierFailure(tier: "claude-opus-4-7", reason: "over the latency budget of 8s", attempts: 1)])
            // The cut-off stream reaches the journal only when the mock notices; the
            // pipeline's own count says one Opus call and one Sonnet call.
            #expect(outcome.upstreamAttempts == 2)
            #expect(outcome.latency < .seconds(60))
        }
    }

    @Test func noRetryWhoseWaitWouldPassTheLatencyBudget() async throws {
        // Waits of 4s then 8s (no jitter): the second would end past the 10s budget.
        // Time scale 1 leaves the second call 6 real seconds before the budget ends
        // it for another reason; at scale 2 a loaded CI machine used up its 2.
        try await PipelineFixture.with(
            faults: "- inject: { overloaded: {} }\n  match: { model: claude-opus-4-7 }", timeScale: 1,
            configure: {
                $0.retry = RetryPolicy(maxAttempts: 5, base: .seconds(4), cap: .seconds(30), jitter: .none)
                $0.tiers = [.model(.init(model: "claude-opus-4-7", timeout: .seconds(600), latencyBudget: .seconds(10))),
                            .model(.init(model: "claude-sonnet-4-6", timeout: .seconds(600))), .degraded]
            }
        ) { pipeline, mock in
            let outcome = await pipeline.answer(question: q.question, requestID: "b2")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            // Two attempts normally; one if the machine stalled the first call past
            // 6s. Never the five max_attempts allows.
            let failure = try #require(outcome.failures.first)
            #expect(failure.reason == "529 overloaded_error; no retry: the wait would pass the latency budget of 10s")
            #expect((1...2).contains(failure.attempts))
            #expect(mock.server.journal.entries().filter { $0.model == "claude-opus-4-7" }.count == failure.attempts)
        }
    }
}
