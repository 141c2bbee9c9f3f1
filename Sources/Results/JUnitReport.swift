import ChaosCore
import Foundation
import Verdicts

/// `junit.xml`: a testsuite per scenario, a testcase per expectation, the evidence
/// in the failure message, as CI systems read it.
public enum JUnitReport: ReportWriter {
    public static let fileName = "junit.xml"

    public static func render(_ suite: SuiteResult) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        let total = suite.results.reduce(0) { $0 + Swift.max(1, $1.verdicts.count) }
        let failures = suite.failedCount
        let errors = suite.results.filter { $0.log.info.status != .completed }.count
        let time = suite.results.reduce(0) { $0 + $1.wallSeconds }
        xml += #"<testsuites name="llmchaos" tests="\#(total)" failures="\#(failures)" errors="\#(errors)" time="\#(seconds(time))">"# + "\n"
        for result in suite.results {
            let info = result.log.info
            let aborted = info.incompletion != nil
            let tests = Swift.max(1, result.verdicts.count)
            xml += #"  <testsuite name="\#(escape(info.scenario))" tests="\#(tests)" failures="\#(result.failedCount)" errors="\#(aborted ? 1 : 0)" time="\#(seconds(result.wallSeconds))" file="\#(escape(info.file))">"# + "\n"
            xml += "    <properties>\n"
            var properties = [("run_id", info.runID), ("seed", String(info.seed)), ("time_scale", String(info.timeScale)), ("target", info.target)]
            if let attempt = info.attempt { properties.append(("attempt", String(attempt))) }
            if let saturation = info.saturation { properties.append(("short_of_cpu", saturation)) }
            for (name, value) in properties {
                xml += #"      <property name="\#(name)" value="\#(escape(value))"/>"# + "\n"
            }
            xml += "    </properties>\n"
            if let note = result.rerunNote { xml += "    <system-out>\(escape(note))</system-out>\n" }
            if let incompletion = info.incompletion {
                let message = info.status == .notStarted ? "the target could not be started" : "the run was \(info.status.rawValue)"
                xml += #"    <testcase name="run" classname="\#(escape(info.scenario))"><error message="\#(escape(message))">\#(escape(incompletion))</error></testcase>"# + "\n"
            } else if result.verdicts.isEmpty {
                xml += #"    <testcase name="run" classname="\#(escape(info.scenario))"><system-out>no expectations: the run completed, nothing was judged</system-out></testcase>"# + "\n"
            }
            for verdict in result.verdicts {
                xml += #"    <testcase name="\#(escape(verdict.kind + ": " + verdict.expectation))" classname="\#(escape(info.scenario))""#
                if verdict.passed {
                    xml += "><system-out>\(escape(verdict.measured))</system-out></testcase>\n"
                } else {
                    xml += ">\n"
                    xml += #"      <failure message="\#(escape(verdict.measured))" type="\#(escape(verdict.kind))">\#(escape(details(verdict)))</failure>"# + "\n"
                    xml += "    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    /// A suite that could not start because its scenario files have problems: a
    /// testsuite of errors, one per file, so that CI shows why rather than a
    /// missing report. `problems` are `file:line: message` lines, by file.
    public static func render(problemsByFile problems: [(file: String, lines: [String])]) -> String {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="llmchaos" tests="\#(problems.count)" failures="0" errors="\#(problems.count)" time="0.000">"# + "\n"
        xml += #"  <testsuite name="scenario files" tests="\#(problems.count)" failures="0" errors="\#(problems.count)" time="0.000">"# + "\n"
        for (file, lines) in problems {
            let message = "\(lines.count) problem\(lines.count == 1 ? "" : "s"); no scenario was run"
            xml += #"    <testcase name="\#(escape(file))" classname="scenario files"><error message="\#(message)">\#(escape(lines.joined(separator: "\n")))</error></testcase>"# + "\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    static func details(_ verdict: Verdict) -> String {
        var lines = [verdict.measured] + verdict.evidence
        if let tolerance = verdict.tolerance { lines.append("tolerance \(tolerance) (clock noise at this time scale)") }
        if !verdict.offenders.isEmpty { lines.append("first offenders:"); lines += verdict.offenders.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
            // XML 1.0 cannot carry other control characters, even escaped.
            case _ where scalar.value < 0x20: out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
