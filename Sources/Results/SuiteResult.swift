import ChaosCore
import Foundation
import Verdicts

/// One scenario run, judged.
public struct ScenarioResult: Sendable {
    public var log: RunLog
    public var verdicts: [Verdict]
    public var description: String?
    /// Wall-clock seconds the run took.
    public var wallSeconds: Double

    public init(log: RunLog, verdicts: [Verdict], description: String? = nil, wallSeconds: Double = 0) {
        self.log = log; self.verdicts = verdicts; self.description = description; self.wallSeconds = wallSeconds
    }

    /// Completed, and every expectation held.
    public var passed: Bool { log.info.status == .completed && verdicts.allSatisfy(\.passed) }
    public var failedCount: Int { verdicts.filter { !$0.passed }.count }
}

/// Every scenario of one `llmchaos run`.
public struct SuiteResult: Sendable {
    public var invocation: String
    public var startedAt: Date
    public var results: [ScenarioResult]

    public init(invocation: String, startedAt: Date, results: [ScenarioResult]) {
        self.invocation = invocation; self.startedAt = startedAt; self.results = results
    }

    public var passed: Bool { results.allSatisfy(\.passed) }
    public var expectationCount: Int { results.reduce(0) { $0 + $1.verdicts.count } }
    public var failedCount: Int { results.reduce(0) { $0 + $1.failedCount } }
}

/// Writes one report format.
public protocol ReportWriter: Sendable {
    /// The file name inside the run's folder, such as `report.json`.
    static var fileName: String { get }
    static func render(_ suite: SuiteResult) -> String
}

extension ReportWriter {
    /// Renders into `directory/fileName` (or `path`, when given); returns the path written.
    @discardableResult
    public static func write(_ suite: SuiteResult, to directory: String, path: String? = nil) throws -> String {
        let target = path ?? (directory as NSString).appendingPathComponent(fileName)
        let parent = (target as NSString).deletingLastPathComponent
        if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        try render(suite).write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }
}

/// Every format, in the order they are written.
public enum Reports {
    public static let all: [any ReportWriter.Type] = [JSONReport.self, JUnitReport.self, MarkdownReport.self, HTMLReport.self]
}
