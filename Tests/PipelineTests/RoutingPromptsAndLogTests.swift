import ChaosCore
import Foundation
import Synchronization
import Testing
import Workload
@testable import Pipeline

@Suite("Routing, prompt versions and structured log")
struct RoutingPromptsAndLogTests {
    @Test func theComplexityEstimateAgreesWithTheGoldenSetsGrades() {
        let easy = GoldenQuestions.all.filter { $0.difficulty == .easy }
        let hard = GoldenQuestions.all.filter { $0.difficulty == .hard }
        let easyAsSimple = easy.filter { ComplexityRouter.classify($0.question) == .simple }.count
        let hardAsComplex = hard.filter { ComplexityRouter.classify($0.question) == .complex }.count
        #expect(Double(easyAsSimple) / Double(easy.count) >= 0.8, "\(easyAsSimple) of \(easy.count)")
        #expect(Double(hardAsComplex) / Double(hard.count) >= 0.8, "\(hardAsComplex) of \(hard.count)")
    }

    @Test func easyQuestionsGoToTheCheaperModelFirstWhenRoutingIsOn() async throws {
        try await PipelineFixture.with(configure: { $0.routeByComplexity = true }) { pipeline, _ in
            let easy = await pipeline.answer(question: PipelineFixture.question("customer-count").question, requestID: "e")
            #expect(easy.servedBy == "claude-sonnet-4-6")
            #expect(easy.queryType == "simple")
            let hard = await pipeline.answer(question: PipelineFixture.question("mom-growth-2025").question, requestID: "h")
            #expect(hard.servedBy == "claude-opus-4-7")
            #expect(hard.queryType == "complex")
        }
    }

    @Test func aBadPromptDeployIsRolledBackOnTheNextRequest() async throws {
        let prompts = PromptRegistry(versions: ["v1": PromptRegistry.builtIn, "v2": "Write SQL for {{schema}}"], active: "v1")
        try await PipelineFixture.with(
            faults: "- { name: bad-v2, match: { header: { x-llmchaos-prompt-version: v2 } }, inject: { quality: { mode: hallucinated_table } } }",
            configure: { $0.prompts = prompts; $0.tiers = [.model(.init(model: "claude-opus-4-7")), .degraded] }
        ) { pipeline, _ in
            let q = PipelineFixture.question("revenue-by-channel").question
            #expect(await pipeline.answer(question: q, requestID: "p1").servedBy == "claude-opus-4-7")
            try prompts.activate("v2")
            let broken = await pipeline.answer(question: q, requestID: "p2")
            #expect(broken.promptVersion == "v2")
            #expect(broken.servedBy == "degraded")
            #expect(prompts.rollBack() == "v1")
            let fixed = await pipeline.answer(question: q, requestID: "p3")
            #expect(fixed.promptVersion == "v1")
            #expect(fixed.servedBy == "claude-opus-4-7")
            #expect(throws: PromptError.self) { try prompts.activate("v9") }
        }
    }

    @Test func everyCallAndAnswerIsOneJSONLineWithTheGuidesFields() async throws {
        let lines = Mutex<[String]>([])
        try await PipelineFixture.with(
            faults: "- inject: { overloaded: {} }\n  match: { model: claude-opus-4-7, attempts: 1 }",
            configure: { config in config.log = { line in lines.withLock { $0.append(line) } } }
        ) { pipeline, _ in
            _ = await pipeline.answer(question: PipelineFixture.question("region-count").question, tenant: "acme", requestID: "L1")
        }
        let records = lines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.map { $0["kind"] as? String } == ["model_call", "model_call", "answer"])
        #expect(records.map { $0["status"] as? String } == ["error", "ok", "ok"])
        #expect(records[0]["errorMessage"] as? String == "529 overloaded_error")
        let answer = records[2]
        for key in ["timestamp", "requestId", "modelUsed", "inputTokens", "outputTokens", "latencyMs", "status", "queryType",
                    "validationPassed", "fallbackUsed", "cost", "promptVersion"] {
            #expect(answer[key] != nil, "missing \(key)")
        }
        let spans = try #require(answer["spans"] as? [[String: Any]])
        #expect(spans.map { $0["name"] as? String } == ["validate_input", "model_call", "model_call", "generate_sql", "validate", "execute"])
        #expect(spans.map { $0["ok"] as? Bool } == [true, false, true, true, true, true], "the first attempt failed, the retry served")
        #expect(spans.last?["critical"] as? Bool == true)
        #expect(answer["fallbackUsed"] as? Bool == false)
        #expect(answer["promptVersion"] as? String == "v1")
        #expect((answer["cost"] as? Double ?? 0) > 0)
    }

    @Test func promptVersionsLoadFromTheMocksFolder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let registry = try PromptRegistry.load(directory: root.appendingPathComponent("mocks/prompts/sql").path, active: "v1")
        #expect(registry.versions == ["v1", "v2"])
        #expect(registry.current().system.contains("CREATE TABLE sales"))
        #expect(throws: PromptError.self) { try PromptRegistry.load(directory: root.appendingPathComponent("mocks/prompts/sql").path, active: "v7") }
    }
}
