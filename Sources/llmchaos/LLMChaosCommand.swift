import ArgumentParser
import Foundation

/// `llmchaos`: chaos and load testing for LLM pipelines.
@main
struct LLMChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmchaos",
        abstract: "Chaos and load testing for LLM pipelines: a mock Claude server with scheduled faults.",
        discussion: """
            Exit codes: 0 all good, 1 an expectation failed, 2 a usage or scenario error, 3 a target could not be started.
            Scenario format: see SCENARIOS.md; every duration is scenario time.
            """,
        subcommands: [RunCommand.self, SweepCommand.self, ReportCommand.self, MockCommand.self, PipelineCommand.self, ValidateCommand.self, SchemaCommand.self]
    )

    /// ArgumentParser reports usage errors with 64 (EX_USAGE); llmchaos promises 2
    /// for every usage error, as for a bad scenario file.
    static func main() async {
        raiseOpenFileLimit()
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(Exit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Lifts the soft limit on open files to the hard one, as Go programs do at start:
/// a load run opens a connection per request in flight and the mock holds one per
/// stream, and a desktop's default soft limit (often 1,024) would turn a
/// capacity test into "too many open files" errors blamed on the target.
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// Exit codes shared by every subcommand.
enum Exit {
    static let usage = ExitCode(2)
    static let failed = ExitCode(1)
}

/// Writes a line to standard error.
func printError(_ text: String) {
    var stderr = StandardError()
    print(text, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleStderr.write(string)
    }
}
