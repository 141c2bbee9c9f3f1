import AsyncHTTPClient
import ChaosCore
import Foundation
import Load
import MockClaude
import Results
import Workload

/// Runs a scenario against the user's own service: the mock and an alert receiver
/// on loopback, the service started with `ANTHROPIC_BASE_URL` and
/// `LLMCHAOS_ALERT_WEBHOOK` pointing at them, load sent once its readiness URL
/// answers, and everything stopped at the end whatever happened.
struct ExternalRun {
    struct TargetLog { let path: String; let kept: Bool }

    let plan: ScenarioPlan
    let spec: ExternalTargetSpec
    let runner: ScenarioRunner

    func run() async throws -> ScenarioResult {
        let wallStart = ContinuousClock.now
        let name = plan.scenario.name
        let clock = RunClock(timeScale: plan.scenario.timeScale)
        let dataset = try AnalyticsDataset()
        let mock = try await runner.startMock(clock: clock, dataset: dataset)
        let receiver = AlertReceiver(clock: clock)
        let receiving: AlertReceiver.RunningReceiver
        do { receiving = try await receiver.start() } catch {
            await mock.stop()
            if Task.isCancelled { throw CancellationError() }
            throw TargetStartError(scenario: name, reason: "the alert receiver could not start: \(error)")
        }
        let http = ScenarioRunner.makeHTTPClient()
        let load = LoadHTTPClient()
        var process: TargetProcess?
        let log = logFile()
        func cleanUp() async {
            await process?.stop()
            if !log.kept { try? FileManager.default.removeItem(atPath: log.path) }
            await receiving.stop()
            await mock.stop()
            try? await http.shutdown()
            await load.shutdown()
        }
        do {
            if let command = spec.command, let ready = spec.ready, await answers(ready, http: http) {
                throw TargetStartError(scenario: name, reason: "\(ready) answers before '\(command)' has started: another process (one left running?) holds its port, and the load would go to it; stop it, or give the service another port")
            }
            if let command = spec.command {
                let environment = spec.environment.merging([
                    "ANTHROPIC_BASE_URL": mock.baseURL,
                    "LLMCHAOS_ALERT_WEBHOOK": receiving.url,
                    "LLMCHAOS_TIME_SCALE": String(plan.scenario.timeScale),
                    "ANTHROPIC_API_KEY": ProcessInfo.processInfo.environment["ANTHROPIC_API_KEY"] ?? "sk-llmchaos-external",
                ]) { _, harness in harness }
                do { process = try TargetProcess(command: command, environment: environment, logPath: log.path) } catch {
                    throw TargetStartError(scenario: name, reason: "could not run '\(command)': \(error)")
                }
            }
            if let ready = spec.ready { try await waitUntilReady(ready, http: http, process: process, log: log) }
            let grader = ExecutionGrader(dataset: dataset)
            let questions = GoldenQuestions.all
            let target = HTTPTarget(
                http: load,
                template: spec.request, fields: spec.fields,
                timeout: max(.seconds(1), clock.realDuration(of: .seconds(300))), clock: clock,
                question: { request in
                    let question = questions[Int(request.draw % UInt64(questions.count))]
                    return (question.id, question.question)
                },
                grade: { id, sql in
                    guard let question = questions.first(where: { $0.id == id }) else { return .unknown }
                    return await BuiltinTarget.grade(sql, question, grader)
                }
            )
            let session = RunSession(runner: runner, clock: clock, mock: mock)
            let played = try await session.play(target: target) {
                for await alert in receiver.events { session.record(.alert(alert)) }
            } tick: {} finishEvents: {
                receiver.finish()
            }
            await cleanUp()
            return try await runner.finish(played, wallStart: wallStart)
        } catch {
            await cleanUp()
            throw error
        }
    }

    /// Where the service's output goes: beside the reports, kept for the user to
    /// read after the run (a service's errors under the faults are often the point);
    /// without a reports folder, a temporary file removed at the end. An attempt
    /// after the first has its own (`<scenario>#2.target.log`): the one set aside
    /// is evidence too.
    func logFile() -> TargetLog {
        let file = plan.scenario.name + runner.attemptSuffix + ".target.log"
        if let folder = runner.reportsDirectory, (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil {
            return TargetLog(path: (folder as NSString).appendingPathComponent(file), kept: true)
        }
        return TargetLog(path: NSTemporaryDirectory() + "llmchaos-\(UUID().uuidString)-" + file, kept: false)
    }

    /// The service's last lines, and where all of them are when they are kept.
    static func lastOutput(_ process: TargetProcess, log: TargetLog) -> String {
        "its last output\(log.kept ? " (all of it in \(log.path))" : ""):\n\(process.tail())"
    }

    /// Whether anything answers HTTP at `url` now.
    func answers(_ url: String, http: HTTPClient) async -> Bool {
        (try? await http.execute(HTTPClientRequest(url: url), timeout: .seconds(2))) != nil
    }

    /// Polls the readiness URL until it answers 2xx. Startup is a real-world wait,
    /// before scenario time begins, so it is bounded in real time.
    func waitUntilReady(_ url: String, http: HTTPClient, process: TargetProcess?, log: TargetLog) async throws {
        let deadline = ContinuousClock.now + spec.readyTimeout
        var last = "no answer yet"
        while ContinuousClock.now < deadline {
            try Task.checkCancellation()
            if let process, !process.isRunning {
                throw TargetStartError(scenario: plan.scenario.name, reason: "'\(spec.command ?? "")' \(process.ending.map(String.init(describing:)) ?? "exited") before \(url) answered; \(Self.lastOutput(process, log: log))")
            }
            do {
                let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
                if (200..<300).contains(response.status.code) { return }
                last = "HTTP \(response.status.code)"
            } catch {
                last = Self.describe(probeError: error)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = process.map { "; " + Self.lastOutput($0, log: log) } ?? ""
        throw TargetStartError(scenario: plan.scenario.name, reason: "\(url) did not answer 2xx within \(DurationText.format(spec.readyTimeout)) (last: \(last)); raise target.ready_timeout or check the command\(output)")
    }

    /// NIO's words for a refused connection ("connection reset (error set): Connection
    /// refused (errno: 111)") name a reset that never happened.
    static func describe(probeError error: any Error) -> String {
        if let problem = LoadHTTPClient.Failure.connectProblem(error) { return problem }
        if let error = error as? HTTPClientError, error == .deadlineExceeded { return "no answer within 2s" }
        return "\(error)"
    }
}
