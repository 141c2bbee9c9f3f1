import ChaosCore
import Faults

/// A fault window opening or closing, for people watching a mock run.
public struct FaultWindowEvent: Sendable, Equatable {
    public enum Change: Sendable { case opened, closed }
    public var at: Duration
    public var change: Change
    public var name: String
    public var kind: String
    /// When an opened window closes, if it does.
    public var until: Duration?
}

extension RunningMock {
    /// Fault windows as they open and close, in scenario time order; ends when the
    /// task is cancelled. Faults added at run time are seen too.
    ///
    /// Each tick reports every boundary crossed since the last one, so a window
    /// shorter than a tick (a 2s blip at time scale 200) is still announced.
    /// - Parameter resolution: how often to look, in real time.
    public func windowEvents(resolution: Duration = .milliseconds(50)) -> AsyncStream<FaultWindowEvent> {
        let runtime = server.runtime
        return AsyncStream { continuation in
            let task = Task {
                var last: Duration = .zero - .nanoseconds(1)
                while !Task.isCancelled {
                    let now = runtime.clock.now()
                    for event in Self.crossings(of: runtime.plan.faults, after: last, upTo: now) { continuation.yield(event) }
                    last = now
                    try? await runtime.clock.sleep(for: runtime.clock.scenarioDuration(ofReal: resolution))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The window boundaries in (after, upTo], in time order, opens before closes.
    static func crossings(of faults: [ScheduledFault], after: Duration, upTo now: Duration) -> [FaultWindowEvent] {
        var events: [FaultWindowEvent] = []
        for fault in faults {
            let window = fault.spec.window
            if window.start > after, window.start <= now {
                events.append(FaultWindowEvent(at: window.start, change: .opened, name: fault.name, kind: fault.kind, until: window.end))
            }
            if let end = window.end, end > after, end <= now {
                events.append(FaultWindowEvent(at: end, change: .closed, name: fault.name, kind: fault.kind))
            }
        }
        return events.sorted { ($0.at, $0.change == .opened ? 0 : 1) < ($1.at, $1.change == .opened ? 0 : 1) }
    }
}
