import ArgumentParser
import Harness

/// `llmchaos schema`: the JSON Schema of scenario files.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of scenario files (for editors: yaml-language-server, VS Code)."
    )

    func run() throws {
        Out.line(ScenarioSchema.json)
    }
}
