import ChaosCore
import Scenario

/// Shared readers for fault parameters.
enum FaultParameters {
    /// A reader over the parameters, or an empty one when there are none; nil (with
    /// a problem) when they are not a mapping.
    static func reader(_ node: ConfigNode?, kind: String, problems: ProblemCollector) -> MappingReader? {
        let node = node ?? ConfigNode(.mapping([]), at: SourceLocation(file: "", line: 0))
        return node.mapping(problems, what: "inject.\(kind)")
    }

    /// `after_deltas: 3` or `after: 40%`; `fallback` when neither is given.
    static func breakPoint(_ reader: MappingReader, kind: String, fallback: FaultEffect.BreakPoint = .fraction(0.5)) -> FaultEffect.BreakPoint? {
        let deltas = reader.optional("after_deltas")
        let share = reader.optional("after")
        switch (deltas, share) {
        case (nil, nil):
            return fallback
        case let (d?, nil):
            return d.int(reader.problems, what: "inject.\(kind).after_deltas", min: 0).map { .deltas($0) }
        case let (nil, s?):
            return s.probability(reader.problems, what: "inject.\(kind).after (a share of the answer)").map { .fraction($0) }
        case let (d?, _?):
            reader.problems.add("give either after_deltas or after, not both", at: d)
            return nil
        }
    }

    /// A duration with a default.
    static func duration(_ reader: MappingReader, _ key: String, kind: String, default value: Duration) -> Duration? {
        guard let node = reader.optional(key) else { return value }
        return node.duration(reader.problems, what: "inject.\(kind).\(key)")
    }
}
