import ChaosCore
import Faults
import Foundation
import Results
import Verdicts

/// Runs one scenario at each level of a sweep, in order, and measures each level
/// from its RunLog.
///
/// Levels must not leak into each other: every level gets a fresh mock and a
/// fresh pipeline (new caches, breakers, retry budget), an external target is
/// started again, and the scenario's token buckets are emptied. Starting them costs
/// milliseconds; a level that inherited a tripped breaker would cost the answer.
public struct SweepRunner: Sendable {
    public let options: SuiteRunner.Options
    /// A level may take this many times its scenario's real duration, plus
    /// `budgetSlack` of real time, before it is stopped and marked.
    public var budgetFactor = 3.0
    public var budgetSlack: Duration = .seconds(60)

    public init(options: SuiteRunner.Options) { self.options = options }

    public struct Outcome: Sendable {
        public var result: SweepResult
        public var directory: String
        /// Levels whose target could not be started.
        public var startFailures: [String]
        /// 0 the sweep ran and the lowest level met the SLO; 1 not even that; 3 a target would not start.
        public var exitCode: Int32 {
            if !startFailures.isEmpty { return 3 }
            return result.knee == nil ? 1 : 0
        }
    }

    public func run(_ plan: ScenarioPlan, spec: SweepSpec, sweepID: String = SuiteRunner.newInvocationID()) async throws -> Outcome {
        let store = try RunStore(path: SuiteRunner(options: options).storePath)
        try await store.markAbandonedRunsAborted()
        let latencyBound = Self.latencyBound(plan)
        var levels: [SweepLevel] = []
        var startFailures: [String] = []
        var stop: (at: String, reason: String)?
        for (index, level) in spec.levels.enumerated() {
            if Task.isCancelled { stop = (level.label, Self.interruptedReason); break }
            options.progress.finish("level \(index + 1)/\(spec.levels.count): \(level.label)")
            plan.faultPlan.resetState()
            let levelPlan = plan.at(level)
            let runner = ScenarioRunner(
                plan: levelPlan, invocation: sweepID, store: store, progress: options.progress,
                reportsDirectory: options.reportsDirectory(sweepID)
            )
            do {
                let result = try await runWithinBudget(runner, plan: levelPlan)
                let measured = SweepLevel(
                    label: level.label, value: level.value, result: result, latencyBound: latencyBound,
                    constraints: Self.constraints(plan.faultPlan, result.log)
                )
                levels.append(measured)
                options.progress.finish(Self.summary(measured))
                // A Ctrl-C cut this level short: shown, not taken for a capacity limit.
                if measured.status == SweepLevel.interrupted { stop = (level.label, Self.interruptedReason); break }
            } catch let error as TargetStartError {
                // Stored, so that the store's listing and `report` show the level that never ran.
                _ = try await runner.notStarted(error)
                startFailures.append(error.description)
                stop = (level.label, "the target could not be started")
                break
            } catch is CancellationError {
                stop = (level.label, Self.interruptedReason)   // while the level was setting up
                break
            }
        }
        let result = SweepResult(
            sweepID: sweepID, scenario: plan.scenario.name, dimension: spec.dimension, levels: levels, stoppedAt: stop?.at, stopReason: stop?.reason
        )
        let directory = options.reportsDirectory(sweepID)
        try SweepReport.write(result, to: directory)
        return Outcome(result: result, directory: directory, startFailures: startFailures)
    }

    /// Runs the level, cancelling it when it passes its budget (measured on the
    /// scenario's own clock). A cancelled run is stored as aborted with what it had.
    func runWithinBudget(_ runner: ScenarioRunner, plan: ScenarioPlan) async throws -> ScenarioResult {
        let clock = ScaledClock(timeScale: plan.scenario.timeScale)
        let budget = plan.duration * budgetFactor + budgetSlack * plan.scenario.timeScale
        return try await withThrowingTaskGroup(of: ScenarioResult?.self) { group in
            group.addTask { try await runner.run() }
            group.addTask {
                try? await clock.sleep(for: budget)
                return nil
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
                if !Task.isCancelled { runner.stopRequest.request(.overBudget) }
                group.cancelAll()   // the run stops, stores itself as aborted, and returns
            }
            throw CancellationError()
        }
    }

    /// A stored sweep, measured again from the RunLog alone: each level's run
    /// re-judged by its stored scenario. Nil when no level of `sweepID` is stored.
    public func stored(_ sweepID: String) async throws -> SweepResult? {
        let store = try RunStore(path: SuiteRunner(options: options).storePath)
        var levels: [SweepLevel] = []
        var scenario = sweepID, dimension = "rate"
        var stop: (at: String, reason: String)?
        for runID in try await store.runIDs(matching: sweepID) {
            guard let run = try await store.load(runID: runID), let level = SweepSpec.Level(runScenario: run.log.info.scenario) else { continue }
            if run.log.info.status == .notStarted {
                stop = (level.label, "the target could not be started")
                continue
            }
            if run.log.info.stopCause == .interrupted { stop = (level.label, Self.interruptedReason) }
            let plan: ScenarioPlan
            do { plan = try ScenarioPlan.parse(yaml: run.scenarioText, file: run.log.info.file) } catch {
                throw RejudgeError(runID: runID, problems: error)
            }
            scenario = plan.scenario.name
            if case .concurrency = level { dimension = "concurrency" }
            let verdicts = ExpectationRegistry.judge(plan.expectations, run.log)
            levels.append(SweepLevel(
                label: level.label, value: level.value, result: ScenarioResult(log: run.log, verdicts: verdicts),
                latencyBound: Self.latencyBound(plan), constraints: Self.constraints(plan.faultPlan, run.log)
            ))
        }
        guard !levels.isEmpty || stop != nil else { return nil }
        return SweepResult(
            sweepID: sweepID, scenario: scenario, dimension: dimension, levels: levels.sorted { $0.value < $1.value },
            stoppedAt: stop?.at, stopReason: stop?.reason
        )
    }

    static let interruptedReason = "interrupted (Ctrl-C)"

    /// The SLO's per-request latency bound, for goodput.
    static func latencyBound(_ plan: ScenarioPlan) -> Duration? {
        plan.expectations.compactMap { ($0 as? SLOExpectation)?.requestLatencyBound }.min()
    }

    static func summary(_ level: SweepLevel) -> String {
        let mark = level.meetsSLO ? "✔" : "✘"
        var text = "\(mark) \(level.label): \(String(format: "%.2f", level.throughput)) answers/s, goodput \(String(format: "%.2f", level.goodput))/s, p99 \(DurationText.format(level.p99)), errors \(String(format: "%.1f%%", level.errorRate * 100))"
        if level.rateLimitedShare > 0 { text += ", 429s \(String(format: "%.0f%%", level.rateLimitedShare * 100)) of calls" }
        if !level.status.hasPrefix("completed") { text += " (\(level.status))" }
        return text
    }

    /// How full each token-bucket limit of the scenario ran: what was admitted in
    /// the fault's window, against the limit per minute plus the full bucket it
    /// starts with. Requests refused carry the
    /// fault's name in the journal; admitted ones are the other calls to the same
    /// models (all models when the bucket is per key).
    static func constraints(_ plan: FaultPlan, _ log: RunLog) -> [ConstraintUse] {
        var uses: [ConstraintUse] = []
        let attempts = log.messageAttempts
        for scheduled in plan.faults {
            guard let fault = scheduled.fault as? RateLimitFault, fault.retryAfter == nil else { continue }
            let window = scheduled.spec.window
            let end = min(window.end ?? log.info.duration, log.info.duration)
            let minutes = (end - window.start).seconds / 60
            guard minutes > 0 else { continue }
            let inWindow = attempts.filter { $0.at >= window.start && $0.at < end }
            let refusedModels = Set(inWindow.filter { $0.faults.contains(scheduled.name) }.compactMap(\.model))
            let models = refusedModels.isEmpty ? Set(inWindow.compactMap(\.model)) : refusedModels
            // A tier pools a model family into one bucket, so the family is the group.
            var buckets: [String: (limits: RateLimitFault.Limits, models: Set<String>)] = [:]
            for model in Set(inWindow.compactMap(\.model)) {
                guard let bucket = fault.bucket(for: model) else { continue }
                buckets[bucket.name, default: (bucket.limits, [])].models.insert(model)
            }
            buckets = buckets.filter { !$0.value.models.isDisjoint(with: models) }
            let groups: [(String, RateLimitFault.Limits, [UpstreamAttempt])] = fault.scope == .key
                ? [("all models", fault.limits, inWindow.filter { models.contains($0.model ?? "") })]
                : buckets.keys.sorted().map { name in
                    let bucket = buckets[name]!
                    return (name, bucket.limits, inWindow.filter { bucket.models.contains($0.model ?? "") })
                }
            for (name, limits, calls) in groups {
                let refused = calls.filter { $0.faults.contains(scheduled.name) }.count
                let admitted = calls.filter { !$0.faults.contains(scheduled.name) && $0.status != 429 }
                func use(_ resource: String, _ limit: Int, _ admitted: Int) -> ConstraintUse {
                    ConstraintUse(name: "\(resource) per minute on \(name)", limit: limit, admitted: Double(admitted), capacity: Double(limit) * (minutes + 1), refused: refused)
                }
                uses.append(use("requests", limits.requestsPerMinute, admitted.count))
                uses.append(use("input tokens", limits.inputTokensPerMinute, admitted.reduce(0) { $0 + $1.inputTokens }))
                uses.append(use("output tokens", limits.outputTokensPerMinute, admitted.reduce(0) { $0 + $1.outputTokens }))
            }
        }
        return uses
    }
}
