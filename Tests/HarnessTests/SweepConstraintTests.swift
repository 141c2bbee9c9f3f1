import ChaosCore
import Faults
@testable import Harness
import Results
import Testing

/// How full each bucket ran, from a hand-written RunLog: under a published tier the
/// bucket is the model family's, so Opus 4.7 and 4.1 count together.
@Suite struct SweepConstraintTests {
    func call(_ n: Int, _ model: String, refused: Bool = false, input: Int = 100, output: Int = 50) -> UpstreamAttempt {
        UpstreamAttempt(sequence: n, at: .seconds(Double(n)), path: "/v1/messages", model: model, provider: "anthropic",
                        requestID: "r\(n)", attempt: 1, correlation: "header", stream: false,
                        faults: refused ? ["tier-1"] : [], status: refused ? 429 : 200, ending: refused ? "error" : "complete",
                        latency: .milliseconds(10), inputTokens: refused ? 0 : input, outputTokens: refused ? 0 : output, responseID: "req_\(n)")
    }

    @Test func aTierCountsAModelFamilyAsOneBucket() throws {
        let faults = try FaultPlan.schedule(yaml: "- name: tier-1\n  inject: { rate_limit: { tier: tier-1, requests_per_minute: 10 } }", file: "t.yaml")
        var log = RunLog(info: RunInfo(runID: "t", scenario: "t", duration: .seconds(60)))
        log.attempts = (1...5).map { call($0, "claude-opus-4-7") } + (6...8).map { call($0, "claude-opus-4-1") }
            + [call(9, "claude-opus-4-7", refused: true), call(10, "claude-opus-4-1", refused: true)]
            + (11...14).map { call($0, "claude-sonnet-4-6") }
        let uses = SweepRunner.constraints(FaultPlan(seed: 1, faults: faults), log)
        // Sonnet's bucket refused nothing: only the family that hit its wall is listed.
        #expect(uses.map(\.name) == ["requests per minute on claude-opus-4", "input tokens per minute on claude-opus-4",
                                     "output tokens per minute on claude-opus-4"])
        #expect(uses[0] == ConstraintUse(name: "requests per minute on claude-opus-4", limit: 10, admitted: 8, capacity: 20, refused: 2))
        #expect(uses[1].limit == 30_000 && uses[1].admitted == 800, "the tier's input limit, the override touched only requests")
        #expect(uses[2].limit == 8_000 && uses[2].admitted == 400)
    }
}
