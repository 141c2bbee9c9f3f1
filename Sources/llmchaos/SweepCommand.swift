import ArgumentParser
import Foundation
import Harness

/// `llmchaos sweep FILE --concurrency 1,2,4,8 | --rate 5/s..200/s --steps 12`.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run one scenario at rising load and find the highest level that meets its SLO.",
        discussion: """
            Each level runs the whole scenario (same seed, same faults) with a fresh mock and pipeline, \
            swapping only the load: --concurrency for a closed model (users), --rate for an open one \
            (a range spaced on a log scale over --steps levels, or a list). The knee is the last level, \
            counting up from the lowest, at which every slo expectation holds (every expectation when \
            there is no slo); the report names what bound it.

            Reports go to <results>/<sweep-id>/: sweep.csv, sweep.json, sweep.md, sweep.html. \
            Each level is stored in <results>/runlog.sqlite; `llmchaos report <sweep-id>` judges them again.
            Exit codes: 0 the sweep ran and the lowest level met the SLO, 1 not even that \
            (or it was interrupted), 2 a usage or scenario error, 3 the target could not be started.
            """
    )

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(help: "Closed-model levels: users, such as 1,2,4,8,16, or 1,2,4,...,512 to continue the pattern.")
    var concurrency: String?

    @Option(help: "Open-model levels: a range such as 5/s..200/s (with --steps), or a list such as 5/s,10/s,20/s (or 5/s,10/s,15/s,...,40/s).")
    var rate: String?

    @Option(help: "How many levels a --rate range is cut into (default 8).")
    var steps: Int?

    @OptionGroup var output: RunOutputOptions

    func run() async throws {
        let spec: SweepSpec
        do { spec = try SweepSpec.parse(concurrency: concurrency, rate: rate, steps: steps) } catch {
            printError("error: \(error)")
            throw Exit.usage
        }
        let plan: ScenarioPlan
        do { plan = try ScenarioPlan.load(path: scenario) } catch {
            for problem in error.all { printError(problem.description) }
            printError("no level was run: fix the problems above (llmchaos validate checks them)")
            throw Exit.usage
        }
        let runner = SweepRunner(options: output.runnerOptions)
        let task = Task { try await runner.run(plan, spec: spec) }
        let signals = Interrupts.onInterrupt {
            printError("\ninterrupted: stopping the current level, writing what the sweep has (Ctrl-C again to quit at once)")
            task.cancel()
        }
        defer { signals.forEach { $0.cancel() } }
        let outcome: SweepRunner.Outcome
        do { outcome = try await task.value } catch {
            printError("error: \(error)")
            throw Exit.failed
        }
        for failure in outcome.startFailures { Out.line("ERROR \(failure)") }
        Out.line(outcome.result.headline)
        Out.line("reports: \(outcome.directory)/ (sweep.html, sweep.md, sweep.csv, sweep.json) · sweep id \(outcome.result.sweepID)")
        throw ExitCode(outcome.exitCode)
    }
}
