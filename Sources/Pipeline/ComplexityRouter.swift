/// A cheap estimate of how hard a question is, to send easy ones to a cheaper model
/// first. Words that ask for grouping, ranking, comparison or windows make a
/// question complex; so does length.
public enum ComplexityRouter {
    public enum Complexity: String, Sendable { case simple, complex }

    private static let markers = [
        " each ", " per ", "top ", " share", "compare", "growth", "cumulative", " by ", "between", "more than",
        "never", "best", "lowest", "highest", "average number", "same ", "over-", "than ",
    ]

    public static func classify(_ question: String) -> Complexity {
        let text = " " + question.lowercased() + " "
        let words = text.split(whereSeparator: \.isWhitespace).count
        return words > 12 || markers.contains(where: text.contains) ? .complex : .simple
    }

    /// The tiers in the order to try them: model tiers cheapest first for a simple
    /// question, as configured otherwise; cache and degraded stay last.
    static func order(_ tiers: [PipelineConfiguration.Tier], for complexity: Complexity, prices: PriceTable) -> [PipelineConfiguration.Tier] {
        guard complexity == .simple else { return tiers }
        let models = tiers.filter { if case .model = $0 { true } else { false } }
        let rest = tiers.filter { if case .model = $0 { false } else { true } }
        let cheapestFirst = models.enumerated().sorted { a, b in
            let pa = prices.cost(model: a.element.name, inputTokens: 0, outputTokens: 1_000_000)
            let pb = prices.cost(model: b.element.name, inputTokens: 0, outputTokens: 1_000_000)
            return pa == pb ? a.offset < b.offset : pa < pb
        }.map(\.element)
        return cheapestFirst + rest
    }
}
