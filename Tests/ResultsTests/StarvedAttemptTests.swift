import ChaosCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Results
import Testing
import Verdicts

/// A scenario that failed while the harness was short of CPU is run again; these
/// are the rules of which failures that is, and what the reports say of it.
@Suite struct StarvedAttemptTests {
    /// 200 ms of real time at time_scale 60: the process did not run at all.
    static let stalled = TimerLateness(p50: .milliseconds(12), p99: .milliseconds(300), max: .seconds(12), samples: 250)
    /// 10 ms of real time at worst: a busy machine, not a starved one.
    static let quiet = TimerLateness(p50: .milliseconds(12), p99: .milliseconds(300), max: .milliseconds(600), samples: 250)
    static let missed = Verdict(kind: "slo", expectation: "p99 ≤ 5s", passed: false, measured: "p99 13s")
    static let held = Verdict(kind: "no_alert", expectation: "no alert fires", passed: true, measured: "none fired")

    static func result(_ status: RunInfo.Status = .completed, lateness: TimerLateness?, verdicts: [Verdict]) -> ScenarioResult {
        var log = sampleLog()
        log.info.status = status
        log.info.timerLateness = lateness
        return ScenarioResult(log: log, verdicts: verdicts)
    }

    @Test func aFailureWhileShortOfCPUIsSetAsideWithWhatFailed() throws {
        let result = Self.result(lateness: Self.stalled, verdicts: [Self.held, Self.missed])
        #expect(result.failedWhileStarved)
        let attempt = try #require(StarvedAttempt(result))
        #expect(attempt == StarvedAttempt(runID: "inv/sample", attempt: 1, failed: ["slo"], saturation: try #require(result.log.info.saturation)))
    }

    @Test(arguments: [
        ("failed on a calm machine: the target's own failure", RunInfo.Status.completed, TimerLateness?.some(quiet), [missed]),
        ("passed, starved or not", .completed, stalled, [held]),
        ("aborted: what it misses is not the machine's", .aborted, stalled, [missed]),
        ("stored before the timers were measured", .completed, nil, [missed]),
    ])
    func anyOtherRunCounts(_ why: String, status: RunInfo.Status, lateness: TimerLateness?, verdicts: [Verdict]) {
        let result = Self.result(status, lateness: lateness, verdicts: verdicts)
        #expect(!result.failedWhileStarved, "\(why)")
        #expect(StarvedAttempt(result) == nil, "\(why)")
    }

    @Test func everyReportSaysWhichAttemptCountsAndWhatWasSetAside() throws {
        let first = Self.result(lateness: Self.stalled, verdicts: [Self.held, Self.missed])
        var log = sampleLog(runID: "inv/sample#2")
        log.info.attempt = 2
        let second = ScenarioResult(log: log, verdicts: [Self.held, Self.held], starvedAttempts: [try #require(StarvedAttempt(first))])
        let note = try #require(second.rerunNote)
        #expect(note == "attempt 2 counts: attempt 1 failed while the harness was short of CPU and was set aside (inv/sample failed slo)")
        let suite = SuiteResult(invocation: "inv", startedAt: Date(timeIntervalSince1970: 0), results: [second])

        #expect(MarkdownReport.render(suite).contains("↻ **sample**: \(note).\n"))
        #expect(HTMLReport.render(suite).contains("<p class=\"warn\">↻ \(note)</p>"))
        let junit = try XMLDocument(xmlString: JUnitReport.render(suite))
        #expect(try junit.nodes(forXPath: "//testsuite/system-out").first?.stringValue == note)
        #expect(try junit.nodes(forXPath: "//property[@name='attempt']/@value").first?.stringValue == "2")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(suite).utf8)) as? [String: Any])
        let scenario = try #require((json["scenarios"] as? [[String: Any]])?.first)
        let setAside = try #require(scenario["starvedAttempts"] as? [[String: Any]])
        #expect(setAside.map { $0["runID"] as? String } == ["inv/sample"])
        #expect((scenario["info"] as? [String: Any])?["attempt"] as? Int == 2)

        let once = SuiteResult(invocation: "inv", startedAt: Date(timeIntervalSince1970: 0), results: [first])
        #expect(first.rerunNote == nil)
        #expect(!MarkdownReport.render(once).contains("↻"))
        #expect(try XMLDocument(xmlString: JUnitReport.render(once)).nodes(forXPath: "//property[@name='attempt']").isEmpty)
    }

    /// Judged again from the store, the attempts set aside are not in the result,
    /// but the attempt number still says how many there were.
    @Test func aRejudgedAttemptStillSaysItWasNotTheFirst() throws {
        var log = sampleLog(runID: "inv/sample#3")
        log.info.attempt = 3
        let note = try #require(ScenarioResult(log: log, verdicts: [Self.held]).rerunNote)
        #expect(note == "attempt 3 counts: attempts 1 and 2 failed while the harness was short of CPU and were set aside")
    }
}
