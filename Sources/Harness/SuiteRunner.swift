import ChaosCore
import Faults
import Foundation
import Results
import Scenario
import Verdicts

/// Runs scenario files one after another and writes the reports of them all.
public struct SuiteRunner: Sendable {
    /// Where things go.
    public struct Options: Sendable {
        public var resultsDirectory = "results"
        /// The RunLog database; default `<results>/runlog.sqlite`.
        public var storePath: String?
        /// An extra copy of the JUnit report (CI systems look in a fixed place).
        public var junitPath: String?
        public var progress = RunProgress(style: .silent)
        /// How many more times a scenario runs when it failed while the harness was
        /// short of CPU (``ScenarioResult/failedWhileStarved``). A shared CI
        /// machine stalls now and then, and at `time_scale: 60` a stall of 100 ms
        /// is six seconds in every latency measured through it; an attempt on a
        /// calmer machine tells the target's failure from the machine's. The same
        /// seed plays the same faults. Each attempt is stored; only the last counts.
        public var starvedReruns = 1
        public init() {}

        /// The folder of one invocation's (or sweep's) reports, where an external
        /// service's output is kept too.
        public func reportsDirectory(_ invocation: String) -> String {
            (resultsDirectory as NSString).appendingPathComponent(invocation)
        }
    }

    /// What a suite run came to, and the exit code it means.
    public struct Outcome: Sendable {
        public var suite: SuiteResult
        public var directory: String
        /// Scenarios whose target could not be started, each with why.
        public var startFailures: [String] {
            suite.results.filter { $0.log.info.status == .notStarted }.map { "\($0.log.info.scenario): \($0.log.info.incompletion ?? "")" }
        }
        /// 0 all passed, 1 an expectation failed or a run was aborted, 3 a target could not be started.
        public var exitCode: Int32 {
            if !startFailures.isEmpty { return 3 }
            return suite.passed && !suite.results.isEmpty ? 0 : 1
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// Reads every scenario under `paths` (files, or folders searched for YAML).
    /// - Returns: the plans, and every problem of every file (to exit 2 with).
    public static func loadPlans(_ paths: [String]) -> (plans: [ScenarioPlan], problems: [ConfigProblem]) {
        var plans: [ScenarioPlan] = []
        var problems: [ConfigProblem] = []
        let files = LoadedScenario.files(in: paths)
        if files.isEmpty { problems.append(ConfigProblem("no scenario files (.yaml, .yml) found", at: SourceLocation(file: paths.joined(separator: " "), line: 0))) }
        for file in files {
            do { plans.append(try ScenarioPlan.load(path: file)) } catch { problems += error.all }
        }
        return (plans, problems)
    }

    /// A new invocation id: sortable by time, unique enough for one machine.
    public static func newInvocationID(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(formatter.string(from: date))-\(String(repeating: "0", count: 4 - suffix.count))\(suffix)"
    }

    /// Runs the plans in order; on cancellation, stops after the current one
    /// (stored as aborted) and still writes the reports.
    public func run(_ plans: [ScenarioPlan], invocation: String = SuiteRunner.newInvocationID()) async throws -> Outcome {
        let store = try RunStore(path: storePath)
        try await store.markAbandonedRunsAborted()
        let startedAt = Date()
        var results: [ScenarioResult] = []
        plans: for plan in plans {
            if Task.isCancelled { break }
            // Attempts that failed while the harness was short of CPU; set aside
            // only once a later attempt has run, so that one always counts.
            var starved: [ScenarioResult] = []
            while true {
                let runner = ScenarioRunner(
                    plan: plan, invocation: invocation, store: store, progress: options.progress,
                    reportsDirectory: options.reportsDirectory(invocation), attempt: starved.count + 1
                )
                var result: ScenarioResult
                do {
                    result = try await runner.run()
                } catch let error as TargetStartError {
                    result = try await runner.notStarted(error)
                } catch is CancellationError {
                    // Interrupted while the attempt was setting up: nothing of it ran.
                    guard var last = starved.popLast() else { break plans }
                    last.starvedAttempts = try await setAside(starved, in: store)
                    results.append(last)
                    break plans
                }
                if starved.count < options.starvedReruns, !Task.isCancelled, result.failedWhileStarved {
                    options.progress.finish("  ↻ \(plan.scenario.name): it failed while the harness was short of CPU; running it again (attempt \(starved.count + 2), --starved-reruns)")
                    starved.append(result)
                    continue
                }
                result.starvedAttempts = try await setAside(starved, in: store)
                results.append(result)
                continue plans
            }
        }
        let suite = SuiteResult(invocation: invocation, startedAt: startedAt, results: results)
        let directory = try writeReports(suite)
        return Outcome(suite: suite, directory: directory)
    }

    /// Stores each attempt as superseded; returns what the reports say of them.
    private func setAside(_ attempts: [ScenarioResult], in store: RunStore) async throws -> [StarvedAttempt] {
        var setAside: [StarvedAttempt] = []
        for attempt in attempts {
            var info = attempt.log.info
            info.status = .superseded
            try await store.finish(info)
            if let starved = StarvedAttempt(attempt) { setAside.append(starved) }
        }
        return setAside
    }

    var storePath: String { options.storePath ?? (options.resultsDirectory as NSString).appendingPathComponent("runlog.sqlite") }

    /// Writes every report into `<results>/<invocation>/`; returns that folder.
    public func writeReports(_ suite: SuiteResult) throws -> String {
        let directory = options.reportsDirectory(suite.invocation)
        for writer in Reports.all { try writer.write(suite, to: directory) }
        if let junitPath = options.junitPath { try JUnitReport.write(suite, to: directory, path: junitPath) }
        return directory
    }

    /// Judges a stored run again, from the store alone, and rewrites its reports.
    /// - Parameter id: an invocation id, or one run's id (`<invocation>/<scenario>`).
    /// - Returns: nil when the store has no such run.
    public func rejudge(_ id: String) async throws -> Outcome? {
        let store = try RunStore(path: storePath)
        let ids = try await store.runIDs(matching: id)
        guard !ids.isEmpty else { return nil }
        var results: [ScenarioResult] = []
        var invocation = id
        var startedAt = Date()
        for runID in ids {
            guard let stored = try await store.load(runID: runID) else { continue }
            invocation = stored.invocation
            startedAt = min(startedAt, stored.startedAt)
            let plan: ScenarioPlan
            do { plan = try ScenarioPlan.parse(yaml: stored.scenarioText, file: stored.log.info.file) } catch {
                throw RejudgeError(runID: runID, problems: error)
            }
            // Nothing ran, so there is nothing to judge; the reports say why.
            let verdicts = stored.log.info.status == .notStarted ? [] : ExpectationRegistry.judge(plan.expectations, stored.log)
            try await store.saveVerdicts(verdicts, runID: runID)
            results.append(ScenarioResult(log: stored.log, verdicts: verdicts, description: plan.scenario.description))
        }
        // An attempt that counts after others were set aside names them, as when it ran.
        if results.contains(where: { ($0.log.info.attempt ?? 1) > 1 }) {
            let setAside = try await store.setAsideAttempts(invocation: invocation)
            for index in results.indices where (results[index].log.info.attempt ?? 1) > 1 {
                let runID = "\(invocation)/\(results[index].log.info.scenario)"
                results[index].starvedAttempts = setAside.filter { $0.runID == runID + ($0.attempt > 1 ? "#\($0.attempt)" : "") }
            }
        }
        let suite = SuiteResult(invocation: invocation, startedAt: startedAt, results: results)
        return Outcome(suite: suite, directory: try writeReports(suite))
    }

    /// The newest invocations in the store.
    public func recentInvocations() async throws -> [StoredInvocation] {
        try await RunStore(path: storePath).recentInvocations()
    }
}

/// A stored scenario that this version can no longer read.
public struct RejudgeError: Error, CustomStringConvertible {
    public let runID: String
    public let problems: ConfigProblems
    public var description: String { "run \(runID): its stored scenario no longer reads:\n\(problems)" }
}
