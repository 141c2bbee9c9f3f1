import Foundation
import Harness
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
