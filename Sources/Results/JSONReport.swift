import ChaosCore
import Foundation
import Verdicts

/// `report.json`: every scenario's verdicts and statistics, for machines.
public enum JSONReport: ReportWriter {
    public static let fileName = "report.json"

    struct Document: Codable {
        var invocation: String
        var startedAt: Date
        var passed: Bool
        var expectations: Int
        var failed: Int
        var scenarios: [ScenarioDocument]
    }

    struct ScenarioDocument: Codable {
        var info: RunInfo
        var description: String?
        var passed: Bool
        var wallSeconds: Double
        var statistics: RunStatistics
        var faults: [PhaseRecord]
        var alerts: [AlertRecord]
        var verdicts: [Verdict]
        /// Earlier attempts set aside because they failed while the harness was short of CPU.
        var starvedAttempts: [StarvedAttempt]
    }

    public static func render(_ suite: SuiteResult) -> String {
        let document = Document(
            invocation: suite.invocation, startedAt: suite.startedAt, passed: suite.passed,
            expectations: suite.expectationCount, failed: suite.failedCount,
            scenarios: suite.results.map {
                ScenarioDocument(
                    info: $0.log.info, description: $0.description, passed: $0.passed, wallSeconds: $0.wallSeconds,
                    statistics: RunStatistics($0.log), faults: $0.log.phases.filter { $0.kind == .fault },
                    alerts: $0.log.alerts, verdicts: $0.verdicts, starvedAttempts: $0.starvedAttempts
                )
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(document), as: UTF8.self)) ?? "{}"
    }
}
