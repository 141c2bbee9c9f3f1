import AnthropicAPI
import ChaosCore
import Foundation
import Synchronization

/// Token prices per model, in US dollars per million tokens. Loaded from a JSON file
/// (`{"claude-opus-4-7": {"input": 15, "output": 75}, …}`) or the defaults here.
public struct PriceTable: Sendable, Equatable, Codable {
    public struct Price: Sendable, Equatable, Codable {
        public var input: Double
        public var output: Double
        public init(input: Double, output: Double) { self.input = input; self.output = output }
    }

    public var prices: [String: Price]

    public init(prices: [String: Price]) { self.prices = prices }

    public static let defaults = PriceTable(prices: [
        "claude-opus-4-7": Price(input: 15, output: 75),
        "claude-opus-4-1": Price(input: 15, output: 75),
        "claude-sonnet-4-5": Price(input: 3, output: 15),
        "claude-sonnet-4-0": Price(input: 3, output: 15),
        "claude-haiku-4-5": Price(input: 1, output: 5),
    ])

    /// Reads a price file.
    public static func load(path: String) throws -> PriceTable {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return PriceTable(prices: try JSONDecoder().decode([String: Price].self, from: data))
    }

    /// Dollars for one call; a model without a price costs what the dearest known one does,
    /// so a missing price never hides spend.
    /// Cache writes cost 1.25× the input price and cache reads 0.1×, as the API bills them.
    public func cost(model: String, inputTokens: Int, outputTokens: Int, cacheWriteTokens: Int = 0, cacheReadTokens: Int = 0) -> Double {
        let price = prices[model] ?? prices.values.max { $0.output < $1.output } ?? Price(input: 0, output: 0)
        let input = Double(inputTokens) + 1.25 * Double(cacheWriteTokens) + 0.1 * Double(cacheReadTokens)
        return (input * price.input + Double(outputTokens) * price.output) / 1_000_000
    }

    /// The cost of a call's usage.
    public func cost(model: String, usage: Usage) -> Double {
        cost(model: model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
             cacheWriteTokens: usage.cacheCreationInputTokens, cacheReadTokens: usage.cacheReadInputTokens)
    }
}

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
