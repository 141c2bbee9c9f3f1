import Synchronization

/// Caps retries across all requests, so a storm cannot multiply upstream load
/// without bound: every first attempt earns `ratio` of a retry, every retry spends
/// one, and a small reserve lets a quiet system retry at all. (Finagle's and gRPC's
/// retry budgets work this way.)
public final class RetryBudget: Sendable {
    public let ratio: Double
    public let reserve: Double
    private let balance: Mutex<Double>

    /// - Parameters:
    ///   - ratio: retries allowed per first attempt, e.g. 0.2 for at most 20 % extra load.
    ///   - reserve: retries allowed before any first attempt has earned one.
    public init(ratio: Double = 0.2, reserve: Double = 10) {
        self.ratio = ratio
        self.reserve = reserve
        self.balance = Mutex(reserve)
    }

    /// A first attempt was made.
    public func recordRequest() {
        balance.withLock { $0 = min(maxBalance, $0 + ratio) }
    }

    /// What a long calm can save up: the retries of the last thousand requests.
    /// Without a cap, hours of healthy traffic would bank enough retries to let the
    /// next outage storm upstream unchecked — the thing the budget exists to stop.
    private var maxBalance: Double { reserve + ratio * 1000 }

    /// Takes one retry from the budget; false when it is spent.
    public func withdraw() -> Bool {
        balance.withLock { value in
            guard value >= 1 else { return false }
            value -= 1
            return true
        }
    }
}
