import ChaosCore
import Histogram
import Synchronization

/// Collects how late the harness's timers woke, in a fixed-size HdrHistogram
/// (microseconds of scenario time, three significant digits): a sample every
/// 20 ms kept one by one came to 3 MB an hour, which a day's soak would hold
/// in memory and then sort.
final class TimerLatenessRecorder: Sendable {
    private let histogram = Mutex(Histogram<UInt64>(highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: .three))

    func record(_ lateness: Duration) {
        let micros = UInt64(max(0, lateness.seconds * 1e6))
        histogram.withLock { _ = $0.record(min(micros, $0.highestTrackableValue)) }
    }

    /// Nil when nothing was recorded.
    var lateness: TimerLateness? {
        histogram.withLock { histogram in
            guard histogram.totalCount > 0 else { return nil }
            return TimerLateness(
                p50: .microseconds(Int64(histogram.valueAtPercentile(50))), p99: .microseconds(Int64(histogram.valueAtPercentile(99))),
                max: .microseconds(Int64(histogram.max)), samples: Int(histogram.totalCount)
            )
        }
    }
}
