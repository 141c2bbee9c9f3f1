import ChaosCore
import Results
import Testing
import Verdicts

/// A level's numbers from a hand-written RunLog, and the knee from hand-made levels.
@Suite struct SweepLevelTests {
    func attempt(_ n: Int, _ request: String, status: Int) -> UpstreamAttempt {
        UpstreamAttempt(sequence: n, at: .seconds(Double(n)), path: "/v1/messages", model: "claude-opus-4-7", provider: "anthropic",
                        requestID: request, attempt: 1, correlation: "header", stream: false, status: status,
                        ending: status == 200 ? "complete" : "error", latency: .milliseconds(10), responseID: "req_\(n)")
    }

    /// Over 10 s: a fast right answer, a slow one, a wrong one, one from the cache,
    /// and an error. Only the first is good with a 5 s bound.
    @Test func goodputCountsFreshRightAnswersWithinTheBound() {
        var log = RunLog(info: RunInfo(runID: "s/knee@1rps", scenario: "knee@1rps", duration: .seconds(10)))
        log.requests = [
            RequestRecord(index: 0, requestID: "a", scheduled: .seconds(0), finished: .seconds(1), outcome: .ok, servedBy: "claude-opus-4-7", grade: .right, cost: 0.01),
            RequestRecord(index: 1, requestID: "b", scheduled: .seconds(1), finished: .seconds(8), outcome: .ok, servedBy: "claude-opus-4-7", grade: .right, cost: 0.01),
            RequestRecord(index: 2, requestID: "c", scheduled: .seconds(2), finished: .seconds(3), outcome: .ok, servedBy: "claude-sonnet-4-5", grade: .wrong, cost: 0.01),
            RequestRecord(index: 3, requestID: "d", scheduled: .seconds(3), finished: .seconds(4), outcome: .degraded, servedBy: "cache", grade: .right),
            RequestRecord(index: 4, requestID: "e", scheduled: .seconds(4), finished: .seconds(5), outcome: .error, status: 502),
        ]
        log.attempts = [attempt(1, "a", status: 200), attempt(2, "b", status: 429), attempt(3, "b", status: 200),
                        attempt(4, "c", status: 529), attempt(5, "c", status: 200), attempt(6, "e", status: 529)]
        let level = SweepLevel(label: "1/s", value: 1, result: ScenarioResult(log: log, verdicts: []), latencyBound: .seconds(5), constraints: [])
        #expect(level.goodput == 0.1)
        #expect(level.throughput == 0.4, "every answer but the error")
        #expect(level.errorRate == 0.2)
        #expect(level.rateLimitedShare == 1.0 / 6)
        #expect(level.overloadedShare == 2.0 / 6)
        #expect(level.retryAmplification == 6.0 / 5)
        #expect(level.costPerAnswer == 0.03 / 4)
        #expect(level.tierShares["cache"] == 0.2)
        let unbounded = SweepLevel(label: "1/s", value: 1, result: ScenarioResult(log: log, verdicts: []), latencyBound: nil, constraints: [])
        #expect(unbounded.goodput == 0.2, "without a bound, the slow right answer is good too")
    }

    func level(_ value: Double, slo: Bool, constraint: ConstraintUse? = nil) -> SweepLevel {
        let log = RunLog(info: RunInfo(runID: "s/\(value)", scenario: "s", duration: .seconds(60)))
        let verdict = Verdict(kind: "slo", expectation: "SLO", passed: slo, measured: slo ? "p99 1s" : "p99 12s")
        return SweepLevel(label: "\(Int(value))/s", value: value, result: ScenarioResult(log: log, verdicts: [verdict]), latencyBound: nil, constraints: constraint.map { [$0] } ?? [])
    }

    /// The knee is the top of the unbroken passing run from the bottom: a level that
    /// passes again above a failure does not move it.
    @Test func theKneeIsTheTopOfTheUnbrokenRunAndTheFullestBucketBinds() {
        let bucket = ConstraintUse(name: "requests per minute on claude-opus-4-7", limit: 60, admitted: 118, capacity: 120, refused: 40)
        let sweep = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [
            level(8, slo: true), level(1, slo: true), level(4, slo: false, constraint: bucket), level(2, slo: true),
        ])
        #expect(sweep.knee?.value == 2)
        #expect(sweep.firstFailure?.value == 4)
        #expect(sweep.recoveriesAboveFailure.map(\.value) == [8])
        #expect(sweep.bindingConstraint == "requests per minute on claude-opus-4-7 (60 a minute: 98.3% of the bucket used at 4/s, 40 calls refused)")

        let full = ConstraintUse(name: "output tokens per minute on claude-opus-4-7", limit: 8000, admitted: 15_000, capacity: 16_000, refused: 0)
        let noWall = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [level(1, slo: true), level(2, slo: false, constraint: full)])
        #expect(noWall.bindingConstraint == "p99 12s at 2/s", "a full bucket that refused nothing did not bind: the failed SLO's measurement")
        let none = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [level(1, slo: false)])
        #expect(none.knee == nil)
        #expect(none.headline.hasPrefix("no level met the SLO; even 1/s failed"))
    }
}
