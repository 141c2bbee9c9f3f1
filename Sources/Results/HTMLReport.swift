import ChaosCore
import Foundation
import Verdicts

/// `report.html`: one self-contained page (inline CSS and SVG, nothing fetched),
/// a section per scenario with its verdicts and timeline.
public enum HTMLReport: ReportWriter {
    public static let fileName = "report.html"

    public static func render(_ suite: SuiteResult) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>llmchaos \(escape(suite.invocation))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1000px; }
        .pass { color: #1a7f37; } .fail { color: #cf222e; } .warn { color: #9a6700; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; width: 100%; }
        td, th { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 14px; }
        section { border-top: 2px solid #eee; margin-top: 2em; padding-top: 1em; }
        .meta { color: #666; font-size: 13px; }
        details { font-size: 13px; color: #444; }
        pre { white-space: pre-wrap; font-size: 13px; }
        </style></head><body>
        <h1 class="\(suite.passed ? "pass" : "fail")">llmchaos: \(suite.passed ? "passed" : "failed")</h1>
        <p class="meta">run \(escape(suite.invocation)) · \(suite.results.count) scenarios · \(suite.expectationCount) expectations · \(suite.failedCount) failed</p>

        """
        for result in suite.results { html += section(result) }
        return html + "</body></html>\n"
    }

    static func section(_ result: ScenarioResult) -> String {
        let info = result.log.info
        let stats = RunStatistics(result.log)
        var html = "<section id=\"\(escape(info.scenario))\">\n"
        html += "<h2 class=\"\(result.passed ? "pass" : "fail")\">\(result.passed ? "✔" : "✘") \(escape(info.scenario))</h2>\n"
        if let description = result.description { html += "<p>\(escape(description))</p>\n" }
        html += "<p class=\"meta\">\(escape(info.file)) · seed \(info.seed) · \(DurationText.format(info.duration)) at time scale \(info.timeScale) · target \(escape(info.target)) · \(info.status.rawValue)"
        // Nothing ran: empty statistics, tables and charts would only bury the reason.
        if info.status == .notStarted { return html + "</p>\n<pre class=\"fail\">\(escape(info.incompletion ?? ""))</pre>\n</section>\n" }
        html += " · \(stats.requests) requests, p50 \(DurationText.format(stats.p50)), p99 \(DurationText.format(stats.p99)), \(stats.upstreamAttempts) upstream attempts, \(stats.alertsFired) alerts, \(stats.droppedRequests) dropped</p>\n"
        if let incompletion = info.incompletion { html += "<pre class=\"fail\">\(escape(incompletion))</pre>\n" }
        if let note = result.rerunNote { html += "<p class=\"warn\">↻ \(escape(note))</p>\n" }
        if let saturation = info.saturation { html += "<p class=\"warn\">⚠️ \(escape(saturation))</p>\n" }
        html += "<table><tr><th></th><th>expectation</th><th>measured</th></tr>\n"
        for verdict in result.verdicts {
            html += "<tr><td class=\"\(verdict.passed ? "pass" : "fail")\">\(verdict.passed ? "✔" : "✘")</td><td><b>\(escape(verdict.kind))</b> \(escape(verdict.expectation))</td><td>\(escape(verdict.measured))"
            var details = verdict.evidence
            if let tolerance = verdict.tolerance { details.append("tolerance \(tolerance)") }
            details += verdict.offenders.map { "offender: \($0)" }
            if !details.isEmpty { html += "<details><summary>evidence</summary>" + details.map(escape).joined(separator: "<br>") + "</details>" }
            html += "</td></tr>\n"
        }
        html += "</table>\n"
        html += SVGTimeline.render(result.log) + "\n</section>\n"
        return html
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
