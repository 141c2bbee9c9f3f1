import Foundation
@testable import Harness
import Results
import Testing

@Suite struct ExternalRunLogTests {
    /// A scenario run again keeps the first attempt's service output: the attempt
    /// set aside is evidence too, and its log must not be overwritten.
    @Test(arguments: [(1, "svc.target.log"), (2, "svc#2.target.log")])
    func eachAttemptKeepsItsOwnServiceLog(attempt: Int, file: String) throws {
        let plan = try ScenarioPlan.parse(yaml: """
            name: svc
            duration: 10s
            target:
              command: python3 app.py
              ready: http://127.0.0.1:9000/health
              request: { method: POST, url: "http://127.0.0.1:9000/query" }
            load: { arrival: { rate: 1/s } }
            """, file: "svc.yaml")
        guard case let .external(spec) = plan.target else { Issue.record("not an external target"); return }
        let folder = NSTemporaryDirectory() + "llmchaos-attempt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runner = ScenarioRunner(
            plan: plan, invocation: "inv", store: try RunStore(path: folder + "/runlog.sqlite"), progress: RunProgress(style: .silent),
            reportsDirectory: folder, attempt: attempt
        )
        #expect(runner.makeInfo().runID == (attempt == 1 ? "inv/svc" : "inv/svc#2"))
        let log = ExternalRun(plan: plan, spec: spec, runner: runner).logFile()
        #expect(log.kept && log.path == folder + "/" + file)
    }
}
