import ChaosCore
import Testing

@Suite struct TimerLatenessTests {
    /// The limits are in real time: at time_scale 60 a quiet machine's 0.2 ms is
    /// 12 ms of scenario time, and warns of nothing.
    @Test(arguments: [
        (Duration.milliseconds(12), Duration.milliseconds(300), 60.0, false),    // quiet: 0.2 ms and 5 ms real
        (.milliseconds(104), .milliseconds(760), 60, true),                      // 1.7 ms real at the median
        (.milliseconds(30), .milliseconds(1500), 60, true),                      // 25 ms real at p99
        (.milliseconds(1), .milliseconds(19), 1, false),
        (.milliseconds(2), .milliseconds(5), 1, true),
    ])
    func theWarningComesFromRealTimeLateness(p50: Duration, p99: Duration, timeScale: Double, warns: Bool) {
        let lateness = TimerLateness(p50: p50, p99: p99, max: p99, samples: 100)
        #expect((lateness.warning(timeScale: timeScale) != nil) == warns)
    }

    /// One stall is a handful of samples out of hundreds, below p99; the requests in
    /// flight through it still took that much longer.
    @Test func oneStallPastTheLimitWarnsWhateverThePercentiles() throws {
        let quiet = TimerLateness(p50: .milliseconds(12), p99: .milliseconds(300), max: .milliseconds(2_900), samples: 250)
        #expect(quiet.warning(timeScale: 60) == nil, "48 ms of real time is a busy machine, not a stall")
        let stalled = TimerLateness(p50: .milliseconds(12), p99: .milliseconds(300), max: .milliseconds(11_700), samples: 250)
        let warning = try #require(stalled.warning(timeScale: 60))
        #expect(warning.hasPrefix("the harness was short of CPU: its timers woke 12ms late at the median, 300ms at p99, 11.7s at worst (scenario time: 0.2ms, 5.0ms and 195ms of real time × time_scale 60)"))
        #expect(stalled.warning(timeScale: 1) != nil)
    }

    @Test func theWarningSaysHowLateInBothTimes() throws {
        let lateness = TimerLateness(p50: .milliseconds(120), p99: .milliseconds(1800), max: .seconds(2), samples: 250)
        let warning = try #require(lateness.warning(timeScale: 60))
        #expect(warning == "the harness was short of CPU: its timers woke 120ms late at the median, 1.8s at p99 (scenario time: 2.0ms and 30ms of real time × time_scale 60); the latencies measured include that. Lower time_scale or the load, or run on a bigger machine")
        var info = RunInfo(runID: "r", scenario: "s", timeScale: 60, duration: .seconds(60))
        #expect(info.saturation == nil, "not measured, nothing to say")
        info.timerLateness = lateness
        #expect(info.saturation == warning)
    }
}
