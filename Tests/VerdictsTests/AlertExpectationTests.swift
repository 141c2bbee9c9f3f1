import ChaosCore
import Testing
import Verdicts

@Suite struct AlertExpectationTests {
    let check: any Verdicts.Expectation

    init() throws {
        check = try expectation("alert: { name: HighErrorRate, of: storm, fires_within: 1m, resolves_within: 2m, max_fires: 1 }")
    }

    func log(_ events: [(AlertRecord.State, Int)]) -> RunLog {
        var b = LogBuilder()
        b.fault("storm", from: .seconds(120), to: .seconds(240))
        for (state, at) in events { b.alert("HighErrorRate", state, at: .seconds(at)) }
        b.alert("Other", .firing, at: .seconds(121))
        return b.log
    }

    @Test func firesAndResolvesInTime() {
        let verdict = check.judge(log([(.firing, 150), (.resolved, 300)]))
        #expect(verdict.passed, "\(verdict.measured)")
        #expect(verdict.measured == "HighErrorRate fired 30s after storm began, resolved 1m after it ended")
    }

    @Test func firingLateFails() {
        let verdict = check.judge(log([(.firing, 200), (.resolved, 300)]))
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("later than 1m"))
    }

    @Test func neverFiringFails() {
        #expect(check.judge(log([])).measured == "HighErrorRate never fired after storm began")
    }

    @Test func neverResolvingFails() {
        let verdict = check.judge(log([(.firing, 150)]))
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("never resolved"))
    }

    @Test func flappingFailsMaxFires() {
        let verdict = check.judge(log([(.firing, 150), (.resolved, 160), (.firing, 170), (.resolved, 300)]))
        #expect(!verdict.passed)
        #expect(verdict.measured.contains("fired 2 times"))
    }

    @Test func theToleranceGrowsWithTheTimeScale() {
        #expect(RunInfo(runID: "", scenario: "", timeScale: 1, duration: .zero).timeTolerance == .milliseconds(50))
        #expect(RunInfo(runID: "", scenario: "", timeScale: 60, duration: .zero).timeTolerance == .milliseconds(900))
    }
}

@Suite struct NoAlertExpectationTests {
    @Test func anAlertInTheWindowFails() throws {
        var b = LogBuilder()
        b.alert("HighLatency", .firing, at: .seconds(30))
        let verdict = try expectation("no_alert: { during: [0s, 2m] }").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.offenders.first?.requestID == "HighLatency")
    }

    @Test func anAlertOutsideTheWindowPasses() throws {
        var b = LogBuilder()
        b.alert("HighLatency", .firing, at: .seconds(130))
        #expect(try expectation("no_alert: { during: [0s, 2m] }").judge(b.log).passed)
        #expect(try !expectation("no_alert: {}").judge(b.log).passed)
    }

    @Test func anAlertStillFiringWhenTheWindowOpensFails() throws {
        var b = LogBuilder()
        b.alert("HighLatency", .firing, at: .seconds(30))
        let verdict = try expectation("no_alert: { during: [1m, 2m] }").judge(b.log)
        #expect(!verdict.passed)
        #expect(verdict.offenders.first?.reason == "still firing when the window opened")
    }

    @Test func onlyTheNamedAlertCounts() throws {
        var b = LogBuilder()
        b.alert("HighLatency", .firing, at: .seconds(30))
        #expect(try expectation("no_alert: { name: HighErrorRate }").judge(b.log).passed)
    }
}
