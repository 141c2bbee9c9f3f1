import Foundation
import ChaosCore
import Scenario

/// `retry_budget: { max_ratio: 1.5, during: opus-529 }`
///
/// Upstream attempts at answering (`/v1/messages`) per logical request stay at or
/// under `max_ratio`: a storm of failures must not multiply upstream load.
public struct RetryBudgetExpectation: Expectation {
    public static let kind = "retry_budget"
    let maxRatio: Double
    let window: WindowSpec

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        if node.scalarText != nil {
            guard let ratio = node.double(problems, what: "retry_budget") else { return nil }
            maxRatio = ratio; window = .wholeRun
            return
        }
        guard let reader = node.mapping(problems, what: "retry_budget") else { return nil }
        let ratio = reader.required("max_ratio")?.double(problems, what: "max_ratio")
        let window = WindowSpec.parse(reader.optional("during"), problems: problems)
        reader.finish()
        guard let ratio, let window else { return nil }
        if ratio < 1 { problems.add("max_ratio must be at least 1 (one attempt per request)", at: node); return nil }
        maxRatio = ratio; self.window = window
    }

    public var summary: String { "upstream attempts per request during \(window) at most \(maxRatio)" }
    public var faultReferences: [FaultReference] { window.faultReferences }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = window.resolve(in: log) else { return verdict(false, "the run has no fault named \(self.window)") }
        let requests = log.requests(in: window).count
        guard requests > 0 else { return verdict(false, "no request was scheduled in \(window.name)") }
        let attempts = log.messageAttempts.filter { window.contains($0.at) }
        let ratio = Double(attempts.count) / Double(requests)
        let perModel = Dictionary(grouping: attempts, by: { $0.model ?? "?" }).mapValues(\.count)
            .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return verdict(
            ratio <= maxRatio,
            String(format: "%.2f upstream attempts per request (%d attempts, %d requests)", ratio, attempts.count, requests),
            evidence: ["window \(window.name)", "attempts by model: \(perModel.isEmpty ? "none" : perModel)"]
        )
    }
}
