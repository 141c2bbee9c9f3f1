import ArgumentParser
import Foundation
import Harness
import Results
import Scenario
import Synchronization

/// `llmchaos run [FILE|DIR…]`: plays scenarios and judges them.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios against their target (the built-in pipeline by default) and judge every expectation.",
        discussion: """
            Reports go to <results>/<run-id>/: report.json, junit.xml, summary.md, report.html.
            Every run is stored in <results>/runlog.sqlite; `llmchaos report <run-id>` judges it again.
            Exit codes: 0 every expectation held, 1 one failed (or a run was interrupted), \
            2 a scenario has problems, 3 a target could not be started.
            """
    )

    @Argument(help: "Scenario files, or folders to search for .yaml/.yml files.")
    var paths: [String] = ["scenarios"]

    @Option(help: "Also write the JUnit XML report here.")
    var junit: String?

    @Option(help: ArgumentHelp(
        "Run a scenario again, up to this many times, when it failed while the harness was short of CPU.",
        discussion: "Each attempt is stored; only the last one's verdicts count. 0 never runs one again.",
        valueName: "n"
    ))
    var starvedReruns = 1

    @OptionGroup var output: RunOutputOptions

    func validate() throws {
        if let junit { try Writable.file(junit, flag: "--junit") }
        guard starvedReruns >= 0 else { throw ValidationError("--starved-reruns must be 0 or more, not \(starvedReruns)") }
    }

    func run() async throws {
        let (plans, problems) = SuiteRunner.loadPlans(paths)
        guard problems.isEmpty else {
            for problem in problems { printError(problem.description) }
            printError("no scenario was run: fix the problems above (llmchaos validate checks them)")
            if let junit { writeProblems(problems, junit: junit) }
            throw Exit.usage
        }
        var options = output.runnerOptions
        options.junitPath = junit
        options.starvedReruns = starvedReruns
        let runner = SuiteRunner(options: options)
        let task = Task { try await runner.run(plans) }
        let signals = Interrupts.onInterrupt {
            printError("\ninterrupted: stopping the current scenario, writing what it recorded (Ctrl-C again to quit at once)")
            task.cancel()
        }
        defer { signals.forEach { $0.cancel() } }
        let outcome: SuiteRunner.Outcome
        do { outcome = try await task.value } catch {
            printError("error: \(Self.describe(error))")
            throw Exit.failed
        }
        Summary.print(outcome)
        throw ExitCode(outcome.exitCode)
    }
}

extension RunCommand {
    /// CI reads the JUnit file: it says why nothing ran, a file an error.
    func writeProblems(_ problems: [ConfigProblem], junit: String) {
        var byFile: [(file: String, lines: [String])] = []
        for problem in problems {
            if let index = byFile.firstIndex(where: { $0.file == problem.location.file }) {
                byFile[index].lines.append(problem.description)
            } else {
                byFile.append((problem.location.file, [problem.description]))
            }
        }
        do {
            try JUnitReport.render(problemsByFile: byFile).write(toFile: junit, atomically: true, encoding: .utf8)
        } catch {
            printError("error: --junit \(junit): \(Self.describe(error))")
        }
    }

    /// Foundation's errors print as `Error Domain=NSCocoaErrorDomain Code=4 …`;
    /// the sentence and the path are what a user can act on.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? CocoaError else { return "\(error)" }
        return error.localizedDescription + (error.filePath.map { " (\($0))" } ?? "")
    }
}

/// The closing lines every run and report prints.
enum Summary {
    static func print(_ outcome: SuiteRunner.Outcome) {
        let suite = outcome.suite
        for result in suite.results {
            let info = result.log.info
            for verdict in result.verdicts where !verdict.passed {
                Out.line("FAIL \(info.scenario) · \(verdict.kind): \(verdict.expectation)")
                Out.line("     \(verdict.measured)")
                for offender in verdict.offenders.prefix(3) { Out.line("     e.g. \(offender)") }
            }
            if info.status == .aborted || info.status == .running, let incompletion = info.incompletion { Out.line("ABORTED \(info.scenario): \(incompletion)") }
            if info.status == .superseded, let incompletion = info.incompletion { Out.line("SET ASIDE \(info.scenario): \(incompletion)") }
            if let note = result.rerunNote { Out.line("RERUN \(info.scenario): \(note)") }
        }
        for failure in outcome.startFailures { Out.line("ERROR \(failure)") }
        let started = suite.results.count - outcome.startFailures.count
        var verdictLine = "\(suite.expectationCount - suite.failedCount)/\(suite.expectationCount) expectations held in \(started) scenarios"
        if !outcome.startFailures.isEmpty { verdictLine += "; \(outcome.startFailures.count) could not start" }
        Out.line((outcome.exitCode == 0 ? "passed: " : "failed: ") + verdictLine)
        Out.line("reports: \(outcome.directory)/ (report.html, summary.md, junit.xml, report.json) · run id \(suite.invocation)")
    }
}

/// SIGINT and SIGTERM handlers: the first asks the run to stop cleanly, the second quits.
enum Interrupts {
    static func onInterrupt(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        let seen = Counter()
        return [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if seen.increment() > 0 {
                    TargetProcess.killAll()
                    Foundation.exit(130)
                }
                handler()
            }
            source.resume()
            return source
        }
    }

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        /// Adds one; returns the count before.
        func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
    }
}
