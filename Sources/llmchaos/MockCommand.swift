import ArgumentParser
import ChaosCore
import Faults
import MockClaude
import Scenario

/// `llmchaos mock`: the mock Claude server on its own, for an app pointed at it.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the mock Claude API, playing a scenario's faults on schedule.",
        discussion: """
            Point any client at it: ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ./your-app
            Inspect and steer it: curl -s 127.0.0.1:8787/_chaos/journal
            """
    )

    @Option(help: "A scenario whose faults to play (none: a healthy API).")
    var scenario: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8787

    @Option(help: "Seed for fault decisions (default: the scenario's).")
    var seed: UInt64?

    @Option(name: .customLong("time-scale"), help: "Scenario seconds per real second (default: the scenario's, else 1).")
    var timeScale: Double?

    @Option(name: .customLong("control-token"), help: "Require 'Authorization: Bearer TOKEN' on /_chaos/.")
    var controlToken: String?

    @Flag(name: .customLong("allow-remote-control"), help: "Serve /_chaos/ to non-loopback clients.")
    var allowRemoteControl = false

    @Option(name: .customLong("api-date"), help: "Play the API as it was on this day (yyyy-MM-dd): models retired by then are 404s (default: the scenario's api_date, else \(MockConfiguration.catalogDate)).")
    var apiDate: String?

    @Option(name: .customLong("judge-pattern"), help: "A regular expression that marks judge calls, besides [llmchaos:judge].")
    var judgePattern: String?

    @Option(name: .customLong("max-file-size"), help: "Refuse a Files API upload larger than this with 413, as the API does above 500MB (such as 20MB).")
    var maxFileSize: String?

    @Option(name: .customLong("file-storage"), help: "Refuse uploads past this much stored with storage_quota_exceeded, as the API does past an organization's 500GB (such as 1GB).")
    var fileStorage: String?

    @Flag(help: "Do not print fault windows as they open and close.")
    var quiet = false

    func validate() throws {
        if let timeScale, timeScale <= 0 { throw ValidationError("--time-scale must be greater than 0") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if let apiDate, APIDate.parse(apiDate) == nil { throw ValidationError("--api-date must be a day such as 2026-07-01, found '\(apiDate)'") }
        for (flag, size) in [("--max-file-size", maxFileSize), ("--file-storage", fileStorage)] {
            if let size, ByteSize.parse(size) == nil { throw ValidationError("\(flag) must be a size such as 500MB, 2GB or 1048576 (bytes), found '\(size)'") }
        }
    }

    func run() async throws {
        var plan = FaultPlan(seed: seed ?? 0)
        var scale = timeScale ?? 1
        var day = apiDate ?? MockConfiguration.catalogDate
        if let scenario {
            do {
                let loaded = try LoadedScenario.load(path: scenario)
                plan = FaultPlan(seed: seed ?? loaded.scenario.seed, faults: loaded.plan.faults)
                scale = timeScale ?? loaded.scenario.timeScale
                day = apiDate ?? loaded.scenario.apiDate ?? MockConfiguration.catalogDate
            } catch {
                for problem in error.all { printError(problem.description) }
                throw Exit.usage
            }
        }
        var configuration = MockConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.controlToken = controlToken
        configuration.allowRemoteControl = allowRemoteControl
        configuration.judgePattern = judgePattern
        configuration.apiDate = day
        if let size = maxFileSize.flatMap(ByteSize.parse) { configuration.maxFileBytes = size }
        if let size = fileStorage.flatMap(ByteSize.parse) { configuration.fileStorageBytes = size }

        let running: RunningMock
        do {
            running = try await MockServer(configuration: configuration, plan: plan, clock: ScaledClock(timeScale: scale))
                .start(shutdownSignals: [.sigint, .sigterm])
        } catch let error as MockStartError {
            printError("error: \(error)")
            throw Exit.usage
        }
        Out.line("llmchaos mock listening on \(running.baseURL)  (time scale \(scale), seed \(plan.seed), \(plan.faults.count) faults, the API of \(day))")
        Out.line("  export ANTHROPIC_BASE_URL=\(running.baseURL)")
        Out.line("  journal: curl -s \(running.baseURL)/_chaos/journal")
        if timeScale == nil, scale != 1 {
            // A scenario compressed for CI plays in fast-forward against a person's app.
            Out.line("  the scenario's time scale: 1 real second is \(DurationText.format(.seconds(scale))) of it; --time-scale 1 plays it in real time")
        }
        for fault in plan.faults {
            let window = fault.spec.window
            Out.line("  fault \(fault.name) (\(fault.kind)) at \(DurationText.format(window.start))" + (window.length.map { " for \(DurationText.format($0))" } ?? " until stopped"))
        }
        let watcher = Task {
            guard !quiet else { return }
            for await event in running.windowEvents() {
                let stamp = "[\(DurationText.format(event.at))]"
                switch event.change {
                case .opened: Out.line("\(stamp) ▶ \(event.name) (\(event.kind)) opens" + (event.until.map { ", until \(DurationText.format($0))" } ?? ""))
                case .closed: Out.line("\(stamp) ■ \(event.name) closes")
                }
            }
        }
        defer { watcher.cancel() }
        try await running.wait()
        Out.line("llmchaos mock stopped; \(running.server.journal.lastSequence) requests served")
    }
}
