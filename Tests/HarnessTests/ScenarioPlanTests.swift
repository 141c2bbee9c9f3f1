import Foundation
@testable import Harness
import Pipeline
import Scenario
import Testing

@Suite struct ScenarioPlanTests {
    @Test func everyProblemOfEveryBlockIsReportedAtItsLine() {
        let yaml = """
            name: broken
            duration: 5m
            pipeline:
              retry: { max_attempts: 0, jiter: full }
              tiers: [claude-opus-4-7]
            load:
              arrival: { rate: fast }
            target: { request: { url: "http://10.0.0.8:9000/query" } }
            faults:
              - { name: storm, at: 1m, for: 1m, inject: { overloaded: {} } }
            expect:
              - fallback: { from: claude-opus-4-7, to: cache, during: strom }
              - sloo: { p99: 1s }
            """
        #expect {
            _ = try ScenarioPlan.parse(yaml: yaml, file: "broken.yaml")
        } throws: { error in
            let problems = (error as? ConfigProblems)?.all.map(\.description) ?? []
            let expected = [
                "broken.yaml:4: max_attempts must be at least 1",
                "broken.yaml:4: retry has an unknown key 'jiter'; did you mean 'jitter'?",
                "broken.yaml:5: the last tier should be 'degraded'",
                "broken.yaml:7: rate 'fast' is not a rate",
                "broken.yaml:8: 10.0.0.8 is not on this machine",
                "broken.yaml:12: no fault is named 'strom'; did you mean 'storm'?",
                "broken.yaml:13: unknown expectation 'sloo'; did you mean 'slo'?",
            ]
            for prefix in expected where !problems.contains(where: { $0.hasPrefix(prefix) }) {
                Issue.record("missing '\(prefix)' in \(problems)")
            }
            return problems.count == expected.count
        }
    }

    @Test func canaryFlagsAndLatencyBudgetReachThePipeline() throws {
        let plan = try ScenarioPlan.parse(yaml: """
            name: knobs
            duration: 5m
            pipeline:
              latency_budget: 9s
              tiers: [{ model: claude-opus-4-7, latency_budget: 4s }, claude-sonnet-4-6, cache, degraded]
              prompts: { directory: mocks/prompts/sql, version: v1 }
              canary: { prompt_version: v2, steps: [0, 0.5], step_every: 1m }
              flags: { disabled_models: [claude-sonnet-4-6] }
            """, file: CLIRoot.path + "/scenarios/knobs.yaml")
        let budgets = plan.pipeline.tiers.compactMap { tier -> Duration?? in
            if case let .model(model) = tier { return model.latencyBudget }
            return nil
        }
        #expect(budgets == [.seconds(4), .seconds(9)], "a tier's own budget wins over the default")
        #expect(plan.pipeline.canary == Canary.Plan(target: .promptVersion("v2"), steps: [0, 0.5], stepEvery: .seconds(60)))
        #expect(plan.pipeline.flags.disabledModels == ["claude-sonnet-4-6"])
    }

    @Test func aScenarioSetsItsOwnPricesOverTheListPrices() throws {
        let plan = try ScenarioPlan.parse(yaml: """
            name: negotiated
            duration: 5m
            pipeline:
              prices: { claude-opus-4-7: { input: 4, output: 20, cache_read: 0.2 }, my-model: { input: 1, output: 2 } }
            """, file: "negotiated.yaml")
        let prices = plan.pipeline.prices
        #expect(prices.price(of: "claude-opus-4-7") == PriceTable.Price(input: 4, output: 20, cacheRead: 0.2))
        #expect(prices.price(of: "my-model") == PriceTable.Price(input: 1, output: 2))
        #expect(prices.price(of: "claude-sonnet-4-6") == PriceTable.defaults.price(of: "claude-sonnet-4-6"), "the rest keep their list prices")
        #expect(throws: ConfigProblems.self) {
            try ScenarioPlan.parse(yaml: "name: p\nduration: 1m\npipeline:\n  prices: { m: { input: 1 } }\n", file: "p.yaml")
        }
        do {
            _ = try ScenarioPlan.parse(yaml: "name: p\nduration: 1m\npipeline:\n  prices:\n    m: { input: -1, output: 2, cache_reed: 1 }\n", file: "p.yaml")
            Issue.record("a negative price and an unknown key were taken")
        } catch {
            let problems = error.all.map(\.description)
            #expect(problems.contains { $0.hasPrefix("p.yaml:5: prices.m.input must be dollars per million tokens, 0 or more") }, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("p.yaml:5:") && $0.contains("cache_reed") && $0.contains("cache_read") }, "\(problems)")
        }
    }

    /// A tier that has no pool for a model the pipeline calls would leave it
    /// unlimited: a capacity plan wrong without a word, so it is a problem.
    @Test func aTierWithoutAPoolForAModelThePipelineCallsIsAProblem() throws {
        func problems(_ tiers: String, match: String = "", canary: String = "") -> [String] {
            let yaml = """
                name: t
                duration: 1m
                pipeline:
                  tiers: \(tiers)
                \(canary.isEmpty ? "" : "  canary: \(canary)\n")faults:
                  - name: wall
                    \(match.isEmpty ? "" : "match: \(match)\n    ")inject: { rate_limit: { tier: tier-1 } }
                """
            do {
                _ = try ScenarioPlan.parse(yaml: yaml, file: "t.yaml")
                return []
            } catch {
                return error.all.map(\.description)
            }
        }
        let unpooled = problems("[claude-opus-5, claude-sonnet-4-6, cache, degraded]")
        #expect(unpooled.count == 1)
        #expect(unpooled.first?.hasPrefix("t.yaml:") == true && unpooled.first?.contains("tier-1 has no pool for claude-opus-5, so its calls would not be rate-limited") == true, "\(unpooled)")
        #expect(unpooled.first?.contains("mocks/rate-limit-tiers.yaml") == true)
        #expect(problems("[claude-opus-5, claude-sonnet-4-6, cache, degraded]", match: "{ model: claude-sonnet-4-6 }").isEmpty, "a fault narrowed to a pooled model")
        #expect(problems("[claude-opus-4-7, claude-sonnet-4-6, cache, degraded]").isEmpty)
        #expect(problems("[claude-opus-4-7, cache, degraded]", canary: "{ model: claude-fable-5-1 }").first?.contains("no pool for claude-fable-5-1") == true, "a canary's model counts")
        for perRequest in ["{ attempts: 2.. }", "{ input_tokens: 100000.. }", "{ api_key: sk-a }", "{ header: { x-tenant: a } }"] {
            #expect(problems("[claude-opus-5, cache, degraded]", match: perRequest).count == 1, "\(perRequest) narrows requests, not models")
        }
    }

    @Test func canaryMistakesAreNamedOnceAtTheirLine() {
        func problems(_ canary: String) -> [String] {
            do {
                _ = try ScenarioPlan.parse(yaml: "name: c\nduration: 1m\npipeline:\n  canary: \(canary)\n", file: "c.yaml")
                return []
            } catch {
                return error.all.map(\.description)
            }
        }
        #expect(problems("{ prompt_version: v9 }") == ["c.yaml:4: canary prompt_version 'v9' is not among the prompt versions (v1); load it with prompts: { directory: ... }"])
        #expect(problems("{ steps: [0.1] }") == ["c.yaml:4: a canary needs prompt_version or model, such as canary: { prompt_version: v2 }"])
        #expect(problems("{ model: a, prompt_version: v1 }") == ["c.yaml:4: a canary has either prompt_version or model, not both"])
        #expect(problems("{ model: a, steps: fast }") == ["c.yaml:4: steps must be a list of traffic shares such as [0.05, 0.25, 1]"])
    }

    @Test func theShippedSuiteReads() {
        let (plans, problems) = SuiteRunner.loadPlans([CLIRoot.path + "/scenarios"])
        #expect(problems.isEmpty, "\(problems)")
        #expect(plans.count >= 16)
        #expect(plans.allSatisfy { !$0.expectations.isEmpty }, "every shipped scenario checks something")
    }

    @Test func theSchemaNamesEveryKind() throws {
        let json = ScenarioSchema.json
        for kind in ["overloaded", "rate_limit", "quality", "fallback", "backoff", "silent_wrong_answers", "circuit_breaker"] {
            #expect(json.contains("\"\(kind)\""), "\(kind)")
        }
    }
}

enum CLIRoot {
    static let path: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
}
