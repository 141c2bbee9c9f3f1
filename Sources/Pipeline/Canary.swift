import ChaosCore
import Synchronization

/// A canary: a share of traffic sent to a new prompt version or model, raised in
/// steps while no alert fires, and rolled back to zero the moment one does — the
/// incident playbook's "roll back the prompt / switch to the safer model" as code.
///
/// ```
/// share  5% ──5m──▶ 25% ──5m──▶ 50% ──5m──▶ 100%      (promoted)
///          └────────── any alert fires ──────────▶ 0%  (rolled back, stays 0)
/// ```
/// Which requests are in the canary is a function of the request id, so a replay
/// sends the same requests to it.
public final class Canary: Sendable {
    public enum Target: Sendable, Equatable {
        case promptVersion(String)
        case model(String)
    }

    public struct Plan: Sendable, Equatable {
        public var target: Target
        public var steps: [Double]
        public var stepEvery: Duration
        public init(target: Target, steps: [Double] = [0.05, 0.25, 0.5, 1.0], stepEvery: Duration = .seconds(300)) {
            self.target = target; self.steps = steps; self.stepEvery = stepEvery
        }
    }

    private struct State: Sendable {
        var startedAt: Duration?
        var rolledBack: (at: Duration, reason: String)?
    }

    public let plan: Plan
    private let state = Mutex(State())

    public init(plan: Plan) { self.plan = plan }

    /// The share of traffic in the canary at `now`; the clock starts at the first request.
    public func share(at now: Duration) -> Double {
        state.withLock { s in
            if s.rolledBack != nil { return 0 }
            let start = s.startedAt ?? now
            s.startedAt = start
            let step = min(plan.steps.count - 1, max(0, Int((now - start) / plan.stepEvery)))
            return plan.steps.isEmpty ? 0 : plan.steps[step]
        }
    }

    /// Whether this request goes to the canary.
    public func includes(_ requestID: String, at now: Duration) -> Bool {
        StableHash.unitInterval(StableHash.hash("canary", requestID)) < share(at: now)
    }

    /// Rolls the canary back for good; returns false if it already was.
    @discardableResult
    public func rollBack(at now: Duration, reason: String) -> Bool {
        state.withLock { s in
            guard s.rolledBack == nil else { return false }
            s.rolledBack = (now, reason)
            return true
        }
    }

    /// Why and when it was rolled back, if it was.
    public var rollback: (at: Duration, reason: String)? { state.withLock { $0.rolledBack } }
}
