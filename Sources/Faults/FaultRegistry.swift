import Scenario

/// Every fault llmchaos knows, by the key used under `inject:`.
public enum FaultRegistry {
    /// The list; one line per fault.
    public static let all: [any Fault.Type] = [
        StatusFault.self,
        OverloadedFault.self,
        RateLimitFault.self,
        LatencyFault.self,
        TimeoutFault.self,
        StallFault.self,
        DisconnectFault.self,
        StreamErrorFault.self,
        TruncateFault.self,
        QualityFault.self,
        ParallelToolCallsFault.self,
        RedactedThinkingFault.self,
        LongThinkingFault.self,
        ReplayFault.self,
    ]

    /// The kinds, in registry order.
    public static var kinds: [String] { all.map { $0.kind } }

    /// The fault type for a kind.
    public static func type(of kind: String) -> (any Fault.Type)? {
        all.first { $0.kind == kind }
    }

    /// Builds the fault of `spec`, or records why it cannot be built.
    public static func make(_ spec: FaultSpec, problems: ProblemCollector) -> (any Fault)? {
        guard let type = type(of: spec.kind) else {
            var message = "unknown fault '\(spec.kind)'"
            if let near = Suggestion.nearest(to: spec.kind, in: kinds) { message += "; did you mean '\(near)'?" }
            message += " (known: \(kinds.joined(separator: ", ")))"
            problems.add(message, at: spec.kindLocation)
            return nil
        }
        return type.init(parameters: spec.parameters, problems: problems)
    }
}
