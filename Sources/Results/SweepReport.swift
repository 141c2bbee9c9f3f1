import ChaosCore
import Foundation

/// A sweep's reports in `results/<sweep-id>/`: `sweep.csv` (one row per level, for
/// spreadsheets), `sweep.json`, `sweep.md` (the headline and the table, for a CI
/// summary) and a self-contained `sweep.html` with SVG plots and the knee marked.
public enum SweepReport {
    public static func write(_ result: SweepResult, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = ["sweep.csv": csv(result), "sweep.json": try json(result), "sweep.md": markdown(result), "sweep.html": html(result)]
        for (name, text) in files {
            try text.write(toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// Tiers in a stable order: the ones serving most first.
    static func tiers(_ result: SweepResult) -> [String] {
        var total: [String: Double] = [:]
        for level in result.levels { for (tier, share) in level.tierShares { total[tier, default: 0] += share } }
        return total.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    public static func csv(_ result: SweepResult) -> String {
        let tiers = tiers(result)
        var header = ["level", result.dimension, "status", "meets_slo", "requests", "throughput_per_s", "goodput_per_s",
                      "p50_s", "p90_s", "p99_s", "max_s", "error_rate", "rate_limited_share", "overloaded_share",
                      "retry_amplification", "cost_per_answer_usd", "ttft_p50_s", "ttft_p99_s", "itl_p50_s", "itl_p99_s"]
        header += tiers.map { "share_\($0)" }
        header += ["verdicts_passed", "harness_short_of_cpu"]
        var lines = [header.joined(separator: ",")]
        for level in result.levels {
            var row = [quoted(level.label), String(level.value), quoted(level.status), String(level.meetsSLO), String(level.requests),
                       String(level.throughput), String(level.goodput), String(level.p50.seconds), String(level.p90.seconds),
                       String(level.p99.seconds), String(level.max.seconds), String(level.errorRate), String(level.rateLimitedShare),
                       String(level.overloadedShare), String(level.retryAmplification), String(level.costPerAnswer)]
            // Empty when no answer streamed: a zero would read as instant tokens.
            row += [level.ttftP50, level.ttftP99, level.itlP50, level.itlP99].map { $0.map { String($0.seconds) } ?? "" }
            row += tiers.map { String(level.tierShares[$0] ?? 0) }
            row += ["\(level.verdicts.filter(\.passed).count)/\(level.verdicts.count)", String(level.saturation != nil)]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public static func json(_ result: SweepResult) throws -> String {
        struct Document: Encodable {
            var sweep: SweepResult
            var knee: String?
            var bindingConstraint: String?
            var headline: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let document = Document(sweep: result, knee: result.knee?.label, bindingConstraint: result.bindingConstraint, headline: result.headline)
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    public static func markdown(_ result: SweepResult) -> String {
        var md = "# llmchaos sweep: \(result.scenario)\n\n**\(result.headline)**\n\n"
        md += "| level | SLO | answers/s | goodput/s | p50 | p99 | errors | 429s | 529s | attempts/answer | $/answer | served by |\n"
        md += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for level in result.levels.sorted(by: { $0.value < $1.value }) {
            let mark = level.meetsSLO ? "✅" : (level.status.hasPrefix("completed") ? "❌" : "⚠️ \(level.status)")
            let knee = (level.label == result.knee?.label ? " ◀ knee" : "") + (level.saturation == nil ? "" : " ⚠️ CPU")
            let served = level.tierShares.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) \(SweepText.percent($0.value))" }.joined(separator: ", ")
            md += "| \(level.label)\(knee) | \(mark) | \(SweepText.number(level.throughput)) | \(SweepText.number(level.goodput)) | \(DurationText.format(level.p50)) | \(DurationText.format(level.p99)) | \(SweepText.percent(level.errorRate)) | \(SweepText.percent(level.rateLimitedShare)) | \(SweepText.percent(level.overloadedShare)) | \(SweepText.number(level.retryAmplification)) | \(SweepText.dollars(level.costPerAnswer)) | \(served) |\n"
        }
        for level in result.levels.sorted(by: { $0.value < $1.value }) {
            if let saturation = level.saturation { md += "\n⚠️ At \(level.label), \(saturation).\n" }
        }
        let streamed = result.levels.sorted(by: { $0.value < $1.value }).filter { $0.ttftP50 != nil }
        if !streamed.isEmpty {
            md += "\nStreamed answers, from the scheduled start:\n\n| level | TTFT p50 | TTFT p99 | inter-token p50 | inter-token p99 |\n|---|---|---|---|---|\n"
            for level in streamed {
                let cells = [level.ttftP50, level.ttftP99, level.itlP50, level.itlP99].map { $0.map(DurationText.format) ?? "—" }
                md += "| \(level.label) | \(cells.joined(separator: " | ")) |\n"
            }
        }
        let recovered = result.recoveriesAboveFailure
        if !recovered.isEmpty {
            md += "\nAbove the first failure, \(recovered.map(\.label).joined(separator: ", ")) met the SLO again: the knee is the last level of the unbroken run from the bottom.\n"
        }
        if let failure = result.firstFailure {
            md += "\n## Why \(failure.label) failed\n\n"
            for verdict in failure.verdicts where !verdict.passed { md += "- ❌ **\(verdict.kind)**: \(verdict.measured)\n" }
            for use in failure.constraints.prefix(3) {
                md += "- \(use.description)\n"
            }
        }
        md += "\nEach level is a run in the RunLog: `llmchaos report \(result.sweepID)` judges them again.\n"
        return md
    }

    public static func html(_ result: SweepResult) -> String {
        let levels = result.levels.sorted { $0.value < $1.value }
        let kneeIndex = levels.firstIndex { $0.label == result.knee?.label }
        let labels = levels.map(\.label)
        var charts = [
            SweepChart.lines(title: "answers per second", labels: labels, knee: kneeIndex, series: [
                ("throughput", levels.map(\.throughput)), ("goodput", levels.map(\.goodput)),
            ]),
            SweepChart.lines(title: "latency (s)", labels: labels, knee: kneeIndex, series: [
                ("p50", levels.map(\.p50.seconds)), ("p99", levels.map(\.p99.seconds)),
            ]),
            SweepChart.stacked(title: "served by (share of requests)", labels: labels, knee: kneeIndex, series: tiers(result).map { tier in
                (tier, levels.map { $0.tierShares[tier] ?? 0 })
            }),
            SweepChart.lines(title: "upstream errors (share of calls)", labels: labels, knee: kneeIndex, series: [
                ("429 rate limited", levels.map(\.rateLimitedShare)), ("529 overloaded", levels.map(\.overloadedShare)),
                ("requests failed", levels.map(\.errorRate)),
            ]),
            SweepChart.lines(title: "cost per answer ($)", labels: labels, knee: kneeIndex, series: [("cost", levels.map(\.costPerAnswer))]),
        ]
        if levels.allSatisfy({ $0.ttftP50 != nil }) {
            charts.append(SweepChart.lines(title: "time to first token (s)", labels: labels, knee: kneeIndex, series: [
                ("p50", levels.map { $0.ttftP50?.seconds ?? 0 }), ("p99", levels.map { $0.ttftP99?.seconds ?? 0 }),
            ]))
        }
        let table = levelTable(levels, knee: result.knee?.label)
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>llmchaos sweep: \(HTMLReport.escape(result.scenario))</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1{font-size:20px}.headline{font-weight:600;margin:1em 0}
            .charts{display:flex;flex-wrap:wrap;gap:16px}table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left}tr.knee{background:#eef7ee}</style></head><body>
            <h1>llmchaos sweep: \(HTMLReport.escape(result.scenario))</h1>
            <p class="headline">\(HTMLReport.escape(result.headline))</p>
            <div class="charts">\(charts.joined())</div>
            \(table)
            <p>Sweep <code>\(HTMLReport.escape(result.sweepID))</code>; each level is a run in the RunLog.</p>
            </body></html>

            """
    }

    static func levelTable(_ levels: [SweepLevel], knee: String?) -> String {
        var html = "<table><tr><th>level</th><th>SLO</th><th>answers/s</th><th>goodput/s</th><th>p99</th><th>errors</th><th>429s</th><th>$/answer</th></tr>"
        for level in levels {
            html += "<tr\(level.label == knee ? " class=\"knee\"" : "")><td>\(HTMLReport.escape(level.label))\(level.label == knee ? " ◀ knee" : "")</td><td>\(level.meetsSLO ? "met" : "broken")</td>"
            html += "<td>\(SweepText.number(level.throughput))</td><td>\(SweepText.number(level.goodput))</td><td>\(DurationText.format(level.p99))</td>"
            html += "<td>\(SweepText.percent(level.errorRate))</td><td>\(SweepText.percent(level.rateLimitedShare))</td><td>\(SweepText.dollars(level.costPerAnswer))</td></tr>"
        }
        return html + "</table>"
    }
}
