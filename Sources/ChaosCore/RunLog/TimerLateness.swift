import Foundation

/// How late the harness's own timers woke during a run, in scenario time. Every
/// latency the run measured includes this much of the harness waiting for a
/// thread, and time compression multiplies it: a machine short of CPU shows up
/// here before it shows up as a target that looks slow.
public struct TimerLateness: Codable, Sendable, Equatable {
    @Milliseconds public var p50: Duration
    @Milliseconds public var p99: Duration
    @Milliseconds public var max: Duration
    public var samples: Int

    /// Real-time lateness past which the machine, not the target, may have set the
    /// latencies. A quiet two-core machine's timers wake 0.1–0.2 ms late at the
    /// median and 2–6 ms at p99; one short of CPU, 2–7 ms and 15–60 ms (measured:
    /// the shipped suite, and a closed-model sweep of the pipeline at 8 and 128 users).
    public static let medianLimit: Duration = .milliseconds(1)
    public static let p99Limit: Duration = .milliseconds(20)
    /// A single wake this late (real time) is a stall: the process did not run at
    /// all, as when a shared VM's host takes its cores, and every request then in
    /// flight took that much longer. Quiet, the worst wake is 1–2 ms; busy with four
    /// CPU-bound processes beside it, 5–12 ms (measured: `calm-baseline`).
    public static let stallLimit: Duration = .milliseconds(50)

    public init(p50: Duration, p99: Duration, max: Duration, samples: Int) {
        self.p50 = p50; self.p99 = p99; self.max = max; self.samples = samples
    }

    /// What every report says when the machine may have set the latencies; nil when
    /// the timers kept time.
    public func warning(timeScale: Double) -> String? {
        let stalled = max / timeScale > Self.stallLimit
        guard p50 / timeScale > Self.medianLimit || p99 / timeScale > Self.p99Limit || stalled else { return nil }
        var text = "the harness was short of CPU: its timers woke \(DurationText.format(p50)) late at the median, \(DurationText.format(p99)) at p99"
        if stalled { text += ", \(DurationText.format(max)) at worst" }
        if timeScale != 1 {
            let scale = timeScale == timeScale.rounded() ? String(Int(timeScale)) : String(timeScale)
            let reals = ([p50, p99] + (stalled ? [max] : [])).map { Self.real($0 / timeScale) }
            text += " (scenario time: \(reals.dropLast().joined(separator: ", ")) and \(reals[reals.count - 1]) of real time × time_scale \(scale))"
        }
        return text + "; the latencies measured include that. Lower time_scale or the load, or run on a bigger machine"
    }

    /// Real lateness is often under a millisecond, which whole milliseconds would show as 0s.
    private static func real(_ duration: Duration) -> String {
        duration < .milliseconds(10) ? String(format: "%.1fms", duration.milliseconds) : DurationText.format(duration)
    }
}
