import ChaosCore
import Scenario

/// `silent_wrong_answers: 0` or `{ max: 2, during: wrong-sql }`
///
/// Requests answered as good (not degraded) whose answer was wrong, by ground
/// truth: the workload's golden SQL, or the mark of an answer the mock degraded.
/// A run with no gradable answer fails: it proves nothing.
public struct SilentWrongAnswersExpectation: Expectation {
    public static let kind = "silent_wrong_answers"
    let max: Int
    let window: WindowSpec

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        if node.scalarText != nil, node.entries == nil {
            guard let max = node.int(problems, what: "silent_wrong_answers", min: 0) else { return nil }
            self.max = max; window = .wholeRun
            return
        }
        guard let reader = node.mapping(problems, what: "silent_wrong_answers") else { return nil }
        let max = reader.optional("max").map { $0.int(problems, what: "max", min: 0) } ?? 0
        let window = WindowSpec.parse(reader.optional("during"), problems: problems)
        reader.finish()
        guard let max, let window else { return nil }
        self.max = max; self.window = window
    }

    public var summary: String { "at most \(max) wrong answers served as good during \(window)" }
    public var faultReferences: [FaultReference] { window.faultReferences }

    /// The mock's answers to each logical request, in order.
    func answers(_ log: RunLog) -> [String: [UpstreamAttempt]] {
        Dictionary(grouping: log.messageAttempts.filter { $0.status == 200 && $0.answerKind.hasPrefix("golden") }, by: \.requestID)
    }

    /// For a target that does not return its SQL: the answer it served came from
    /// the mock, which marks the answers it degraded. The last full answer the
    /// request got decides.
    static func gradeFromJournal(_ request: RequestRecord, answers: [String: [UpstreamAttempt]]) -> RequestRecord.Grade {
        guard let last = answers[request.requestID]?.max(by: { $0.sequence < $1.sequence }) else { return .unknown }
        return last.quality == nil ? .right : .wrong
    }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = window.resolve(in: log) else { return verdict(false, "the run has no fault named \(self.window)") }
        let answers = answers(log)
        let served = log.requests(in: window).filter { $0.outcome == .ok }.map { request in
            var request = request
            if request.grade == .unknown { request.grade = Self.gradeFromJournal(request, answers: answers) }
            return request
        }
        let graded = served.filter { $0.grade != .unknown }
        let wrong = graded.filter { $0.grade == .wrong }
        guard !graded.isEmpty else {
            return verdict(false, "none of \(served.count) answers served as good could be graded: nothing shows they were right")
        }
        return verdict(
            wrong.count <= max,
            "\(wrong.count) wrong answers served as good (of \(graded.count) graded)",
            evidence: ["window \(window.name): \(served.count) served as good, \(graded.count) graded"],
            offenders: wrong.map { Offender(requestID: $0.requestID, at: $0.scheduled, reason: "wrong answer to \($0.questionID ?? "?") served by \($0.servedBy ?? "?")") }
        )
    }
}
