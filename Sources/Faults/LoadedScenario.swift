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
        let scenario = try ScenarioLoader.load(path: path)
        return LoadedScenario(scenario: scenario, plan: try FaultPlan(scenario: scenario))
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
