import Testing
import Workload
@testable import Pipeline

@Suite struct ConfidenceTests {
    @Test func signalsCombineIntoTheScore() {
        #expect(Confidence.of(semantic: .correct, rows: [[.number(1)]], columns: ["revenue"]).score == 1)
        #expect(Confidence.of(semantic: nil, rows: [[.number(1)]], columns: ["revenue"]).score == 0.7)
        let wrong = Confidence.of(semantic: .incorrect, rows: [[.number(1)]], columns: ["revenue"])
        #expect(wrong.score == 0.2)
        #expect(wrong.reasons == ["semantic check: incorrect"])
        let empty = Confidence.of(semantic: .correct, rows: [], columns: ["revenue"])
        #expect(empty.score == 0.6)
        let negative = Confidence.of(semantic: .correct, rows: [[.text("EU"), .number(-5)]], columns: ["name", "total_revenue"])
        #expect(negative.score == 0.5)
        #expect(negative.reasons == ["negative total_revenue"])
        #expect(Confidence.of(semantic: .correct, rows: [[.number(-5)]], columns: ["growth"]).score == 1, "growth may be negative")
    }

    @Test func aSemanticCheckCatchesValidButWrongSQL() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { quality: { mode: wrong_filter } }\n  match: { model: claude-opus-4-7 }",
            configure: { $0.semanticCheck = true; $0.qualityMonitor.every = 0 }
        ) { pipeline, mock in
            let q = PipelineFixture.question("revenue-by-category")
            let outcome = await pipeline.answer(question: q.question, requestID: "v1")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.failures.first?.reason == "low confidence 0.2 (semantic check: incorrect)")
            #expect(outcome.confidence == 1)
            #expect(await ExecutionGrader(dataset: PipelineFixture.dataset).grade(outcome.sql ?? "", against: q) == .correct)
            #expect(mock.server.journal.entries().map(\.answerKind) == ["golden:revenue-by-category", "judge", "golden:revenue-by-category", "judge"])
        }
    }

    @Test func withoutTheCheckTheSameWrongSQLIsServed() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { quality: { mode: wrong_filter } }\n  match: { model: claude-opus-4-7 }",
            configure: { $0.qualityMonitor.every = 0 }
        ) { pipeline, _ in
            let q = PipelineFixture.question("revenue-by-category")
            let outcome = await pipeline.answer(question: q.question, requestID: "v2")
            #expect(outcome.servedBy == "claude-opus-4-7")
            #expect(outcome.confidence == 0.7)
            #expect(await ExecutionGrader(dataset: PipelineFixture.dataset).grade(outcome.sql ?? "", against: q) != .correct)
        }
    }
}
