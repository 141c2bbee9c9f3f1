import ChaosCore
import Faults
import Foundation
import Load
import Pipeline
import Scenario
import Verdicts

/// A scenario checked to the last key and ready to run: its faults, pipeline
/// settings, load, target and expectations. Every problem in the file is found
/// before anything starts, each with its line.
public struct ScenarioPlan: Sendable {
    public let scenario: Scenario
    /// The file's text, stored with the run so `llmchaos report` can judge it again.
    public let text: String
    public let faultPlan: FaultPlan
    public let load: LoadSpec
    public let expectations: [any Expectation]
    let pipeline: PipelineConfiguration
    let target: TargetSpec

    public var duration: Duration { scenario.duration ?? .zero }
    public var targetSummary: String { target.summary }

    /// Reads and checks a scenario file.
    /// - Throws: ``ConfigProblems`` with every problem, in line order.
    public static func load(path: String) throws(ConfigProblems) -> ScenarioPlan {
        try parse(yaml: ScenarioLoader.text(ofFile: path), file: path)
    }

    /// Checks scenario text; `file` names it in problems and anchors relative paths.
    public static func parse(yaml: String, file: String) throws(ConfigProblems) -> ScenarioPlan {
        let (scenario, found) = ScenarioLoader.read(yaml: yaml, file: file)
        let problems = ProblemCollector()
        guard let scenario else { throw ConfigProblems(found) }
        let faults = FaultPlan.schedule(scenario.faults, problems: problems)
        let base = (file as NSString).deletingLastPathComponent
        let pipeline = PipelineSettings.parse(scenario.pipeline, seed: scenario.seed, baseDirectory: Self.projectDirectory(for: base), problems: problems)
        let load = LoadSpec.parse(scenario.load, problems: problems)
        let target = TargetSpec.parse(scenario.target, problems: problems)
        let expectations = scenario.expectations.compactMap { ExpectationRegistry.parse($0, problems: problems) }
        let names = Set(scenario.faults.map(\.name))
        for reference in expectations.flatMap(\.faultReferences) where !names.contains(reference.name) {
            var message = "no fault is named '\(reference.name)'"
            if let near = Suggestion.nearest(to: reference.name, in: Array(names)) { message += "; did you mean '\(near)'?" } else if names.isEmpty {
                message += "; the scenario has no faults"
            } else { message += "; faults: \(names.sorted().joined(separator: ", "))" }
            problems.add(message, at: reference.location)
        }
        if case .builtin? = target { Self.checkTierPools(faults, models: pipeline.models, problems: problems) }
        if scenario.duration == nil {
            problems.add("a scenario needs a duration, such as 'duration: 5m', to be run", at: SourceLocation(file: file, line: 1))
        }
        let all = (found + problems.problems).sorted { $0.location.line < $1.location.line }
        guard all.isEmpty, let load, let target else { throw ConfigProblems(all) }
        return ScenarioPlan(
            scenario: scenario, text: yaml, faultPlan: FaultPlan(seed: scenario.seed, faults: faults),
            load: load, expectations: expectations, pipeline: pipeline, target: target
        )
    }

    /// A published tier limits only the model families its file has pools for: a
    /// model outside them would run unlimited, and a capacity plan would be wrong
    /// without a word. Each model the pipeline calls that a tier's fault matches
    /// must draw from one of its pools.
    static func checkTierPools(_ faults: [ScheduledFault], models: [String], problems: ProblemCollector) {
        for scheduled in faults {
            guard let limit = scheduled.fault as? RateLimitFault, let tier = limit.tier else { continue }
            // What varies request by request (its key, headers, attempt, size)
            // does not keep a model's calls out of the fault: some will match.
            var match = scheduled.spec.match
            (match.apiKeys, match.headers, match.attempts, match.inputTokens) = (nil, nil, nil, nil)
            let unpooled = models.filter { model in
                match.matches(RequestFacts(endpoint: .messages, path: "/v1/messages", model: model, requestID: ""))
                    && limit.bucket(for: model) == nil
            }
            guard !unpooled.isEmpty else { continue }
            problems.add(
                "\(tier.name) has no pool for \(unpooled.joined(separator: ", ")), so its calls would not be rate-limited: add a pool with "
                    + "that tier's limits to \(tier.file), or narrow the fault with match: { model: … }",
                at: scheduled.spec.kindLocation
            )
        }
    }

    /// Paths in a scenario (prompt folders) are relative to the project, the folder
    /// above `scenarios/`, so one scenario reads the same from anywhere in the tree.
    static func projectDirectory(for directory: String) -> String {
        let parts = directory.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let index = parts.lastIndex(of: "scenarios") else { return "." }
        let project = parts[..<index].joined(separator: "/")
        return project.isEmpty ? (directory.hasPrefix("/") ? "/" : ".") : project
    }
}
