import ChaosCore

/// An open arrival model: requests arrive on a schedule whatever the target does,
/// as users do. The schedule is a pure function of the seed, so two runs send the
/// same requests at the same scenario times.
public protocol OpenModel: Sendable {
    /// Send times in scenario time, ascending, all before `duration`, at most `limit`.
    func arrivals(duration: Duration, seed: UInt64, limit: Int) -> [Duration]
    /// One line for reports: "20/s constant".
    var summary: String { get }
    /// The same model at another mean rate, for sweeps; `factor` multiplies every rate.
    func scaled(by factor: Double) -> any OpenModel
}

extension LoadSpec.Arrival: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .open(model): model.summary
        case let .closed(model): model.summary
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.description == rhs.description }
}
