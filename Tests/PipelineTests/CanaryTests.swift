import ChaosCore
@testable import Pipeline
import Synchronization
import Testing
import TestSupport

@Suite struct CanaryTests {
    /// v2's SQL fails validation on every model: the fault follows the prompt header.
    static let badV2 = "- { name: bad-v2, match: { header: { x-llmchaos-prompt-version: v2 } }, inject: { quality: { mode: hallucinated_table } } }"

    /// Half the traffic on v2, rolled back when validation failures page.
    static func canaryOfV2(_ configuration: inout PipelineConfiguration) {
        configuration.prompts = PromptRegistry(versions: ["v1": PromptRegistry.builtIn, "v2": "New prompt. {{schema}}"], active: "v1")
        configuration.canary = Canary.Plan(target: .promptVersion("v2"), steps: [0.5, 1.0], stepEvery: .seconds(3600))
        configuration.alertRules = [AlertRule(name: "ValidationFailures", metric: .validationFailureRate, threshold: 0.2, window: .seconds(60), minSamples: 4)]
        configuration.qualityMonitor.every = 0
        configuration.retry = RetryPolicy(maxAttempts: 1)
    }

    @Test func theShareRisesInStepsAndRollbackIsFinal() {
        let canary = Canary(plan: .init(target: .promptVersion("v2"), steps: [0.05, 0.5, 1.0], stepEvery: .seconds(60)))
        #expect(canary.share(at: .seconds(10)) == 0.05)
        #expect(canary.share(at: .seconds(75)) == 0.5)
        #expect(canary.share(at: .seconds(500)) == 1.0)
        let included = (0..<1000).filter { canary.includes("r\($0)", at: .seconds(75)) }.count
        #expect((430...570).contains(included))
        #expect(canary.rollBack(at: .seconds(501), reason: "HighErrorRate fired"))
        #expect(!canary.rollBack(at: .seconds(502), reason: "again"))
        #expect(canary.share(at: .seconds(900)) == 0)
        #expect(canary.rollback?.reason == "HighErrorRate fired")
    }

    @Test func aBadPromptInTheCanaryIsRolledBackWhenItsAlertFires() async throws {
        let clock = ManualClock()
        try await PipelineFixture.with(
            faults: Self.badV2, clock: clock, configure: Self.canaryOfV2
        ) { pipeline, _ in
            let question = PipelineFixture.question("revenue-by-channel").question
            var outcomes: [PipelineOutcome] = []
            for i in 0..<30 {
                outcomes.append(await pipeline.answer(question: question, requestID: "c\(i)"))
                clock.advance(by: .seconds(1))
            }
            let rollback = try #require(pipeline.canary?.rollback)
            #expect(rollback.reason == "ValidationFailures fired")
            let canaryAnswers = outcomes.filter(\.canary)
            #expect(!canaryAnswers.isEmpty)
            // v2's SQL fails validation on every model (the fault follows the prompt
            // header), so canary answers come from the cache or say unavailable.
            #expect(canaryAnswers.allSatisfy { $0.promptVersion == "v2" && $0.failures.first?.reason.hasPrefix("invalid SQL: no such table") == true })
            #expect(canaryAnswers.allSatisfy { ["cache", "degraded"].contains($0.servedBy) })
            // Once rolled back, nothing more goes to the canary, and v1 answers first time.
            let after = outcomes.suffix(10)
            #expect(after.allSatisfy { !$0.canary && $0.promptVersion == "v1" && $0.servedBy == "claude-opus-4-7" })
        }
    }

    /// The rollback does not wait on the alert's delivery: when the receiver
    /// first sees the alert, the canary is already rolled back.
    @Test func theRollbackComesBeforeTheAlertIsDelivered() async throws {
        let clock = ManualClock()
        let pipelineBox = Mutex<AnalyticsPipeline?>(nil)
        let rolledBackWhenDelivered = Mutex<[Bool]>([])
        let receiver = try ScriptedServer { connection, _ in
            guard connection.readRequest() != nil else { return }
            let rolledBack = pipelineBox.withLock { $0?.canary?.rollback != nil }
            rolledBackWhenDelivered.withLock { $0.append(rolledBack) }
        }
        try await PipelineFixture.with(
            faults: Self.badV2, clock: clock, configure: {
                Self.canaryOfV2(&$0)
                $0.alertWebhook = receiver.url + "/"
            }
        ) { pipeline, _ in
            pipelineBox.withLock { $0 = pipeline }
            let question = PipelineFixture.question("revenue-by-channel").question
            for i in 0..<30 where pipeline.canary?.rollback == nil {
                _ = await pipeline.answer(question: question, requestID: "d\(i)")
                clock.advance(by: .seconds(1))
            }
            #expect(pipeline.canary?.rollback?.reason == "ValidationFailures fired")
            #expect(rolledBackWhenDelivered.withLock { $0 }.first == true, "the receiver saw the alert before the rollback")
        }
    }
}
