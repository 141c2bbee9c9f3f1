import ChaosCore
import Foundation
import Verdicts

/// `summary.md`: short enough for a CI job summary; failures first with their evidence.
public enum MarkdownReport: ReportWriter {
    public static let fileName = "summary.md"

    public static func render(_ suite: SuiteResult) -> String {
        var md = "# llmchaos \(suite.passed ? "✅ passed" : "❌ failed")\n\n"
        md += "Run `\(suite.invocation)`: \(suite.results.count) scenarios, \(suite.expectationCount) expectations, \(suite.failedCount) failed.\n\n"
        md += "| scenario | result | requests | p99 | errors | cost | served by | wall |\n|---|---|---|---|---|---|---|---|\n"
        for result in suite.results {
            let stats = RunStatistics(result.log)
            let status = result.log.info.status != .completed ? "⚠️ \(result.log.info.status.rawValue)"
                : result.passed ? "✅ \(result.verdicts.count)/\(result.verdicts.count)" : "❌ \(result.verdicts.count - result.failedCount)/\(result.verdicts.count)"
            let errors = stats.outcomes["error"] ?? 0
            let served = stats.servedBy.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) \(percent($0.value, stats.requests))" }.joined(separator: ", ")
            // A target of one's own reports no cost unless it says; a dash, not $0.
            let cost = stats.cost > 0 || result.log.info.target == "builtin" ? SweepText.dollars(stats.cost) : "—"
            md += "| \(result.log.info.scenario) | \(status) | \(stats.requests) | \(DurationText.format(stats.p99)) | \(percent(errors, stats.requests)) | \(cost) | \(served) | \(String(format: "%.1fs", result.wallSeconds)) |\n"
        }
        let saturated = suite.results.compactMap { result in result.log.info.saturation.map { (result.log.info.scenario, $0) } }
        let reruns = suite.results.compactMap { result in result.rerunNote.map { (result.log.info.scenario, $0) } }
        if !saturated.isEmpty || !reruns.isEmpty {
            md += "\n"
            for (scenario, note) in reruns { md += "↻ **\(scenario)**: \(note).\n\n" }
            for (scenario, warning) in saturated { md += "⚠️ **\(scenario)**: \(warning).\n\n" }
        }
        let failed = suite.results.filter { !$0.passed }
        if !failed.isEmpty {
            md += "\n## Failures\n"
            for result in failed {
                md += "\n### \(result.log.info.scenario)\n\n"
                if let incompletion = result.log.info.incompletion { md += "- ⚠️ " + Self.quoted(incompletion) + "\n" }
                for verdict in result.verdicts where !verdict.passed {
                    md += "- ❌ **\(verdict.kind)**: \(verdict.expectation)  \n  \(verdict.measured)\n"
                    for line in verdict.evidence { md += "  - \(line)\n" }
                    if !verdict.offenders.isEmpty { md += "  - first offenders: " + verdict.offenders.prefix(3).map { "`\($0.requestID)` at \(DurationText.format($0.at))" }.joined(separator: ", ") + "\n" }
                }
            }
        }
        return md
    }

    /// A note whose later lines (a target's output) stay inside its list item.
    static func quoted(_ note: String) -> String {
        var trimmed = Substring(note)
        while trimmed.last?.isNewline == true { trimmed = trimmed.dropLast() }
        let lines = trimmed.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return String(trimmed) }
        return lines[0] + "\n\n  ```\n" + lines.dropFirst().map { "  " + $0 }.joined(separator: "\n") + "\n  ```"
    }

    static func percent(_ count: Int, _ total: Int) -> String {
        total == 0 ? "0%" : String(format: "%.1f%%", Double(count) * 100 / Double(total))
    }
}
