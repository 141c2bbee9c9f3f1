import ChaosCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Results
import Testing
import Verdicts

@Suite struct ReportTests {
    let suite: SuiteResult = {
        let failed = Verdict(kind: "alert", expectation: "HighErrorRate fires within 1m of \"storm\"", passed: false,
                             measured: "HighErrorRate never fired <after> storm & co", evidence: ["fault storm from 30s to 1m"],
                             offenders: [Offender(requestID: "r3", at: .seconds(31), reason: "no page")], tolerance: "±900ms")
        let passed = Verdict(kind: "slo", expectation: "p99 ≤ 10s", passed: true, measured: "p99 1.5s")
        return SuiteResult(invocation: "inv-1", startedAt: Date(timeIntervalSince1970: 0), results: [
            ScenarioResult(log: sampleLog(), verdicts: [passed, failed], description: "a test", wallSeconds: 1.25),
        ])
    }()

    @Test func junitHasASuitePerScenarioAndTheEvidenceInTheFailure() throws {
        let xml = JUnitReport.render(suite)
        let document = try XMLDocument(xmlString: xml)
        let suites = try document.nodes(forXPath: "//testsuite")
        #expect(suites.count == 1)
        #expect(try document.nodes(forXPath: "//testcase").count == 2)
        let failure = try #require(try document.nodes(forXPath: "//failure").first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue == "HighErrorRate never fired <after> storm & co")
        #expect(failure.stringValue?.contains("r3 at 31s: no page") == true)
        #expect(failure.stringValue?.contains("tolerance ±900ms") == true)
        #expect((suites.first as? XMLElement)?.attribute(forName: "failures")?.stringValue == "1")
    }

    @Test func jsonCarriesVerdictsAndStatistics() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(suite).utf8)) as? [String: Any])
        #expect(json["passed"] as? Bool == false)
        let scenario = try #require((json["scenarios"] as? [[String: Any]])?.first)
        let statistics = try #require(scenario["statistics"] as? [String: Any])
        #expect(statistics["requests"] as? Int == 20)
        #expect((statistics["servedBy"] as? [String: Int])?["claude-opus-4-7"] == 10)
        #expect((scenario["verdicts"] as? [[String: Any]])?.count == 2)
    }

    @Test func markdownListsFailuresWithEvidence() {
        let md = MarkdownReport.render(suite)
        #expect(md.hasPrefix("# llmchaos ❌ failed"))
        #expect(md.contains("| sample | ❌ 1/2 | 20 |"))
        #expect(md.contains("HighErrorRate never fired"))
        #expect(md.contains("`r3` at 31s"))
    }

    /// What the upstream calls cost, as the pipeline priced them; a target of
    /// one's own that reports no cost shows a dash, not a free run.
    @Test func markdownShowsWhatEachRunCost() {
        var priced = sampleLog()
        for index in priced.requests.indices { priced.requests[index].cost = 0.0125 }
        var external = sampleLog()
        external.info.scenario = "external"
        external.info.target = "http://127.0.0.1:9000/query"
        let md = MarkdownReport.render(SuiteResult(invocation: "inv-4", startedAt: Date(timeIntervalSince1970: 0), results: [
            ScenarioResult(log: priced, verdicts: []), ScenarioResult(log: external, verdicts: []),
        ]))
        #expect(md.contains("| errors | cost | served by |"))
        #expect(md.contains("| sample | ✅ 0/0 | 20 | 1.5s | 15.0% | $0.2500 |"), "\(md)")
        #expect(md.contains("| external | ✅ 0/0 | 20 | 1.5s | 15.0% | — |"), "\(md)")
    }

    @Test func aRunWhoseTargetNeverStartedIsAnErrorInEveryReport() throws {
        let info = RunInfo(runID: "inv-2/dead", scenario: "dead", duration: .seconds(30), target: "http://127.0.0.1:9/q",
                           status: .notStarted, startProblem: "'app' exited (status 4); its last output:\nconfig <missing>\n")
        let suite = SuiteResult(invocation: "inv-2", startedAt: Date(timeIntervalSince1970: 0), results: [ScenarioResult(log: RunLog(info: info), verdicts: [])])
        #expect(!suite.passed)
        let document = try XMLDocument(xmlString: JUnitReport.render(suite))
        let error = try #require(try document.nodes(forXPath: "//testsuite[@name='dead']/testcase/error").first as? XMLElement)
        #expect(error.attribute(forName: "message")?.stringValue == "the target could not be started")
        #expect(error.stringValue?.contains("config <missing>") == true)
        let markdown = MarkdownReport.render(suite)
        #expect(markdown.contains("| dead | ⚠️ not_started |"))
        #expect(markdown.contains("- ⚠️ the target could not be started: 'app' exited (status 4); its last output:\n\n  ```\n  config <missing>\n  ```"))
        let html = HTMLReport.render(suite)
        #expect(html.contains("<pre class=\"fail\">the target could not be started: 'app' exited (status 4); its last output:\nconfig &lt;missing&gt;"))
        #expect(!html.contains("<svg") && !html.contains("<table"), "no empty charts or tables for a run that never started")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(suite).utf8)) as? [String: Any])
        let stored = try #require((json["scenarios"] as? [[String: Any]])?.first?["info"] as? [String: Any])
        #expect(stored["status"] as? String == "not_started")
        #expect((stored["startProblem"] as? String)?.contains("config <missing>") == true)
    }

    /// A run whose harness was short of CPU passes or fails on its own terms,
    /// but every report says the machine may have set its latencies.
    @Test func aRunShortOfCPUIsFlaggedInEveryReport() throws {
        var log = sampleLog()
        log.info.timeScale = 60
        log.info.timerLateness = TimerLateness(p50: .milliseconds(240), p99: .seconds(3), max: .seconds(4), samples: 250)
        let warning = try #require(log.info.saturation)
        var quiet = sampleLog()
        quiet.info.scenario = "quiet"
        quiet.info.timerLateness = TimerLateness(p50: .milliseconds(10), p99: .milliseconds(200), max: .milliseconds(300), samples: 250)
        let suite = SuiteResult(invocation: "inv-3", startedAt: Date(timeIntervalSince1970: 0), results: [
            ScenarioResult(log: log, verdicts: []), ScenarioResult(log: quiet, verdicts: []),
        ])
        let markdown = MarkdownReport.render(suite)
        #expect(markdown.contains("⚠️ **sample**: \(warning)."))
        #expect(!markdown.contains("**quiet**"))
        #expect(HTMLReport.render(suite).contains("<p class=\"warn\">⚠️ the harness was short of CPU"))
        let junit = try XMLDocument(xmlString: JUnitReport.render(suite))
        #expect(try junit.nodes(forXPath: "//testsuite[@name='sample']//property[@name='short_of_cpu']/@value").first?.stringValue == warning)
        #expect(try junit.nodes(forXPath: "//testsuite[@name='quiet']//property[@name='short_of_cpu']").isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONReport.render(suite).utf8)) as? [String: Any])
        let info = try #require((json["scenarios"] as? [[String: Any]])?.first?["info"] as? [String: Any])
        #expect((info["timerLateness"] as? [String: Any])?["p50"] as? Double == 240)
    }

    @Test func htmlIsSelfContainedWithATimeline() throws {
        let html = HTMLReport.render(suite)
        #expect(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!html.contains("<script src") && !html.contains("<link"))
        let svg = try #require(html.range(of: "<svg")).lowerBound
        let timeline = String(html[svg...])
        #expect(timeline.contains("class=\"fault\""), "fault window shaded")
        #expect(timeline.contains("storm &lt;&amp;&gt;"), "names escaped")
        #expect(timeline.contains("class=\"alert\""), "alert marked")
        #expect(timeline.contains("<polyline"), "latency and rates drawn")
        // The SVG is well-formed XML.
        let end = try #require(timeline.range(of: "</svg>")).upperBound
        _ = try XMLDocument(xmlString: String(timeline[..<end]))
    }
}
