import ArgumentParser

/// `llmchaos`: chaos and load testing for LLM pipelines.
@main
struct LLMChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmchaos",
        abstract: "Chaos and load testing for LLM pipelines: a mock Claude server with scheduled faults.",
        discussion: """
            Exit codes: 0 all good, 1 an expectation failed, 2 a usage or scenario error.
            Scenario format: see SCENARIOS.md; every duration is scenario time.
            """,
        subcommands: [MockCommand.self, ValidateCommand.self]
    )
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
