import ChaosCore
import Foundation

/// Reads scenario files and fault lists, collecting every problem with its line.
public enum ScenarioLoader {
    /// Reads and checks a scenario file.
    /// - Throws: ``ConfigProblems`` with every problem found, each at its line.
    public static func load(path: String) throws(ConfigProblems) -> Scenario {
        try parse(yaml: text(ofFile: path), file: path)
    }

    /// The text of a scenario file, or the one problem that keeps it from being read.
    public static func text(ofFile path: String) throws(ConfigProblems) -> String {
        let whole = SourceLocation(file: path, line: 0)
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let problem = !exists ? "no such file" : isDirectory.boolValue ? "is a directory, not a scenario file" : "cannot read the file (permissions?)"
            throw ConfigProblems([ConfigProblem(problem, at: whole)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigProblems([ConfigProblem("the file is not UTF-8 text", at: whole)])
        }
        return text
    }

    /// Parses and checks scenario text. `file` names it in problems.
    public static func parse(yaml: String, file: String) throws(ConfigProblems) -> Scenario {
        let (scenario, problems) = read(yaml: yaml, file: file)
        guard let scenario, problems.isEmpty else { throw ConfigProblems(problems) }
        return scenario
    }

    /// Reads as much of a scenario as can be read, and every problem found: a later
    /// stage (fault parameters) can then add its own problems to the same report.
    public static func read(yaml: String, file: String) -> (Scenario?, [ConfigProblem]) {
        let root: ConfigNode?
        do { root = try ConfigNode.parse(yaml: yaml, file: file) } catch { return (nil, [error]) }
        let problems = ProblemCollector()
        guard let root, let reader = root.mapping(problems, what: "a scenario") else {
            if problems.isEmpty { problems.add("the scenario is empty; it needs at least a name", at: SourceLocation(file: file, line: 1)) }
            return (nil, problems.problems)
        }
        var scenario = Scenario(file: file, name: "")
        scenario.name = reader.required("name")?.string(problems, what: "name") ?? ""
        scenario.description = reader.optional("description")?.string(problems, what: "description")
        if let seed = reader.optional("seed") {
            if let text = seed.scalarText, let value = UInt64(text) { scenario.seed = value } else {
                problems.add("seed must be a whole number ≥ 0, found \(seed.kindDescription)", at: seed)
            }
        }
        scenario.duration = reader.optional("duration")?.duration(problems, what: "duration")
        if let scale = reader.optional("time_scale"), let value = scale.double(problems, what: "time_scale") {
            if value > 0 { scenario.timeScale = value } else { problems.add("time_scale must be greater than 0", at: scale) }
        }
        if let node = reader.optional("api_date"), let text = node.string(problems, what: "api_date") {
            if let day = APIDate.parse(text) { scenario.apiDate = day } else {
                problems.add("api_date must be a day such as 2026-07-01, found '\(text)'", at: node)
            }
        }
        scenario.target = reader.optional("target")
        scenario.pipeline = reader.optional("pipeline")
        scenario.load = reader.optional("load")
        if let faults = reader.optional("faults") {
            scenario.faults = parseFaults(faults, problems: problems)
        }
        if let expect = reader.optional("expect") {
            scenario.expectations = checkExpectations(expect, problems: problems)
        }
        reader.finish()
        if let duration = scenario.duration {
            for fault in scenario.faults where fault.window.start >= duration {
                problems.add("fault '\(fault.name)' starts at \(DurationText.format(fault.window.start)), after the scenario ends (\(DurationText.format(duration)))", at: fault.location)
            }
        }
        return (scenario, problems.problems.sorted { $0.location.line < $1.location.line })
    }

    /// Reads a list of fault entries, or a single entry, or `{faults: [...]}`: the
    /// body of the chaos control API's "add faults" call, in YAML or JSON.
    public static func parseFaults(yaml: String, file: String) throws(ConfigProblems) -> [FaultSpec] {
        let (faults, problems) = readFaults(yaml: yaml, file: file)
        guard problems.isEmpty else { throw ConfigProblems(problems) }
        return faults
    }

    /// Like ``parseFaults(yaml:file:)``, but returns the faults that could be read
    /// alongside every problem.
    public static func readFaults(yaml: String, file: String) -> ([FaultSpec], [ConfigProblem]) {
        let root: ConfigNode?
        do { root = try ConfigNode.parse(yaml: yaml, file: file) } catch { return ([], [error]) }
        let problems = ProblemCollector()
        guard var root else { return ([], [ConfigProblem("the body is empty; send a fault or a list of faults", at: SourceLocation(file: file, line: 1))]) }
        if let list = root["faults"] { root = list }
        if root.entries != nil { root = ConfigNode(.sequence([root]), at: root.location) }
        let faults = parseFaults(root, problems: problems)
        return (faults, problems.problems)
    }

    static func parseFaults(_ node: ConfigNode, problems: ProblemCollector) -> [FaultSpec] {
        guard let items = node.items else {
            problems.add("faults must be a list of faults, found \(node.kindDescription)", at: node)
            return []
        }
        let faults = items.enumerated().compactMap { FaultSpec.parse($1, index: $0, problems: problems) }
        var seen: Set<String> = []
        for fault in faults where !seen.insert(fault.name).inserted {
            problems.add("two faults are named '\(fault.name)'; names must be unique", at: fault.location)
        }
        return faults
    }

    /// Checks the shape of `expect:` (a list of one-key mappings); what each kind
    /// means is the `Verdicts` module's business.
    static func checkExpectations(_ node: ConfigNode, problems: ProblemCollector) -> [ConfigNode] {
        guard let items = node.items else {
            problems.add("expect must be a list of expectations, found \(node.kindDescription)", at: node)
            return []
        }
        for item in items where item.entries?.count != 1 {
            problems.add("each expectation names one kind, such as '- slo: { p99: 10s }'", at: item)
        }
        return items.filter { $0.entries?.count == 1 }
    }
}
