import AnthropicAPI
import ChaosCore
import Foundation
import Synchronization

/// Monthly token budgets per tenant: a warning past 90 %, refusal past 100 %.
/// A month is 30 days of scenario time from the meter's start.
public final class TenantQuotas: Sendable {
    public enum Verdict: Sendable, Equatable {
        case ok
        case warning(used: Double)
        case refused
    }

    public let monthlyTokens: [String: Int]
    public static let month: Duration = .seconds(30 * 86_400)
    private let used = Mutex<[String: (month: Int, tokens: Int)]>([:])

    /// - Parameter monthlyTokens: budget per tenant; tenants not listed are unlimited.
    public init(monthlyTokens: [String: Int] = [:]) { self.monthlyTokens = monthlyTokens }

    /// Whether `tenant` may ask now.
    public func check(_ tenant: String, at now: Duration) -> Verdict {
        guard let budget = monthlyTokens[tenant], budget > 0 else { return .ok }
        let month = Int(now / Self.month)
        let tokens = used.withLock { all in all[tenant].flatMap { $0.month == month ? $0.tokens : nil } ?? 0 }
        let share = Double(tokens) / Double(budget)
        if share >= 1 { return .refused }
        return share >= 0.9 ? .warning(used: share) : .ok
    }

    /// Counts tokens spent by `tenant`.
    public func spend(_ tokens: Int, by tenant: String, at now: Duration) {
        let month = Int(now / Self.month)
        used.withLock { all in
            let current = all[tenant].flatMap { $0.month == month ? $0.tokens : nil } ?? 0
            all[tenant] = (month, current + tokens)
        }
    }
}
