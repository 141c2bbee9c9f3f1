import ArgumentParser
import Foundation
import Harness

/// `llmchaos report RUN_ID`: judges a stored run again and rewrites its reports.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Judge a stored run again, from the RunLog alone, and rewrite its reports.",
        discussion: "Without a run id, lists the newest runs in the store."
    )

    @Argument(help: "A run id as `llmchaos run` printed it (or one scenario's, <run-id>/<scenario>).")
    var runID: String?

    @Option(help: "Folder for reports and the RunLog database.")
    var results = "results"

    @Option(help: "Also write the JUnit XML report here.")
    var junit: String?

    func run() async throws {
        var options = SuiteRunner.Options()
        options.resultsDirectory = results
        options.junitPath = junit
        let runner = SuiteRunner(options: options)
        guard FileManager.default.fileExists(atPath: (results as NSString).appendingPathComponent("runlog.sqlite")) else {
            printError("error: no RunLog in \(results)/ (runlog.sqlite): run `llmchaos run` first, or pass --results")
            throw Exit.usage
        }
        guard let runID else {
            let recent = try await runner.recentInvocations()
            if recent.isEmpty { Out.line("no runs stored in \(results)/runlog.sqlite") }
            for id in recent { Out.line(id) }
            return
        }
        let outcome: SuiteRunner.Outcome?
        do { outcome = try await runner.rejudge(runID) } catch {
            printError("error: \(error)")
            throw Exit.usage
        }
        guard let outcome else {
            printError("error: no run '\(runID)' in \(results)/runlog.sqlite; `llmchaos report` lists the stored runs")
            throw Exit.usage
        }
        Summary.print(outcome)
        throw ExitCode(outcome.exitCode)
    }
}
