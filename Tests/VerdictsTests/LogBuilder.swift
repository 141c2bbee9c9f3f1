import ChaosCore
import Scenario
import Testing
import Verdicts

/// Hand-written RunLogs: every verdict test states exactly what happened.
struct LogBuilder {
    var log: RunLog

    init(duration: Duration = .seconds(600), timeScale: Double = 1) {
        log = RunLog(info: RunInfo(runID: "test/run", scenario: "test", timeScale: timeScale, duration: duration))
    }

    mutating func fault(_ name: String, from start: Duration, to end: Duration) {
        log.phases.append(PhaseRecord(kind: .fault, name: name, start: start, end: end))
    }

    mutating func request(
        _ index: Int, at: Duration, took: Duration = .seconds(1), servedBy: String? = "claude-opus-4-7",
        outcome: RequestRecord.Outcome = .ok, grade: RequestRecord.Grade = .right, cost: Double = 0.001
    ) {
        log.requests.append(RequestRecord(
            index: index, requestID: "r\(index)", questionID: "q", scheduled: at, finished: at + took, outcome: outcome,
            servedBy: servedBy, grade: grade, upstreamAttempts: 1, cost: cost
        ))
    }

    mutating func attempt(
        _ request: String, _ attempt: Int, at: Duration, model: String = "claude-opus-4-7", status: Int = 200,
        latency: Duration = .milliseconds(100), retryAfter: Duration? = nil, quality: String? = nil
    ) {
        log.attempts.append(UpstreamAttempt(
            sequence: log.attempts.count + 1, at: at, path: "/v1/messages", model: model, provider: "anthropic",
            requestID: request, attempt: attempt, correlation: "header", stream: false, status: status,
            ending: status == 200 ? "complete" : "error", latency: latency, responseID: "req_\(log.attempts.count)",
            answerKind: "golden:q", quality: quality, retryAfter: retryAfter
        ))
    }

    mutating func alert(_ name: String, _ state: AlertRecord.State, at: Duration) {
        log.alerts.append(AlertRecord(name: name, state: state, at: at))
    }
}

/// Parses one `expect:` entry, failing the test on any problem.
func expectation(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> any Verdicts.Expectation {
    let node = try #require(try ConfigNode.parse(yaml: yaml, file: "test.yaml"))
    let problems = ProblemCollector()
    let parsed = ExpectationRegistry.parse(node, problems: problems)
    #expect(problems.problems.isEmpty, "\(problems.problems)", sourceLocation: sourceLocation)
    return try #require(parsed, sourceLocation: sourceLocation)
}

/// The problems an entry has.
func problems(_ yaml: String) -> [String] {
    guard let node = try? ConfigNode.parse(yaml: yaml, file: "test.yaml") else { return ["does not parse"] }
    let problems = ProblemCollector()
    _ = ExpectationRegistry.parse(node, problems: problems)
    return problems.problems.map(\.description)
}
