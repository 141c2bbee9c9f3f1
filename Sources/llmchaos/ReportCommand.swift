import ArgumentParser
import Foundation
import Harness
import Results

/// `llmchaos report RUN_ID`: judges a stored run again and rewrites its reports.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Judge a stored run again, from the RunLog alone, and rewrite its reports.",
        discussion: """
            Without a run id, lists the newest runs in the store.
            --compare A B puts two stored sweeps side by side (before and after a change), level by level,
            and writes <results>/compare-A-B.md.
            """
    )

    @Argument(help: "A run id as `llmchaos run` printed it (or one scenario's, <run-id>/<scenario>).")
    var runID: String?

    @Option(help: "Folder for reports and the RunLog database.")
    var results = "results"

    @Option(help: "Also write the JUnit XML report here.")
    var junit: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Compare two stored sweeps: --compare A B (sweep ids as `llmchaos sweep` printed them).", valueName: "sweep-id"))
    var compare: [String] = []

    func run() async throws {
        var options = SuiteRunner.Options()
        options.resultsDirectory = results
        options.junitPath = junit
        let runner = SuiteRunner(options: options)
        guard FileManager.default.fileExists(atPath: (results as NSString).appendingPathComponent("runlog.sqlite")) else {
            printError("error: no RunLog in \(results)/ (runlog.sqlite): run `llmchaos run` first, or pass --results")
            throw Exit.usage
        }
        if !compare.isEmpty { return try await compareSweeps(options) }
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

    private func compareSweeps(_ options: SuiteRunner.Options) async throws {
        guard compare.count == 2, runID == nil else {
            printError("error: --compare takes two sweep ids and no run id: llmchaos report --compare A B")
            throw Exit.usage
        }
        let runner = SweepRunner(options: options)
        var sweeps: [SweepResult] = []
        for id in compare {
            let sweep: SweepResult?
            do { sweep = try await runner.stored(id) } catch {
                printError("error: \(error)")
                throw Exit.usage
            }
            guard let sweep else {
                printError("error: --compare: no sweep '\(id)' in \(results)/runlog.sqlite (its levels are runs named <scenario>@<level>); `llmchaos report` lists the stored runs")
                throw Exit.usage
            }
            sweeps.append(sweep)
        }
        let text = SweepComparison.markdown(sweeps[0], sweeps[1])
        let path = (results as NSString).appendingPathComponent("compare-\(compare[0])-\(compare[1]).md")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        Out.line(text)
        Out.line("written to \(path)")
    }
}
