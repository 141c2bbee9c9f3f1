import ChaosCore
import Scenario

/// Every kind of expectation, by its key. Adding one is one file and one line here.
public enum ExpectationRegistry {
    public static let all: [any Expectation.Type] = [
        FallbackExpectation.self,
        BackoffExpectation.self,
        RetryBudgetExpectation.self,
        AlertExpectation.self,
        NoAlertExpectation.self,
        QualityMonitorExpectation.self,
        SilentWrongAnswersExpectation.self,
        CircuitBreakerExpectation.self,
        SLOExpectation.self,
        CostExpectation.self,
        RollbackExpectation.self,
    ]

    public static var kinds: [String] { all.map { $0.kind } }

    /// Reads one `expect:` entry (`- kind: parameters`); nil with a problem when
    /// the kind is unknown or the parameters are wrong.
    public static func parse(_ item: ConfigNode, problems: ProblemCollector) -> (any Expectation)? {
        guard let entries = item.entries, entries.count == 1, let entry = entries.first else {
            problems.add("each expectation names one kind, such as '- slo: { p99: 10s }'", at: item)
            return nil
        }
        guard let type = all.first(where: { $0.kind == entry.key }) else {
            var message = "unknown expectation '\(entry.key)'"
            if let near = Suggestion.nearest(to: entry.key, in: kinds) { message += "; did you mean '\(near)'?" } else {
                message += "; known: \(kinds.joined(separator: ", "))"
            }
            problems.add(message, at: entry.keyLocation)
            return nil
        }
        return type.init(entry.value, problems: problems)
    }

    /// Judges every expectation against one log.
    public static func judge(_ expectations: [any Expectation], _ log: RunLog) -> [Verdict] {
        expectations.map { $0.judge(log) }
    }
}
