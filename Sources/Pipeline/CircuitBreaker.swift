import ChaosCore
import Synchronization

/// A circuit breaker for one model: after `failureThreshold` failures in a row it
/// opens and calls are refused without touching the model; after `coolDown`
/// (scenario time) one probe is let through; its success closes the circuit, its
/// failure opens it again.
///
/// ```
/// closed ──threshold failures──▶ open ──cool-down──▶ half-open ──probe ok──▶ closed
///                                  ▲                     │
///                                  └────probe failed─────┘
/// ```
public final class CircuitBreaker: Sendable {
    public let model: String
    private let machine: Mutex<StateMachine>

    public init(model: String, failureThreshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.model = model
        self.machine = Mutex(StateMachine(threshold: failureThreshold, coolDown: coolDown))
    }

    /// Whether a call may go out now; in half-open, only the first caller gets true.
    public func callWasRequested(at now: Duration) -> Bool {
        machine.withLock { $0.callWasRequested(at: now) }
    }

    public func callSucceeded() { machine.withLock { $0.callSucceeded() } }

    public func callFailed(at now: Duration) { machine.withLock { $0.callFailed(at: now) } }

    /// `closed`, `open` or `half_open`, for logs and tests.
    public var state: String { machine.withLock { $0.name } }
}
