import AnthropicAPI
import ChaosCore
import Scenario
import Testing
import Workload
@testable import Faults

@Suite struct FaultPlanTests {
    static func request(_ id: String, attempt: Int = 1, model: String = "claude-opus-4-7", stream: Bool = false, at now: Duration = .seconds(1), answer: PlannedAnswer = PlannedAnswer(kind: .generic, text: "one two three four five six")) -> FaultRequest {
        FaultRequest(
            facts: RequestFacts(endpoint: .messages, path: "/v1/messages", model: model, apiKey: "k", stream: stream, requestID: id, attempt: attempt, inputTokens: 10),
            answer: answer, now: now, clock: ManualClock()
        )
    }

    static func plan(_ yaml: String, seed: UInt64 = 1) throws -> FaultPlan {
        FaultPlan(seed: seed, faults: try FaultPlan.schedule(yaml: yaml, file: "t.yaml"))
    }

    @Test func decisionsDependOnlyOnSeedFaultRequestAndAttempt() async throws {
        let plan = try Self.plan("- { name: flaky, inject: { overloaded: {} }, probability: 0.5 }", seed: 9)
        let ids = (0..<2000).map { "r\($0)" }
        let sequential = ids.map { plan.decide(Self.request($0)).names }
        let concurrent = await withTaskGroup(of: (Int, [String]).self) { group in
            for (i, id) in ids.enumerated().reversed() { group.addTask { (i, plan.decide(Self.request(id)).names) } }
            var out = [[String]](repeating: [], count: ids.count)
            for await (i, names) in group { out[i] = names }
            return out
        }
        #expect(sequential == concurrent)
        let fired = sequential.filter { !$0.isEmpty }.count
        #expect((900...1100).contains(fired), "\(fired) of 2000 at p=0.5")
        let reseeded = try Self.plan("- { name: flaky, inject: { overloaded: {} }, probability: 0.5 }", seed: 10)
        #expect(ids.map { reseeded.decide(Self.request($0)).names } != sequential)
        let retried = ids.map { plan.decide(Self.request($0, attempt: 2)).names }
        #expect(retried != sequential, "the attempt number must take part in the decision")
    }

    @Test func aRampRaisesTheShareThatFires() throws {
        let plan = try Self.plan("- { name: ramp, at: 0s, for: 100s, ramp: 100s, inject: { overloaded: {} } }")
        func share(at t: Duration) -> Double {
            Double((0..<4000).filter { !plan.decide(Self.request("r\($0)", at: t)).names.isEmpty }.count) / 4000
        }
        #expect(abs(share(at: .seconds(25)) - 0.25) < 0.04)
        #expect(abs(share(at: .seconds(75)) - 0.75) < 0.04)
        #expect(share(at: .seconds(100)) == 0)
    }

    @Test func matchingSelectsModelsStreamsAndAttempts() throws {
        let plan = try Self.plan("""
            - { name: opus, match: { model: 'claude-opus-*', attempts: 1..2 }, inject: { overloaded: {} } }
            - { name: streams, match: { stream: true }, inject: { stream_error: {} } }
            """)
        #expect(plan.decide(Self.request("a")).names == ["opus"])
        #expect(plan.decide(Self.request("a", attempt: 3)).names == [])
        #expect(plan.decide(Self.request("a", model: "claude-sonnet-4-5")).names == [])
        #expect(plan.decide(Self.request("a", model: "claude-sonnet-4-5", stream: true)).names == ["streams"])
    }

    /// `match.input_tokens` picks requests by the size of their whole prompt.
    @Test(arguments: [("100..", [99: false, 100: true, 5_000_000: true]), ("..100", [0: true, 100: true, 101: false]),
                      ("10..20", [9: false, 15: true, 21: false]), ("[5, 7]", [5: true, 6: false, 7: true]), ("42", [42: true, 43: false])])
    func inputTokensSelectRequestsByTheirPromptsSize(_ range: String, _ cases: [Int: Bool]) throws {
        let plan = try Self.plan("- { match: { input_tokens: \(range) }, inject: { overloaded: {} } }")
        for (tokens, hit) in cases {
            var request = Self.request("a")
            request.facts.promptTokens = tokens
            #expect(plan.decide(request).names.isEmpty != hit, "\(tokens) tokens against \(range)")
        }
    }

    @Test(arguments: ["lots", "-5", "20..10", "1...", "[1, x]"])
    func anInputTokenRangeItCannotReadIsAProblemAtItsLine(_ range: String) {
        let error = #expect(throws: ConfigProblems.self) { try Self.plan("- name: big\n  match: { input_tokens: \(range) }\n  inject: overloaded") }
        let text = error?.all.map(\.description).joined(separator: "\n") ?? ""
        #expect(text.hasPrefix("t.yaml:2:") && text.contains("match.input_tokens"), "\(text)")
    }

    /// Prefill: a long prompt waits longer for its first token than a short one.
    @Test func latencyPerInputTokenGrowsWithThePrompt() throws {
        let plan = try Self.plan("- inject: { latency: { first_token: 1s, per_input_token: 20us } }")
        func firstToken(_ tokens: Int) -> Duration {
            var request = Self.request("a")
            request.facts.promptTokens = tokens
            return plan.decide(request).effect.delays.firstToken
        }
        #expect(firstToken(0) == .seconds(1))
        #expect(firstToken(100_000) == .seconds(3), "1 s and 100,000 × 20 µs")
    }

    @Test func latencyDistributionsSampleAsConfigured() throws {
        let plan = try Self.plan("- inject: { latency: { first_token: { normal: { mean: 2s, stddev: 200ms } }, per_token: { percentiles: { p50: 10ms, p99: 50ms } } } }")
        let draws = (0..<3000).map { plan.decide(Self.request("r\($0)")).effect.delays }
        let mean = draws.map(\.firstToken.seconds).reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 2) < 0.03)
        let perToken = draws.map(\.perToken).sorted()
        #expect(abs(perToken[1500].milliseconds - 10) < 1.5)
        #expect(perToken.last! <= .milliseconds(50))
        #expect(draws.allSatisfy { $0.firstToken >= .zero })
    }

    @Test func tokenBucketsCountOutputTokensAndRefill() throws {
        let plan = try Self.plan("- inject: { rate_limit: { output_tokens_per_minute: 60 } }")
        let answer = PlannedAnswer(kind: .generic, text: String(repeating: "word ", count: 30))
        #expect(answer.outputTokens == 30)
        #expect(plan.decide(Self.request("a", at: .zero, answer: answer)).effect.outcome == nil)
        #expect(plan.decide(Self.request("b", at: .zero, answer: answer)).effect.outcome == nil)
        guard case let .error(error)? = plan.decide(Self.request("c", at: .zero, answer: answer)).effect.outcome else {
            Issue.record("the third request should be refused"); return
        }
        #expect(error.status == 429)
        #expect(error.retryAfter == .seconds(30))
        #expect(plan.decide(Self.request("c", at: .seconds(30), answer: answer)).effect.outcome == nil)
        plan.resetState()
        #expect(plan.decide(Self.request("d", at: .seconds(30), answer: answer)).effect.outcome == nil)
    }

    /// A bucket charges the answer as the other faults shape it, whatever their
    /// order: here a fan-out listed after the bucket triples the output.
    @Test func tokenBucketsChargeTheAnswerAsTheOtherFaultsShapeIt() throws {
        let call = PlannedAnswer.toolCall("lookup", input: ["q": "one two three four five"], allowsParallelCalls: true)
        // Room for one answer of three calls, or for four of one call.
        let yaml = """
        - name: bucket
          inject: { rate_limit: { output_tokens_per_minute: \(call.outputTokens * 4) } }
        - name: fan-out
          inject: { parallel_tool_calls: { calls: 3 } }
        """
        var shaped: [Int?] = []
        let triple = { (effect: FaultEffect) -> PlannedAnswer in
            shaped.append(effect.toolCalls)
            var answer = call
            answer.moreCalls = Array(repeating: .init(name: "lookup", input: ["q": "one two three four five"]), count: (effect.toolCalls ?? 1) - 1)
            return answer
        }
        let plan = try Self.plan(yaml)
        let first = plan.decide(Self.request("a", at: .zero, answer: call), shape: triple)
        #expect(first.names == ["fan-out"] && first.effect.outcome == nil)
        #expect(shaped == [3], "the bucket saw the answer with three calls")
        let second = plan.decide(Self.request("b", at: .zero, answer: call), shape: triple)
        #expect(second.names == ["bucket", "fan-out"], "three calls twice do not fit")
        guard case let .error(error)? = second.effect.outcome else { Issue.record("the second request should be refused"); return }
        #expect(error.status == 429)
        // Without shaping, the bucket sees one call a time and both pass.
        let unshaped = try Self.plan(yaml)
        #expect(unshaped.decide(Self.request("a", at: .zero, answer: call)).effect.outcome == nil)
        #expect(unshaped.decide(Self.request("b", at: .zero, answer: call)).effect.outcome == nil)
        // With no fault that charges, the answer is not shaped for the plan.
        shaped = []
        _ = try Self.plan("- inject: { parallel_tool_calls: {} }").decide(Self.request("a", answer: call), shape: triple)
        #expect(shaped.isEmpty)
    }

    @Test func qualityModesRespectWhatTheyCanApplyTo() throws {
        let golden = GoldenQuestions.all[0]
        let sql = PlannedAnswer(kind: .golden(golden), text: AnswerText.sql(golden.sql))
        let prose = PlannedAnswer(kind: .generic, text: "Revenue grew.")
        #expect(QualityFault.degrade(prose, mode: .hallucinatedColumn, seed: 1) == nil)
        #expect(QualityFault.degrade(prose, mode: .judgeLies, seed: 1) == nil)
        #expect(QualityFault.degrade(sql, mode: .hallucinatedColumn, seed: 1)?.text.contains("total_revenue") == true)
        #expect(QualityFault.degrade(prose, mode: .refusal, seed: 1)?.stopReason == .refusal)
        let verdict = JudgeVerdict(verdict: .correct, score: 1, reason: "ok")
        let judged = QualityFault.degrade(PlannedAnswer(kind: .judge(verdict), text: verdict.json), mode: .judgeLies, seed: 1)
        #expect(judged?.text.contains("\"incorrect\"") == true)
    }

    @Test func aToolCallIsSpoiltAsAModelSpoilsOne() throws {
        let call = PlannedAnswer.toolCall("lookup", input: ["city": "Lisbon", "days": 3, "detail": "a long description of what to look up"])
        #expect(call.stopReason == .toolUse && call.toolName == "lookup")
        #expect(QualityFault.degrade(call, mode: .hallucinatedColumn, seed: 1) == nil)
        #expect(QualityFault.degrade(call, mode: .judgeLies, seed: 1) == nil)
        let empty = try #require(QualityFault.degrade(call, mode: .empty, seed: 1))
        #expect(empty.toolName == "lookup" && empty.toolInput == [:] && empty.stopReason == .toolUse)
        let cut = try #require(QualityFault.degrade(call, mode: .truncatedMaxTokens, seed: 1))
        #expect(cut.stopReason == .maxTokens && cut.toolName == "lookup")
        #expect(cut.toolInput == ["city": "Lisbon", "days": 3], "the description is cut through: \(cut.text)")
        for mode in [QualityFault.Mode.refusal, .offFormat, .gibberish] {
            let text = try #require(QualityFault.degrade(call, mode: mode, seed: 1))
            #expect(text.toolName == nil, "\(mode) still calls the tool")
            #expect(text.stopReason == (mode == .refusal ? .refusal : .endTurn))
            #expect(text.kindLabel == "tool_call:lookup")
        }
    }
}
