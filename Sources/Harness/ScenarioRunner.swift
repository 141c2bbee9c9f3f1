import AsyncHTTPClient
import ChaosCore
import Faults
import Foundation
import Load
import MockClaude
import Pipeline
import Results
import Synchronization
import Verdicts
import Workload

/// Why a scenario could not be run at all (exit code 3).
public struct TargetStartError: Error, CustomStringConvertible {
    public let scenario: String
    public let reason: String
    public var description: String { "\(scenario): the target could not be started: \(reason)" }
}

/// Why a run is about to be cancelled, shared by the runner's copies.
final class StopRequest: Sendable {
    private let cause = Mutex<RunInfo.StopCause?>(nil)
    func request(_ cause: RunInfo.StopCause) { self.cause.withLock { $0 = cause } }
    var requested: RunInfo.StopCause? { cause.withLock { $0 } }
}

/// Runs one scenario end to end:
///
/// ```
/// mock (faults, journal) ◀── pipeline ◀── load driver
///    │ journal, drained        │ alerts, quality samples      │ finished requests
///    └──────────────▶ RunRecorder ──▶ RunStore (SQLite) ──▶ verdicts ──▶ reports
/// ```
/// Everything it starts, it stops, also when cancelled; a cancelled run is stored
/// as aborted with what it had.
public struct ScenarioRunner: Sendable {
    public let plan: ScenarioPlan
    public let invocation: String
    public let store: RunStore
    public let progress: RunProgress
    /// Where the run's reports go; an external service's output is kept there
    /// (`<scenario>.target.log`). Without one it goes to a temporary file, removed
    /// when the run ends.
    public let reportsDirectory: String?
    /// 1 for a scenario's first run; more when earlier ones failed while the
    /// harness was short of CPU.
    public let attempt: Int
    /// Whoever cancels the run says why here first; a cancelled run with no word is
    /// taken for interrupted.
    let stopRequest = StopRequest()

    public init(plan: ScenarioPlan, invocation: String, store: RunStore, progress: RunProgress, reportsDirectory: String? = nil, attempt: Int = 1) {
        self.plan = plan; self.invocation = invocation; self.store = store; self.progress = progress
        self.reportsDirectory = reportsDirectory; self.attempt = attempt
    }

    public func run() async throws -> ScenarioResult {
        switch plan.target {
        case .builtin: return try await runBuiltin()
        case let .external(spec): return try await ExternalRun(plan: plan, spec: spec, runner: self).run()
        }
    }

    func makeInfo() -> RunInfo {
        let s = plan.scenario
        var info = RunInfo(
            runID: "\(invocation)/\(s.name)" + attemptSuffix, scenario: s.name, file: s.file, seed: s.seed,
            timeScale: s.timeScale, duration: plan.duration, target: plan.targetSummary, status: .running
        )
        info.attempt = attempt > 1 ? attempt : nil
        return info
    }

    /// What sets an attempt after the first apart in its run id and files: `#2`.
    var attemptSuffix: String { attempt > 1 ? "#\(attempt)" : "" }

    /// The fault windows and the load phase, clipped to the run.
    func phases() -> [PhaseRecord] {
        let duration = plan.duration
        var phases = [PhaseRecord(kind: .load, name: plan.load.arrival.description, start: .zero, end: duration)]
        for fault in plan.faultPlan.faults {
            let window = fault.spec.window
            phases.append(PhaseRecord(kind: .fault, name: fault.name, start: window.start, end: min(window.end ?? duration, duration)))
        }
        return phases
    }

    /// The mock on a free loopback port, playing the scenario's faults on `clock`.
    func startMock(clock: RunClock, dataset: AnalyticsDataset) async throws -> RunningMock {
        var configuration = MockConfiguration()
        configuration.port = 0
        configuration.apiDate = plan.scenario.apiDate ?? MockConfiguration.catalogDate
        do {
            return try await MockServer(configuration: configuration, plan: plan.faultPlan, clock: clock, dataset: dataset).start()
        } catch is CancellationError {
            throw CancellationError()   // interrupted, not broken
        } catch {
            throw TargetStartError(scenario: plan.scenario.name, reason: "the mock could not start: \(error)")
        }
    }

    /// A client for the run's calls: the shared one's pool (8 connections a host)
    /// would queue a load test's calls behind each other. No tracer: nothing here
    /// bootstraps one, and AsyncHTTPClient's span path with the default no-op
    /// tracer still builds every request's attributes (7 % of the load generator's
    /// CPU in a profile).
    static func makeHTTPClient() -> HTTPClient {
        var configuration = ModelClient.httpConfiguration()
        configuration.connectionPool.idleTimeout = .seconds(30)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1024
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    private func runBuiltin() async throws -> ScenarioResult {
        let wallStart = ContinuousClock.now
        let clock = RunClock(timeScale: plan.scenario.timeScale)
        let dataset = try AnalyticsDataset()
        let mock = try await startMock(clock: clock, dataset: dataset)
        let http = Self.makeHTTPClient()
        let pipeline = AnalyticsPipeline(
            configuration: plan.pipeline,
            client: ModelClient(baseURL: mock.baseURL, apiKey: "sk-llmchaos-harness", clock: clock, http: http),
            dataset: dataset
        )
        let target = BuiltinTarget(pipeline: pipeline, grader: ExecutionGrader(dataset: dataset))
        let session = RunSession(runner: self, clock: clock, mock: mock)
        let played = { try await session.play(target: target, drain: drain) {
            for await event in pipeline.events {
                switch event {
                case let .alert(alert):
                    session.record(.alert(AlertRecord(name: alert.name, state: alert.state == .firing ? .firing : .resolved, at: alert.at, value: alert.value, threshold: alert.threshold)))
                case let .qualitySample(sample):
                    session.record(.qualitySample(QualityRecord(at: sample.at, requestID: sample.requestID, model: sample.model, score: sample.score, method: sample.method, rollingScore: sample.rollingScore)))
                default: break
                }
            }
        } tick: {
            await pipeline.evaluateAlerts()
        } finishEvents: {
            pipeline.eventsFinish()
        } }
        let result: RunSession.Played
        do { result = try await played() } catch {
            await mock.stop()
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        return try await finish(result, wallStart: wallStart)
    }

    /// How long requests still open at the end may take: the slowest a request can
    /// legitimately be, every model tier timing out on every attempt after the
    /// longest backoffs.
    var drain: Duration {
        let retry = plan.pipeline.retry
        var total = Duration.zero
        for case let .model(tier) in plan.pipeline.tiers {
            total += tier.timeout * retry.maxAttempts + min(retry.maxWait, retry.cap) * (retry.maxAttempts - 1)
        }
        return max(.seconds(30), total)
    }

    /// A run whose target could not be started, stored and reported as such: a CI
    /// reading `junit.xml` must see an error, not a scenario that is not there.
    func notStarted(_ error: TargetStartError) async throws -> ScenarioResult {
        var info = makeInfo()
        info.status = .notStarted
        info.startProblem = error.reason
        try await store.begin(info, invocation: invocation, scenarioText: plan.text, startedAt: Date())
        progress.finish("✘ \(error)")
        return ScenarioResult(log: RunLog(info: info), verdicts: [], description: plan.scenario.description)
    }

    /// Stores the end of the run, judges it, and returns the result.
    func finish(_ played: RunSession.Played, wallStart: ContinuousClock.Instant) async throws -> ScenarioResult {
        let log = played.log
        try await store.finish(log.info)
        let verdicts = ExpectationRegistry.judge(plan.expectations, log)
        try await store.saveVerdicts(verdicts, runID: log.info.runID)
        let result = ScenarioResult(log: log, verdicts: verdicts, description: plan.scenario.description, wallSeconds: (ContinuousClock.now - wallStart).seconds)
        let failed = verdicts.filter { !$0.passed }.count
        let mark = log.info.status != .completed ? "⚠ \(log.info.status.rawValue)" : failed == 0 ? "✔" : "✘"
        progress.finish("\(mark) \(plan.scenario.name): \(verdicts.count - failed)/\(verdicts.count) expectations held, \(log.requests.count) requests in \(String(format: "%.1fs", result.wallSeconds))")
        if let saturation = log.info.saturation { progress.finish("  ⚠️ \(saturation)") }
        return result
    }
}
