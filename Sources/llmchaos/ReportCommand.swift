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
            --compare A B puts two stored sweeps side by side (before and after a change), \
            level by level, and writes <results>/compare-A-B.md.
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

    func validate() throws {
        if let junit { try Writable.file(junit, flag: "--junit") }
    }

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
            for invocation in recent { Out.line(invocation.description) }
            return
        }
        let outcome = try await stored(
            "no run '\(runID)' in \(results)/runlog.sqlite; `llmchaos report` lists the stored runs"
        ) { try await runner.rejudge(runID) }
        Summary.print(outcome)
        throw ExitCode(outcome.exitCode)
    }

    /// What `load` finds in the store; a usage error saying `missing` when it finds
    /// nothing, or the store's own error when it cannot be read.
    private func stored<T>(_ missing: String, _ load: () async throws -> T?) async throws -> T {
        let found: T?
        do { found = try await load() } catch {
            printError("error: \(error)")
            throw Exit.usage
        }
        guard let found else {
            printError("error: \(missing)")
            throw Exit.usage
        }
        return found
    }

    private func compareSweeps(_ options: SuiteRunner.Options) async throws {
        guard compare.count == 2, runID == nil else {
            printError("error: --compare takes two sweep ids and no run id: llmchaos report --compare A B")
            throw Exit.usage
        }
        let runner = SweepRunner(options: options)
        var sweeps: [SweepResult] = []
        for id in compare {
            sweeps.append(try await stored(
                "--compare: no sweep '\(id)' in \(results)/runlog.sqlite (its levels are runs named <scenario>@<level>); `llmchaos report` lists the stored runs"
            ) { try await runner.stored(id) })
        }
        let text = SweepComparison.markdown(sweeps[0], sweeps[1])
        let path = (results as NSString).appendingPathComponent("compare-\(compare[0])-\(compare[1]).md")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        Out.line(text)
        Out.line("written to \(path)")
    }
}
