import Foundation
import Scenario

/// A scenario file read, checked to the last fault parameter, and its fault plan.
public struct LoadedScenario: Sendable {
    public let scenario: Scenario
    public let plan: FaultPlan

    /// Reads and checks `path`.
    /// - Throws: ``ConfigProblems`` with every problem of the file, structure and
    ///   fault parameters alike.
    public static func load(path: String) throws(ConfigProblems) -> LoadedScenario {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigProblems([ConfigProblem(exists ? "cannot read the file as UTF-8 text" : "no such file", at: SourceLocation(file: path, line: 0))])
        }
        return try parse(yaml: text, file: path)
    }

    /// Reads and checks scenario text, reporting structural and fault-parameter
    /// problems together, in line order.
    public static func parse(yaml: String, file: String) throws(ConfigProblems) -> LoadedScenario {
        let (scenario, found) = ScenarioLoader.read(yaml: yaml, file: file)
        let problems = ProblemCollector()
        let faults = FaultPlan.schedule(scenario?.faults ?? [], problems: problems)
        let all = (found + problems.problems).sorted { $0.location.line < $1.location.line }
        guard let scenario, all.isEmpty else { throw ConfigProblems(all) }
        return LoadedScenario(scenario: scenario, plan: FaultPlan(seed: scenario.seed, faults: faults))
    }

    /// The scenario files under `paths`: files as given, folders searched for
    /// `.yaml` and `.yml` files, sorted.
    public static func files(in paths: [String]) -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .map { "\(base)/\($0)" }
            files += found.sorted()
        }
        return files
    }
}
