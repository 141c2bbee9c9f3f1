import AnthropicAPI
import Foundation

/// Token prices per model, in US dollars per million tokens: the published list
/// prices, or a JSON file's (`{"claude-opus-4-7": {"input": 5, "output": 25}}`),
/// or a scenario's `pipeline: { prices: … }` over them.
///
/// Sources, recorded 2026-12-02 (no live network here): the model pages of
/// platform.claude.com as stored (Opus 4.8, Opus 5, Opus 5.5, Sonnet 5, Haiku 5.5,
/// Opus 4.5 and the lineup tables on them), Anthropic's Opus 4.7 launch as
/// reported ("$5/$25, the same as 4.6"), Fable 5's page, Fable 5.1's and 5.2's
/// launches as reported (Fable 5.2 on 2026-11-09, after the pages were stored),
/// and the long-standing prices of earlier models. Every source gives a 5-minute
/// cache write at 1.25× input and a read at 0.1×, except the reads of Opus 5.5
/// (0.05×) and of Fable 5.1 and 5.2 (0.025×). (Some price lists read Sonnet 5.5
/// at 0.05× too; its own page says $0.20, the tenth.)
public struct PriceTable: Sendable, Equatable, Codable {
    public struct Price: Sendable, Equatable, Codable {
        public var input: Double
        public var output: Double
        /// A 5-minute cache write; 1.25× input when not given.
        public var cacheWrite: Double?
        /// A cache read; a tenth of input when not given.
        public var cacheRead: Double?
        /// Dearer prices for a prompt over a number of tokens (Haiku 5.5 above 100,000).
        public var longPrompt: LongPrompt?

        public struct LongPrompt: Sendable, Equatable, Codable {
            /// Prompt tokens (input, cache writes and reads together) past which it applies.
            public var above: Int
            public var input: Double
            public var output: Double
        }

        public init(input: Double, output: Double, cacheWrite: Double? = nil, cacheRead: Double? = nil, longPrompt: LongPrompt? = nil) {
            self.input = input; self.output = output; self.cacheWrite = cacheWrite; self.cacheRead = cacheRead; self.longPrompt = longPrompt
        }

        enum CodingKeys: String, CodingKey {
            case input, output
            case cacheWrite = "cache_write"
            case cacheRead = "cache_read"
            case longPrompt = "long_prompt"
        }
    }

    public var prices: [String: Price]

    public init(prices: [String: Price]) { self.prices = prices }

    public static let defaults = PriceTable(prices: [
        "claude-fable-5-2": Price(input: 8, output: 40, cacheRead: 0.2),
        "claude-fable-5-1": Price(input: 10, output: 50, cacheRead: 0.25),
        "claude-fable-5": Price(input: 10, output: 50),
        "claude-opus-5-5": Price(input: 4, output: 20, cacheRead: 0.2),
        "claude-opus-5": Price(input: 5, output: 25),
        "claude-opus-4-8": Price(input: 5, output: 25),
        "claude-opus-4-7": Price(input: 5, output: 25),
        "claude-opus-4-6": Price(input: 5, output: 25),
        "claude-opus-4-5": Price(input: 5, output: 25),
        "claude-opus-4-1": Price(input: 15, output: 75),
        "claude-opus-4": Price(input: 15, output: 75),
        "claude-sonnet-5-5": Price(input: 2, output: 10),
        "claude-sonnet-5": Price(input: 2, output: 10),
        "claude-sonnet-4-6": Price(input: 3, output: 15),
        "claude-sonnet-4-5": Price(input: 3, output: 15),
        "claude-sonnet-4": Price(input: 3, output: 15),
        "claude-haiku-5-5": Price(input: 0.1, output: 0.5, longPrompt: .init(above: 100_000, input: 0.5, output: 2.5)),
        "claude-haiku-4-5": Price(input: 1, output: 5),
        "claude-3-7-sonnet": Price(input: 3, output: 15),
        "claude-3-5-sonnet": Price(input: 3, output: 15),
        "claude-3-5-haiku": Price(input: 0.8, output: 4),
        "claude-3-opus": Price(input: 15, output: 75),
        "claude-3-haiku": Price(input: 0.25, output: 1.25),
    ])

    /// Reads a price file.
    public static func load(path: String) throws -> PriceTable {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return PriceTable(prices: try JSONDecoder().decode([String: Price].self, from: data))
    }

    /// The price of `model`: its own, else that of the model its id names
    /// (``ModelID``: `claude-opus-4-1-20250805` is Opus 4.1's), else the dearest
    /// known, so a missing price never hides spend.
    public func price(of model: String) -> Price {
        if let price = prices[model] { return price }
        let prefix = prices.keys.filter { ModelID.names(model, $0) }.max { $0.count < $1.count }
        return prefix.flatMap { prices[$0] } ?? prices.values.max { $0.output < $1.output } ?? Price(input: 0, output: 0)
    }

    /// Dollars for one call, as the API bills it: cache writes and reads at their own prices.
    public func cost(model: String, inputTokens: Int, outputTokens: Int, cacheWriteTokens: Int = 0, cacheReadTokens: Int = 0) -> Double {
        var price = price(of: model)
        if let long = price.longPrompt, inputTokens + cacheWriteTokens + cacheReadTokens > long.above {
            // Cache prices keep their ratio to the input price.
            let scale = long.input / price.input
            price = Price(input: long.input, output: long.output, cacheWrite: price.cacheWrite.map { $0 * scale }, cacheRead: price.cacheRead.map { $0 * scale })
        }
        let input = Double(inputTokens) * price.input
            + Double(cacheWriteTokens) * (price.cacheWrite ?? 1.25 * price.input)
            + Double(cacheReadTokens) * (price.cacheRead ?? 0.1 * price.input)
        return (input + Double(outputTokens) * price.output) / 1_000_000
    }

    /// The cost of a call's usage.
    public func cost(model: String, usage: Usage) -> Double {
        cost(model: model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
             cacheWriteTokens: usage.cacheCreationInputTokens, cacheReadTokens: usage.cacheReadInputTokens)
    }

    /// This table with `other`'s prices in place of its own.
    public func merging(_ other: [String: Price]) -> PriceTable {
        PriceTable(prices: prices.merging(other) { _, new in new })
    }
}
