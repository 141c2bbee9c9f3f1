import ChaosCore
import Testing
import Verdicts

@Suite struct FallbackExpectationTests {
    let check: any Verdicts.Expectation

    init() throws {
        check = try expectation("fallback: { from: claude-opus-4-7, to: claude-sonnet-4-5, during: opus-529, min_share: 0.8 }")
    }

    func log(sonnetShare: Int, of total: Int) -> RunLog {
        var b = LogBuilder()
        b.fault("opus-529", from: .seconds(60), to: .seconds(120))
        b.request(0, at: .seconds(10)) // before the window: not counted
        for i in 1...total {
            b.request(i, at: .seconds(60 + i), servedBy: i <= sonnetShare ? "claude-sonnet-4-5" : "degraded", outcome: i <= sonnetShare ? .ok : .degraded)
        }
        return b.log
    }

    @Test func passesWhenEnoughFailedRequestsWentToTheNextTier() {
        let verdict = check.judge(log(sonnetShare: 9, of: 10))
        #expect(verdict.passed)
        #expect(verdict.measured.hasPrefix("9 of 10 (90%)"))
    }

    @Test func failsAndNamesTheRequestsThatWentElsewhere() {
        let verdict = check.judge(log(sonnetShare: 5, of: 10))
        #expect(!verdict.passed)
        #expect(verdict.measured.hasPrefix("5 of 10 (50%)"))
        #expect(verdict.offenders.map(\.requestID) == ["r6", "r7", "r8", "r9", "r10"])
        #expect(verdict.offenders.first?.reason == "served by degraded")
    }

    @Test func aFaultThatNeverBitIsAFailureNotAPass() {
        var b = LogBuilder()
        b.fault("opus-529", from: .seconds(60), to: .seconds(120))
        for i in 1...5 { b.request(i, at: .seconds(60 + i)) }
        let verdict = check.judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("never exercised"))
    }

    @Test func aLatencyBudgetCountsSlowFallbacksAsFailures() throws {
        let timed = try expectation("fallback: { from: claude-opus-4-7, to: claude-sonnet-4-5, during: opus-529, min_share: 0.8, within: 5s }")
        var b = LogBuilder()
        b.fault("opus-529", from: .seconds(60), to: .seconds(120))
        for i in 1...10 { b.request(i, at: .seconds(60 + i), took: .seconds(i <= 5 ? 2 : 9), servedBy: "claude-sonnet-4-5") }
        let verdict = timed.judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.offenders.first?.reason.contains("over 5s") == true)
    }

    @Test func aMissingFaultFailsTheVerdict() {
        #expect(!check.judge(LogBuilder().log).passed)
    }
}
