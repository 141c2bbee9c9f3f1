import ChaosCore
import Load
import Synchronization

/// Collects how late the harness's timers woke, in scenario time, in a
/// fixed-size histogram: a sample every 20 ms kept one by one came to 3 MB an
/// hour, which a day's soak would hold in memory and then sort.
final class TimerLatenessRecorder: Sendable {
    private let histogram = Mutex(DurationHistogram())

    func record(_ lateness: Duration) {
        histogram.withLock { $0.record(lateness) }
    }

    /// Nil when nothing was recorded.
    var lateness: TimerLateness? {
        histogram.withLock { histogram in
            guard histogram.count > 0 else { return nil }
            return TimerLateness(
                p50: histogram.value(atPercentile: 50), p99: histogram.value(atPercentile: 99), max: histogram.max, samples: histogram.count
            )
        }
    }
}
