import ArgumentParser
import Faults
import Harness
import Scenario

/// `llmchaos validate FILE|DIR…`: checks scenarios and reports every problem.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files; print every problem as file:line: message (exit 2 if any)."
    )

    @Argument(help: "Scenario files, or folders to search for .yaml/.yml files.")
    var paths: [String] = ["scenarios"]

    func run() throws {
        let files = LoadedScenario.files(in: paths)
        guard !files.isEmpty else {
            printError("error: no scenario files in \(paths.joined(separator: ", "))")
            throw Exit.usage
        }
        var failed = 0
        for file in files {
            do {
                let plan = try ScenarioPlan.load(path: file)
                Out.line("ok    \(file)  (\(plan.scenario.faults.count) faults, \(plan.expectations.count) expectations, target \(plan.targetSummary))")
            } catch {
                failed += 1
                for problem in error.all { printError(problem.description) }
            }
        }
        if failed > 0 {
            printError("\(failed) of \(files.count) scenario files have problems")
            throw Exit.usage
        }
    }
}
