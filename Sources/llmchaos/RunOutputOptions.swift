import ArgumentParser
import Harness

/// Where `run` and `sweep` write, and whether they show progress.
struct RunOutputOptions: ParsableArguments {
    @Option(help: "Folder for reports and the RunLog database.")
    var results = "results"

    @Flag(help: "No progress output; only the final summary.")
    var quiet = false

    func validate() throws {
        try Writable.folder(results, flag: "--results")
    }

    var runnerOptions: SuiteRunner.Options {
        var options = SuiteRunner.Options()
        options.resultsDirectory = results
        options.progress = quiet ? RunProgress(style: .silent) : .automatic()
        return options
    }
}
