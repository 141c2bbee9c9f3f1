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
        try parse(yaml: ScenarioLoader.text(ofFile: path), file: path)
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
            var found: [String] = []
            let walk = manager.enumerator(atPath: path)
            while let relative = walk?.nextObject() as? String {
                // `.build`, `.git`, `.github`: YAML of other tools, thousands of files.
                if relative.split(separator: "/").last?.hasPrefix(".") == true {
                    walk?.skipDescendants()
                    continue
                }
                if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { found.append("\(base)/\(relative)") }
            }
            files += found.sorted()
        }
        return files
    }
}
