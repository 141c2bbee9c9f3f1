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
    /// Earlier attempts of this scenario, set aside because they failed while the
    /// harness was short of CPU; oldest first.
    public var starvedAttempts: [StarvedAttempt]

    public init(log: RunLog, verdicts: [Verdict], description: String? = nil, wallSeconds: Double = 0, starvedAttempts: [StarvedAttempt] = []) {
        self.log = log; self.verdicts = verdicts; self.description = description; self.wallSeconds = wallSeconds
        self.starvedAttempts = starvedAttempts
    }

    /// Completed, and every expectation held.
    public var passed: Bool { log.info.status == .completed && verdicts.allSatisfy(\.passed) }
    public var failedCount: Int { verdicts.filter { !$0.passed }.count }

    /// Completed and failed while the harness was short of CPU: the machine may
    /// have failed it, so another attempt, on a calmer machine, can tell.
    public var failedWhileStarved: Bool { log.info.status == .completed && !passed && log.info.saturation != nil }

    /// What every report says of the attempts set aside; nil when the first counted.
    public var rerunNote: String? {
        let attempt = log.info.attempt ?? 1
        guard attempt > 1 else { return nil }
        let earlier = (1..<attempt).map(String.init)
        let names = earlier.count == 1 ? "attempt 1" : "attempts " + earlier.dropLast().joined(separator: ", ") + " and \(attempt - 1)"
        var note = "attempt \(attempt) counts: \(names) failed while the harness was short of CPU and \(earlier.count == 1 ? "was" : "were") set aside"
        if !starvedAttempts.isEmpty {
            note += " (" + starvedAttempts.map { "\($0.runID) failed \($0.failed.joined(separator: ", "))" }.joined(separator: "; ") + ")"
        }
        return note
    }
}

/// An attempt at a scenario that failed while the harness was short of CPU, set
/// aside (stored as ``RunInfo/Status/superseded``) and run again.
public struct StarvedAttempt: Codable, Sendable, Equatable {
    public var runID: String
    public var attempt: Int
    /// The kinds of the expectations it failed, such as `slo`.
    public var failed: [String]
    /// What the timers measured (``RunInfo/saturation``).
    public var saturation: String

    public init(runID: String, attempt: Int, failed: [String], saturation: String) {
        self.runID = runID; self.attempt = attempt; self.failed = failed; self.saturation = saturation
    }

    /// The attempt a failed run makes, when the harness was short of CPU in it.
    public init?(_ result: ScenarioResult) {
        guard result.failedWhileStarved, let saturation = result.log.info.saturation else { return nil }
        let failed = result.verdicts.filter { !$0.passed }.map(\.kind)
        self.init(runID: result.log.info.runID, attempt: result.log.info.attempt ?? 1, failed: failed, saturation: saturation)
    }
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
