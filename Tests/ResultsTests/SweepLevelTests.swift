import ChaosCore
import Foundation
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
        #expect(SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: []).headline == "no level ran")
    }

    /// Levels above a stop never ran: a knee below it is only a lower bound, and a
    /// level a Ctrl-C cut short is shown but judged neither way.
    @Test func aSweepThatStoppedEarlySaysWhereAndWhy() {
        var cut = level(4, slo: false)
        cut.status = SweepLevel.interrupted
        let interrupted = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [level(1, slo: true), level(2, slo: true), cut],
                                      stoppedAt: "4/s", stopReason: "interrupted (Ctrl-C)")
        #expect(interrupted.knee?.value == 2)
        #expect(interrupted.firstFailure == nil)
        #expect(interrupted.headline.hasPrefix("max sustainable: at least 2/s / "))
        #expect(interrupted.headline.hasSuffix("; the sweep stopped at 4/s: interrupted (Ctrl-C), before the limit was found"))
        #expect(SweepReport.markdown(interrupted).contains("| 4/s | ⚠️ interrupted |"))

        let failedThenStopped = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [level(1, slo: true), level(2, slo: false)],
                                            stoppedAt: "4/s", stopReason: "the target could not be started")
        #expect(failedThenStopped.headline.hasSuffix("limited by p99 12s at 2/s; the sweep stopped at 4/s: the target could not be started"))
        var short = level(2, slo: false)
        short.saturation = "the harness was short of CPU"
        let machine = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [level(1, slo: true), short, level(4, slo: false)])
        #expect(machine.headline.hasSuffix("limited by p99 12s at 2/s; ⚠️ the harness was short of CPU at 2/s: the limit may be this machine's"))
        #expect(SweepReport.markdown(machine).contains("| 2/s ⚠️ CPU | ❌ |"))
        #expect(SweepReport.csv(machine).split(separator: "\n")[2].hasSuffix(",0/1,true"))
        #expect(!failedThenStopped.headline.contains("CPU"))
        let never = SweepResult(sweepID: "s", scenario: "s", dimension: "rate", levels: [], stoppedAt: "1/s", stopReason: "the target could not be started")
        #expect(never.headline == "no level ran; the sweep stopped at 1/s: the target could not be started")
    }
}

@Suite struct SweepStreamingTests {
    /// Three streamed answers and one that did not stream: percentiles over the
    /// three, nearest rank; a level with no stream has none, and its CSV cells are
    /// empty rather than zero.
    @Test func timeToFirstTokenAndInterTokenLatencyComeFromTheStreamedAnswers() throws {
        var log = RunLog(info: RunInfo(runID: "s/stream@1rps", scenario: "stream@1rps", duration: .seconds(10)))
        log.requests = [
            RequestRecord(index: 0, requestID: "a", scheduled: .zero, finished: .seconds(2), outcome: .ok,
                          timeToFirstToken: .milliseconds(400), interTokenLatency: .milliseconds(20)),
            RequestRecord(index: 1, requestID: "b", scheduled: .zero, finished: .seconds(3), outcome: .ok,
                          timeToFirstToken: .milliseconds(900), interTokenLatency: .milliseconds(30)),
            RequestRecord(index: 2, requestID: "c", scheduled: .zero, finished: .seconds(9), outcome: .ok,
                          timeToFirstToken: .milliseconds(7000), interTokenLatency: .milliseconds(80)),
            RequestRecord(index: 3, requestID: "d", scheduled: .zero, finished: .seconds(1), outcome: .degraded, servedBy: "cache"),
        ]
        let level = SweepLevel(label: "1/s", value: 1, result: ScenarioResult(log: log, verdicts: []), latencyBound: nil, constraints: [])
        #expect(level.ttftP50 == .milliseconds(900))
        #expect(level.ttftP99 == .milliseconds(7000))
        #expect(level.itlP50 == .milliseconds(30))
        #expect(level.itlP99 == .milliseconds(80))

        var plain = log
        plain.requests = plain.requests.map { var r = $0; r.timeToFirstToken = nil; r.interTokenLatency = nil; return r }
        let none = SweepLevel(label: "2/s", value: 2, result: ScenarioResult(log: plain, verdicts: []), latencyBound: nil, constraints: [])
        #expect(none.ttftP50 == nil && none.itlP99 == nil)

        let csv = SweepReport.csv(SweepResult(sweepID: "s", scenario: "stream", dimension: "rate", levels: [level, none]))
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let column = try #require(rows[0].firstIndex(of: "ttft_p99_s"))
        #expect(rows[1][column] == "7.0")
        #expect(rows[2][column] == "")
        let markdown = SweepReport.markdown(SweepResult(sweepID: "s", scenario: "stream", dimension: "rate", levels: [level, none]))
        #expect(markdown.contains("| 1/s | 900ms | 7s | 30ms | 80ms |"))
    }

    /// A RunLog written before the fields existed still reads, and the fields
    /// survive a round trip through JSON.
    @Test func streamTimingsRoundTripAndOldRecordsStillRead() throws {
        let record = RequestRecord(index: 0, requestID: "a", scheduled: .zero, finished: .seconds(1), outcome: .ok, timeToFirstToken: .milliseconds(250))
        let data = try JSONEncoder().encode(record)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"timeToFirstToken\":250"))
        #expect(!text.contains("interTokenLatency"))
        #expect(try JSONDecoder().decode(RequestRecord.self, from: data) == record)
        let old = #"{"index":0,"requestID":"a","tenant":"default","scheduled":0,"started":0,"finished":1000,"outcome":"ok","grade":"unknown","failures":[],"upstreamAttempts":0,"cost":0}"#
        let decoded = try JSONDecoder().decode(RequestRecord.self, from: Data(old.utf8))
        #expect(decoded.timeToFirstToken == nil)
        #expect(decoded.latency == .seconds(1))
    }
}
