import ArgumentParser
import ChaosCore
import Foundation
import Pipeline
import PipelineService
import Workload

/// `llmchaos pipeline serve`: the reference pipeline as an HTTP service.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "The reference reliability pipeline.",
        subcommands: [Serve.self]
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the pipeline over HTTP: POST /query, GET /health, GET /metrics, POST /admin/prompt-version, POST /admin/flags.",
            discussion: "Example: llmchaos pipeline serve --upstream http://127.0.0.1:8787 --port 9000 --spans traces.jsonl"
        )

        @Option(help: "The Anthropic-compatible base URL to call, the mock usually (default: $ANTHROPIC_BASE_URL).")
        var upstream: String?

        /// `--upstream`, else `ANTHROPIC_BASE_URL`, as every Anthropic SDK reads it.
        var baseURL: String? { upstream ?? ProcessInfo.processInfo.environment["ANTHROPIC_BASE_URL"] }

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port = 9000

        @Option(name: .customLong("api-key"), help: "Key sent upstream (default: $ANTHROPIC_API_KEY, else a placeholder the mock accepts).")
        var apiKey: String?

        @Option(name: .customLong("time-scale"), help: "Scenario seconds per real second; match the mock's.")
        var timeScale = 1.0

        @Flag(help: "Stream answers from the models (SSE).")
        var stream = false

        @Option(help: "A folder of prompt versions (*.md), e.g. mocks/prompts/sql.")
        var prompts: String?

        @Option(name: .customLong("prompt-version"), help: "The prompt version to start with.")
        var promptVersion = "v1"

        @Option(name: .customLong("alert-webhook"), help: "An Alertmanager-compatible URL to post alerts to.")
        var alertWebhook: String?

        @Flag(name: .customLong("route-by-complexity"), help: "Send easy questions to the cheaper model first.")
        var routeByComplexity = false

        @Flag(name: .customLong("log"), help: "Print one JSON line per model call and per answer to standard error.")
        var log = false

        @Option(help: ArgumentHelp("Append each answer's trace to this file, one line of OTLP/JSON per answer (the OpenTelemetry file format).", valueName: "file"))
        var spans: String?

        @Flag(name: .customLong("allow-remote"), help: "Allow an upstream that is not on this machine (the real API).")
        var allowRemote = false

        func validate() throws {
            let source = upstream == nil ? "ANTHROPIC_BASE_URL" : "--upstream"
            guard let baseURL else {
                throw ValidationError("name the API to call: --upstream http://127.0.0.1:8787 (the mock's address), or set ANTHROPIC_BASE_URL")
            }
            guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
                throw ValidationError("\(source) must be a URL such as http://127.0.0.1:8787, not '\(baseURL)'")
            }
            if !allowRemote, !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) {
                throw ValidationError("\(source) \(host) is not on this machine; add --allow-remote to call it")
            }
            if timeScale <= 0 { throw ValidationError("--time-scale must be greater than 0") }
        }

        func run() async throws {
            let clock = ScaledClock(timeScale: timeScale)
            var configuration = PipelineConfiguration()
            if stream {
                configuration.tiers = configuration.tiers.map { tier in
                    guard case var .model(model) = tier else { return tier }
                    model.stream = true
                    return .model(model)
                }
            }
            do {
                if let prompts { configuration.prompts = try PromptRegistry.load(directory: prompts, active: promptVersion) }
            } catch {
                printError("error: --prompts: \(error)")
                throw Exit.usage
            }
            configuration.alertWebhook = alertWebhook
            configuration.routeByComplexity = routeByComplexity
            if log { configuration.log = { printError($0) } }
            if let spans {
                do {
                    let file = try LineFile(appendingTo: spans)
                    configuration.spans = { file.append($0) }
                } catch {
                    printError("error: --spans: cannot write \(spans): \(error.localizedDescription); name a file in a folder that exists")
                    throw Exit.usage
                }
            }
            let key = apiKey ?? ProcessInfo.processInfo.environment["ANTHROPIC_API_KEY"] ?? "sk-llmchaos-local"
            let pipeline = AnalyticsPipeline(
                configuration: configuration, client: ModelClient(baseURL: baseURL ?? "", apiKey: key, clock: clock), dataset: try AnalyticsDataset()
            )
            let running: RunningPipeline
            do {
                running = try await PipelineServer(pipeline: pipeline, host: host, port: port).start(shutdownSignals: [.sigint, .sigterm])
            } catch {
                let text = "\(error)"
                printError(text.contains("Address already in use") ? "error: port \(port) on \(host) is in use: pick another with --port" : "error: \(text)")
                throw Exit.usage
            }
            Out.line("llmchaos pipeline listening on \(running.baseURL), upstream \(baseURL ?? "")")
            Out.line("  curl -s \(running.baseURL)/query -d '{\"question\": \"What is the total revenue by region?\"}'")
            try await running.wait()
        }
    }
}
