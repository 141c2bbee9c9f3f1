import ChaosCore
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
        var latencies = DurationHistogram()
        var snapshot = Snapshot()
    }

    private let state = Mutex(State())

    public init() {}

    func sent() { state.withLock { $0.snapshot.sent += 1 } }
    func dropped() { state.withLock { $0.snapshot.dropped += 1 } }

    func finished(_ record: RequestRecord) {
        state.withLock { state in
            state.latencies.record(record.latency)
            state.snapshot.finished += 1
            if record.outcome == .error { state.snapshot.errors += 1 }
            if record.outcome == .degraded { state.snapshot.degraded += 1 }
        }
    }

    public func snapshot() -> Snapshot {
        state.withLock { state in
            var snapshot = state.snapshot
            snapshot.p50 = state.latencies.value(atPercentile: 50)
            snapshot.p99 = state.latencies.value(atPercentile: 99)
            snapshot.max = state.latencies.max
            return snapshot
        }
    }
}
