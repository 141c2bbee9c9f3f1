/// `output_config.effort`: how hard the model works on an answer. The mock
/// lets it set how long adaptive thinking runs, which moves output tokens,
/// cost and the time to the answer's first token; a budget set by hand is the
/// request's own and stays as it is.
enum Effort: String, CaseIterable {
    case low, medium, high, xhigh, max

    /// The thoughts at this effort against those at `high`.
    var thinkingShare: Double {
        switch self {
        case .low: 0.25
        case .medium: 0.5
        case .high: 1
        case .xhigh: 1.5
        case .max: 2
        }
    }

    /// Whether it is above `high`: what a model that thinks by default refuses
    /// with its thinking turned off.
    var isAboveHigh: Bool { self == .xhigh || self == .max }

    /// `'low', 'medium', 'high' or 'max'`, as the API's validation lists values.
    static func listed(_ efforts: [Effort]) -> String {
        let quoted = efforts.map { "'\($0.rawValue)'" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}
