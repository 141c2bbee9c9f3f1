import ChaosCore

/// Exponential backoff with jitter, capped, honouring what the server asks.
///
/// ```
/// retry n waits  min(cap, base × 2^(n-1))   × jitter
///   full jitter:  uniform in [0, bound]      (AWS's "full jitter": no two clients in step)
///   equal jitter: bound/2 + uniform [0, bound/2]
/// a server's retry-after, when longer, wins (but never past max_wait).
/// ```
public struct RetryPolicy: Sendable, Equatable {
    public enum Jitter: String, Sendable { case full, equal, none }

    /// Attempts in all, the first included.
    public var maxAttempts: Int = 3
    public var base: Duration = .seconds(1)
    public var cap: Duration = .seconds(30)
    public var jitter: Jitter = .full
    /// A server asking for a longer wait than this fails the tier instead.
    public var maxWait: Duration = .seconds(60)

    public init(maxAttempts: Int = 3, base: Duration = .seconds(1), cap: Duration = .seconds(30), jitter: Jitter = .full, maxWait: Duration = .seconds(60)) {
        self.maxAttempts = maxAttempts; self.base = base; self.cap = cap; self.jitter = jitter; self.maxWait = maxWait
    }

    /// The wait before retry `retry` (1 for the second attempt), or nil when the
    /// server asks for longer than `maxWait`.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, random: inout SeededRandom) -> Duration? {
        let bound = min(cap, base * (1 << min(max(0, retry - 1), 30)))
        let backoff: Duration = switch jitter {
        case .full: bound * random.unit()
        case .equal: bound / 2 + (bound / 2) * random.unit()
        case .none: bound
        }
        guard let retryAfter else { return backoff }
        guard retryAfter <= maxWait else { return nil }
        return max(backoff, retryAfter)
    }

    /// The upper bound of the backoff before retry `retry`, before jitter.
    public func bound(beforeRetry retry: Int) -> Duration {
        min(cap, base * (1 << min(max(0, retry - 1), 30)))
    }
}
