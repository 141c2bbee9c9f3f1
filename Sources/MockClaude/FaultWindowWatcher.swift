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
    /// Fault windows as they open and close, in scenario time; ends when the task is
    /// cancelled. Faults added at run time are seen too.
    /// - Parameter resolution: how often to look, in real time.
    public func windowEvents(resolution: Duration = .milliseconds(50)) -> AsyncStream<FaultWindowEvent> {
        let runtime = server.runtime
        return AsyncStream { continuation in
            let task = Task {
                var open: [String: ScheduledFault] = [:]
                while !Task.isCancelled {
                    let now = runtime.clock.now()
                    let active = runtime.plan.active(at: now)
                    let names = Set(active.map(\.name))
                    for (name, fault) in open where !names.contains(name) {
                        continuation.yield(FaultWindowEvent(at: fault.spec.window.end ?? now, change: .closed, name: name, kind: fault.kind))
                        open[name] = nil
                    }
                    for fault in active where open[fault.name] == nil {
                        open[fault.name] = fault
                        continuation.yield(FaultWindowEvent(at: max(fault.spec.window.start, .zero), change: .opened, name: fault.name, kind: fault.kind, until: fault.spec.window.end))
                    }
                    try? await runtime.clock.sleep(for: runtime.clock.scenarioDuration(ofReal: resolution))
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
