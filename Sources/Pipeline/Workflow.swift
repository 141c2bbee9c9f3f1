import AnthropicAPI
import ChaosCore
import Workload

/// The steps after the SQL is generated, each critical or optional:
///
/// ```
/// generate_sql (the tier walk) ─▶ execute ─▶ interpret ─▶ answer
///                                  critical   optional by default
/// ```
/// An optional step that fails is recorded and skipped; a critical one fails the
/// answer loudly (`served_by: failed`), never silently.
public struct WorkflowStep: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Runs the SQL on the data set.
        case execute
        /// Asks the serving model for a one-sentence reading of the result.
        case interpret
    }

    public var kind: Kind
    public var critical: Bool

    public init(_ kind: Kind, critical: Bool) { self.kind = kind; self.critical = critical }

    public static let execute = WorkflowStep(.execute, critical: true)
    public static let interpret = WorkflowStep(.interpret, critical: false)
}

/// One step as it ran: the span a trace would show.
public struct StepRecord: Sendable, Equatable {
    /// `validate_input`, `generate_sql`, `validate`, `cache`, `execute` or `interpret`.
    public var name: String
    public var critical: Bool
    public var succeeded: Bool
    public var detail: String
    public var start: Duration
    public var duration: Duration
    /// What the step worked on, such as the model of a `generate_sql`.
    public var attributes: [String: String] = [:]

    public init(name: String, critical: Bool, succeeded: Bool, detail: String, start: Duration, duration: Duration, attributes: [String: String] = [:]) {
        self.name = name; self.critical = critical; self.succeeded = succeeded; self.detail = detail
        self.start = start; self.duration = duration; self.attributes = attributes
    }
}

/// The header that tells the mock which step a call belongs to, so a scenario can
/// break one step: `match: { header: { x-llmchaos-step: interpret } }`.
public enum WorkflowHeader {
    public static let name = "x-llmchaos-step"
}

extension AnalyticsPipeline {
    /// Runs the configured steps on served SQL; returns the reason a critical step
    /// failed, if one did.
    func runSteps(sql: String, model: String, run: inout Run) async -> String? {
        for step in configuration.workflow {
            let start = clock.now()
            var record = StepRecord(name: step.kind.rawValue, critical: step.critical, succeeded: true, detail: "", start: start, duration: .zero, attributes: ["model": model])
            switch step.kind {
            case .execute:
                switch await grader.rows(of: sql) {
                case let .success(rows):
                    run.outcome.rowCount = rows.count
                    record.detail = "\(rows.count) rows"
                case let .failure(error):
                    record.succeeded = false
                    record.detail = "\(error)"
                }
            case .interpret:
                let request = MessagesRequest(model: model, maxTokens: 200, messages: [Message(role: .user, text: "In one sentence, what does the result of this query say about: \(run.outcome.question)\n\(sql)")])
                let result = await client.send(request, requestID: run.outcome.requestID + "-interpret", attempt: 1, timeout: .seconds(30), headers: [(WorkflowHeader.name, "interpret")])
                switch result {
                case let .success(reply):
                    run.outcome.summary = reply.text
                    run.outcome.cost += configuration.prices.cost(model: model, usage: reply.usage)
                    record.detail = "summary of \(reply.usage.outputTokens) tokens"
                case let .failure(failure):
                    record.succeeded = false
                    record.detail = failure.description
                }
            }
            record.duration = clock.now() - start
            run.outcome.steps.append(record)
            guard record.succeeded else {
                if step.critical { return "critical step \(step.kind.rawValue) failed: \(record.detail)" }
                run.outcome.warnings.append("optional step \(step.kind.rawValue) skipped: \(record.detail)")
                continue
            }
        }
        return nil
    }
}
