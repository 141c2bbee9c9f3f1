import ChaosCore
import Testing
@testable import Pipeline

@Suite("Multi-step workflow against the mock")
struct WorkflowTests {
    let question = PipelineFixture.question("revenue-by-region").question

    @Test func theExecuteStepRunsTheSQLAndIsRecordedAsASpan() async throws {
        try await PipelineFixture.with(configure: { $0.qualityMonitor.every = 0 }) { pipeline, _ in
            let outcome = await pipeline.answer(question: question, requestID: "w1")
            #expect(outcome.rowCount == 6)
            #expect(outcome.steps.map(\.name) == ["validate_input", "model_call", "generate_sql", "validate", "execute"])
            #expect(outcome.steps.allSatisfy { $0.succeeded })
            #expect(outcome.steps.last?.detail == "6 rows")
        }
    }

    @Test func anOptionalStepThatFailsIsRecordedAndSkipped() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { status: 503 }\n  match: { header: { x-llmchaos-step: interpret } }",
            configure: { $0.workflow = [.execute, .interpret]; $0.qualityMonitor.every = 0 }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: question, requestID: "w2")
            #expect(outcome.servedBy == "claude-opus-4-7")
            #expect(!outcome.degraded)
            #expect(outcome.summary == nil)
            #expect(outcome.steps.suffix(2).map(\.name) == ["execute", "interpret"])
            #expect(outcome.steps.suffix(2).map(\.succeeded) == [true, false])
            #expect(outcome.steps.last?.critical == false)
            #expect(outcome.warnings == ["optional step interpret skipped: 503 api_error"])
        }
    }

    @Test func aCriticalStepThatFailsFailsTheAnswerLoudly() async throws {
        try await PipelineFixture.with(
            faults: "- inject: { status: 503 }\n  match: { header: { x-llmchaos-step: interpret } }",
            configure: { $0.workflow = [.execute, WorkflowStep(.interpret, critical: true)]; $0.qualityMonitor.every = 0 }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: question, requestID: "w3")
            #expect(outcome.servedBy == "failed")
            #expect(outcome.degraded)
            #expect(outcome.warnings == ["critical step interpret failed: 503 api_error"])
        }
    }

    @Test func aSucceedingInterpretStepAddsASummary() async throws {
        try await PipelineFixture.with(configure: { $0.workflow = [.execute, .interpret]; $0.qualityMonitor.every = 0 }) { pipeline, _ in
            let outcome = await pipeline.answer(question: question, requestID: "w4")
            #expect(outcome.summary?.isEmpty == false)
            #expect(outcome.steps.suffix(2).map(\.name) == ["execute", "interpret"])
            #expect(outcome.steps.allSatisfy { $0.succeeded })
        }
    }
}
