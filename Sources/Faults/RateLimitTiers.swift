import Foundation
import Scenario

/// Rate limits of published API tiers, read from `mocks/rate-limit-tiers.yaml`, so
/// `inject: { rate_limit: { tier: tier-2 } }` puts the tier's wall in the mock.
///
/// The limits live in a data file, not in code, because the API's tiers change and
/// a user's own limits (from their console) belong beside them.
public struct RateLimitTiers: Sendable {
    /// The bucket a model family draws from; `claude-opus-4*` matches by prefix.
    public struct Pool: Sendable, Equatable {
        public var name: String
        public var patterns: [String]

        func matches(_ model: String) -> Bool {
            patterns.contains { $0.hasSuffix("*") ? model.hasPrefix($0.dropLast()) : model == $0 }
        }
    }

    public static let fileName = "rate-limit-tiers.yaml"
    /// Where it was read from.
    public let file: String
    public let pools: [Pool]
    /// Tier name → pool name → limits.
    public let tiers: [String: [String: RateLimitFault.Limits]]

    public var tierNames: [String] { tiers.keys.sorted() }

    /// The pool `model` draws from, if any.
    public func pool(for model: String) -> Pool? { pools.first { $0.matches(model) } }

    /// Reads and checks the file's text; every problem names its line.
    public static func parse(yaml: String, file: String) throws(ConfigProblems) -> RateLimitTiers {
        let problems = ProblemCollector()
        let root: ConfigNode?
        do { root = try ConfigNode.parse(yaml: yaml, file: file) } catch { throw ConfigProblems([error]) }
        guard let reader = (root ?? ConfigNode(.mapping([]), at: SourceLocation(file: file, line: 1))).mapping(problems, what: "the tier file") else {
            throw ConfigProblems(problems.problems)
        }
        var pools: [Pool] = []
        if let node = reader.required("pools"), let poolReader = node.mapping(problems, what: "pools") {
            for name in poolReader.keys {
                guard let patterns = poolReader.optional(name)?.stringList(problems, what: "pools.\(name)") else { continue }
                pools.append(Pool(name: name, patterns: patterns))
            }
            poolReader.finish()
        }
        var tiers: [String: [String: RateLimitFault.Limits]] = [:]
        if let node = reader.required("tiers"), let tierReader = node.mapping(problems, what: "tiers") {
            for tier in tierReader.keys {
                guard let byPool = tierReader.optional(tier)?.mapping(problems, what: "tiers.\(tier)") else { continue }
                var limits: [String: RateLimitFault.Limits] = [:]
                for poolName in byPool.keys {
                    let node = byPool.optional(poolName)
                    guard pools.contains(where: { $0.name == poolName }) else {
                        problems.add("tiers.\(tier) names pool '\(poolName)', which pools: does not define", at: node?.location ?? byPool.location)
                        continue
                    }
                    guard let values = node?.mapping(problems, what: "tiers.\(tier).\(poolName)") else { continue }
                    var entry = RateLimitFault.Limits()
                    for (key, path) in RateLimitFault.Limits.keys {
                        if let value = values.required(key)?.int(problems, what: "tiers.\(tier).\(poolName).\(key)", min: 1) {
                            entry[keyPath: path] = value
                        }
                    }
                    values.finish()
                    limits[poolName] = entry
                }
                byPool.finish()
                tiers[tier] = limits
            }
            tierReader.finish()
        }
        reader.finish()
        guard problems.isEmpty else { throw ConfigProblems(problems.problems) }
        return RateLimitTiers(file: file, pools: pools, tiers: tiers)
    }

    public static func load(path: String) throws(ConfigProblems) -> RateLimitTiers {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigProblems([ConfigProblem("cannot read the tier file", at: SourceLocation(file: path, line: 0))])
        }
        return try parse(yaml: text, file: path)
    }

    /// `mocks/rate-limit-tiers.yaml` found from `LLMCHAOS_MOCKS`, then from the
    /// current directory and each parent, then from the running binary's folder
    /// and each parent (a `swift build` binary sits under the project).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String? = Bundle.main.executablePath
    ) -> String? {
        let fm = FileManager.default
        if let folder = environment["LLMCHAOS_MOCKS"] {
            let path = (folder as NSString).appendingPathComponent(fileName)
            return fm.fileExists(atPath: path) ? path : nil
        }
        let starts = [currentDirectory] + (executable.map { [($0 as NSString).deletingLastPathComponent] } ?? [])
        for start in starts {
            var folder = (start as NSString).standardizingPath
            while true {
                let path = ((folder as NSString).appendingPathComponent("mocks") as NSString).appendingPathComponent(fileName)
                if fm.fileExists(atPath: path) { return path }
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder || parent.isEmpty { break }
                folder = parent
            }
        }
        return nil
    }

    /// The located file, read once per process.
    public static let standard: Result<RateLimitTiers, ConfigProblems> = {
        guard let path = locate() else {
            return .failure(ConfigProblems([ConfigProblem(
                "no mocks/\(fileName) from the current directory or the llmchaos binary's; run from the project folder or set LLMCHAOS_MOCKS to the folder that holds it",
                at: SourceLocation(file: "mocks/\(fileName)", line: 0)
            )]))
        }
        do throws(ConfigProblems) { return .success(try load(path: path)) } catch { return .failure(error) }
    }()
}
