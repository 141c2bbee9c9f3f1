import Foundation
import Synchronization
import Workload

/// Versioned system prompts for the SQL step. The active version switches (or rolls
/// back) at run time without a restart; every call sends it upstream as
/// `x-llmchaos-prompt-version` (so a scenario can make one version answer worse with
/// `match: { header: { x-llmchaos-prompt-version: v2 } }`) and every log line names it.
public final class PromptRegistry: Sendable {
    public static let header = "x-llmchaos-prompt-version"

    private struct State: Sendable {
        var versions: [String: String]
        var active: String
        var history: [String]
    }

    private let state: Mutex<State>

    /// - Parameter versions: name → template; `{{schema}}` is replaced by the schema.
    public init(versions: [String: String] = ["v1": PromptRegistry.builtIn], active: String = "v1") {
        // Rendered once: every call of a load test sends one of these.
        let rendered = versions.mapValues(Self.render)
        state = Mutex(State(versions: rendered, active: active, history: [active]))
    }

    /// Loads every `*.md` of a folder (`mocks/prompts/sql/`), named by file.
    public static func load(directory: String, active: String) throws -> PromptRegistry {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".md") }
        var versions: [String: String] = [:]
        for file in files {
            versions[String(file.dropLast(3))] = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
        }
        guard versions[active] != nil else {
            throw PromptError("no prompt version '\(active)' in \(directory); found \(versions.keys.sorted().joined(separator: ", "))")
        }
        return PromptRegistry(versions: versions, active: active)
    }

    public static let builtIn = """
        You translate analytics questions into one SQLite query over this schema:
        {{schema}}
        Answer with the query alone, in a ```sql block.
        """

    private static let renderedBuiltIn = render(builtIn)

    private static func render(_ template: String) -> String {
        template.replacingOccurrences(of: "{{schema}}", with: AnalyticsDataset.schemaForPrompt)
    }

    public var active: String { state.withLock { $0.active } }
    public var versions: [String] { state.withLock { $0.versions.keys.sorted() } }

    /// Makes `version` the active one from the next request on.
    public func activate(_ version: String) throws {
        try state.withLock { s in
            guard s.versions[version] != nil else { throw PromptError("no prompt version '\(version)'; known: \(s.versions.keys.sorted().joined(separator: ", "))") }
            s.active = version
            s.history.append(version)
        }
    }

    /// Goes back to the version active before the current one.
    @discardableResult
    public func rollBack() -> String {
        state.withLock { s in
            if s.history.count > 1 { s.history.removeLast() }
            s.active = s.history.last ?? s.active
            return s.active
        }
    }

    /// The active version's name and its system prompt, or those of `version`.
    func current(_ version: String? = nil) -> (version: String, system: String) {
        state.withLock { s in
            let name = version.flatMap { s.versions[$0] != nil ? $0 : nil } ?? s.active
            return (name, s.versions[name] ?? Self.renderedBuiltIn)
        }
    }
}

public struct PromptError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
