import ChaosCore
import Foundation
import Scenario

/// `cost: { per_request: $0.02, total: $5, during: retry-storm }`
///
/// Dollars spent upstream (every call, failed ones too) per logical request on
/// average, and in total, stay under the bounds.
public struct CostExpectation: Expectation {
    public static let kind = "cost"
    let perRequest: Double?
    let total: Double?
    let window: WindowSpec

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "cost") else { return nil }
        perRequest = reader.optional("per_request").flatMap { Self.dollars($0, problems: problems, what: "per_request") }
        total = reader.optional("total").flatMap { Self.dollars($0, problems: problems, what: "total") }
        let window = WindowSpec.parse(reader.optional("during"), problems: problems)
        reader.finish()
        guard let window else { return nil }
        if perRequest == nil && total == nil {
            problems.add("cost needs per_request or total, in dollars such as $0.02", at: node)
            return nil
        }
        self.window = window
    }

    static func dollars(_ node: ConfigNode, problems: ProblemCollector, what: String) -> Double? {
        guard let text = node.scalarText?.trimmingWhitespace(), let value = Double(text.hasPrefix("$") ? String(text.dropFirst()) : text), value >= 0 else {
            problems.add("\(what) must be an amount in dollars such as $0.02, found \(node.kindDescription)", at: node)
            return nil
        }
        return value
    }

    public var summary: String {
        var parts: [String] = []
        if let perRequest { parts.append("≤ \(Format.dollars(perRequest)) per request") }
        if let total { parts.append("≤ \(Format.dollars(total)) in total") }
        return "cost during \(window) " + parts.joined(separator: " and ")
    }

    public var faultReferences: [FaultReference] { window.faultReferences }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = window.resolve(in: log) else { return verdict(false, "the run has no fault named \(self.window)") }
        let requests = log.requests(in: window)
        guard !requests.isEmpty else { return verdict(false, "no request was scheduled in \(window.name)") }
        let sum = requests.reduce(0) { $0 + $1.cost }
        let mean = sum / Double(requests.count)
        var failures: [String] = []
        if let perRequest, mean > perRequest { failures.append("\(Format.dollars(mean)) per request > \(Format.dollars(perRequest))") }
        if let total, sum > total { failures.append("\(Format.dollars(sum)) in total > \(Format.dollars(total))") }
        let costliest = requests.sorted { $0.cost > $1.cost }
        return verdict(
            failures.isEmpty,
            "\(Format.dollars(mean)) per request, \(Format.dollars(sum)) in total over \(requests.count) requests",
            evidence: ["window \(window.name)"] + failures,
            offenders: failures.isEmpty ? [] : costliest.map { Offender(requestID: $0.requestID, at: $0.scheduled, reason: "\(Format.dollars($0.cost)) over \($0.upstreamAttempts) upstream attempts") }
        )
    }
}
