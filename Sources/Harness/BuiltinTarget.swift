import ChaosCore
import Load
import Pipeline
import Workload

/// The reference pipeline, in process, as a load target: each request asks a
/// golden question (chosen by the request's seeded draw), and the answer is graded
/// against the question's golden SQL by execution.
struct BuiltinTarget: LoadTarget {
    let pipeline: AnalyticsPipeline
    let grader: ExecutionGrader
    let questions = GoldenQuestions.all

    func send(_ request: LoadRequest) async -> LoadReply {
        let question = questions[Int(request.draw % UInt64(questions.count))]
        let outcome = await pipeline.answer(question: question.question, tenant: request.tenant, requestID: request.requestID)
        var grade = RequestRecord.Grade.unknown
        if let sql = outcome.sql {
            grade = await Self.grade(sql, question, grader)
        }
        return LoadReply(
            outcome: Self.outcome(of: outcome), servedBy: outcome.servedBy, status: 200, grade: grade, questionID: question.id,
            error: outcome.degraded || outcome.sql == nil ? (outcome.warnings.first ?? outcome.failures.last?.description) : nil,
            failures: outcome.failures.map(\.description), upstreamAttempts: outcome.upstreamAttempts, cost: outcome.cost,
            variant: outcome.promptVersion, timeToFirstToken: outcome.timeToFirstToken, interTokenLatency: outcome.interTokenLatency
        )
    }

    /// Right or wrong by execution; unknown when grading itself could not finish
    /// (the run ended mid-way), which is not the answer's fault.
    static func grade(_ sql: String, _ question: GoldenQuestion, _ grader: ExecutionGrader) async -> RequestRecord.Grade {
        let grade = await grader.grade(sql, against: question)
        if Task.isCancelled { return .unknown }
        return grade.isCorrect ? .right : .wrong
    }

    static func outcome(of outcome: PipelineOutcome) -> RequestRecord.Outcome {
        switch outcome.servedBy {
        case "refused", "failed": .error
        case _ where outcome.degraded: .degraded
        case _ where outcome.sql == nil: .error
        default: .ok
        }
    }
}
