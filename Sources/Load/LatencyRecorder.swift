import ChaosCore
import Histogram
import Synchronization

/// Live latency and counts for the progress line, in an HdrHistogram (microseconds
/// of scenario time, three significant digits, up to a day). Reports read the
/// RunLog; this is only what a person watching the run sees.
public final class LatencyRecorder: Sendable {
    /// A moment's view of the run.
    public struct Snapshot: Sendable, Equatable {
        public var sent = 0
        public var finished = 0
        public var errors = 0
        public var degraded = 0
        public var dropped = 0
        public var p50: Duration = .zero
        public var p99: Duration = .zero
        public var max: Duration = .zero

        public var errorRate: Double { finished == 0 ? 0 : Double(errors) / Double(finished) }
    }

    private struct State {
        var histogram = Histogram<UInt64>(highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: .three)
        var snapshot = Snapshot()
    }

    private let state = Mutex(State())

    public init() {}

    func sent() { state.withLock { $0.snapshot.sent += 1 } }
    func dropped() { state.withLock { $0.snapshot.dropped += 1 } }

    func finished(_ record: RequestRecord) {
        let micros = UInt64(max(0, record.latency.seconds * 1e6))
        state.withLock { state in
            _ = state.histogram.record(Swift.min(micros, state.histogram.highestTrackableValue))
            state.snapshot.finished += 1
            if record.outcome == .error { state.snapshot.errors += 1 }
            if record.outcome == .degraded { state.snapshot.degraded += 1 }
        }
    }

    public func snapshot() -> Snapshot {
        state.withLock { state in
            var snapshot = state.snapshot
            snapshot.p50 = .microseconds(Int64(state.histogram.valueAtPercentile(50)))
            snapshot.p99 = .microseconds(Int64(state.histogram.valueAtPercentile(99)))
            snapshot.max = .microseconds(Int64(state.histogram.max))
            return snapshot
        }
    }
}
