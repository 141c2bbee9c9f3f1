import ChaosCore
import Testing
@testable import Scenario

@Suite struct ScenarioLoaderTests {
    @Test func aCompleteScenarioReadsIntoValues() throws {
        let scenario = try ScenarioLoader.parse(yaml: """
            name: opus-storm
            description: Opus answers 529.
            seed: 42
            duration: 10m
            time_scale: 60
            target: builtin
            load: { workload: analytics, arrival: { rate: 20/s } }
            faults:
              - name: opus-529
                at: 2m
                for: 2m
                ramp: { up: 30s, down: 10s }
                match: { model: [claude-opus-4-7, claude-opus-4-1], header: { X-Tenant: acme }, attempts: 1..2, stream: true }
                inject: { overloaded: { probability: 90% } }
              - inject: { latency: { first_token: 4s } }
            expect:
              - fallback: { from: claude-opus-4-7, to: claude-sonnet-4-6 }
              - silent_wrong_answers: 0
            """, file: "storm.yaml")
        #expect(scenario.name == "opus-storm")
        #expect(scenario.seed == 42)
        #expect(scenario.duration == .seconds(600))
        #expect(scenario.timeScale == 60)
        #expect(scenario.expectations.count == 2)
        let storm = scenario.faults[0]
        #expect(storm.kind == "overloaded")
        #expect(storm.probability == 0.9)
        #expect(storm.parameters?.entries?.isEmpty == true)
        #expect(storm.window == FaultWindow(start: .seconds(120), length: .seconds(120), rampUp: .seconds(30), rampDown: .seconds(10)))
        #expect(storm.match.models == ["claude-opus-4-7", "claude-opus-4-1"])
        #expect(storm.match.headers == ["x-tenant": "acme"])
        #expect(storm.match.attempts == NumberSet([1...2]))
        #expect(storm.match.stream == true)
        #expect(storm.location.line == 9)
        #expect(scenario.faults[1].name == "latency-2")
    }

    @Test func everyProblemIsReportedAtOnceWithItsLine() {
        let yaml = """
            name: broken
            seed: -1
            time_scale: 0
            durration: 5m
            faults:
              - at: 30
                inject: { overloaded: {} }
              - name: x
                probability: 1.5
                inject: { overloaded: {} }
              - name: x
                match: { modle: m }
                inject: overloaded
              - inject: { a: {}, b: {} }
            expect:
              - [slo, p99]
            """
        #expect {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "broken.yaml")
        } throws: { error in
            let problems = (error as? ConfigProblems)?.all.map(\.description) ?? []
            let expected = [
                "broken.yaml:2: seed must be a whole number",
                "broken.yaml:3: time_scale must be greater than 0",
                "broken.yaml:4: a scenario has an unknown key 'durration'; did you mean 'duration'?",
                "broken.yaml:6: at: duration '30' has no unit",
                "broken.yaml:9: probability must be between 0 and 1",
                "broken.yaml:11: two faults are named 'x'",
                "broken.yaml:12: match has an unknown key 'modle'; did you mean 'model'?",
                "broken.yaml:14: inject must name exactly one fault",
                "broken.yaml:16: each expectation names one kind",
            ]
            for prefix in expected where !problems.contains(where: { $0.hasPrefix(prefix) }) {
                Issue.record("missing '\(prefix)' in \(problems)")
            }
            #expect(problems.map { $0.split(separator: ":")[1] } == expected.map { $0.split(separator: ":")[1] }, "sorted by line")
            return problems.count == expected.count
        }
    }

    @Test func brokenYAMLPointsAtItsLine() {
        #expect {
            _ = try ScenarioLoader.parse(yaml: "name: a\nfaults: [\n  - x: 1\n", file: "bad.yaml")
        } throws: { error in
            guard let problem = (error as? ConfigProblems)?.all.first else { return false }
            return problem.location.file == "bad.yaml" && problem.location.line >= 2 && problem.message.hasPrefix("invalid YAML")
        }
    }

    @Test(arguments: ["probability: 0.25\n    inject: { overloaded: {} }", "inject: { overloaded: { probability: 25% } }", "inject: { overloaded: {}, probability: 0.25 }"])
    func probabilityMayStandAtTheFaultInItsParametersOrBesideIt(entry: String) throws {
        let scenario = try ScenarioLoader.parse(yaml: "name: a\nfaults:\n  - \(entry)", file: "a.yaml")
        #expect(scenario.faults[0].probability == 0.25)
        #expect(scenario.faults[0].kind == "overloaded")
        #expect(scenario.faults[0].parameters?["probability"] == nil)
    }

    @Test func aWindowRampsUpAndDown() {
        let window = FaultWindow(start: .seconds(10), length: .seconds(100), rampUp: .seconds(20), rampDown: .seconds(10))
        #expect(window.intensity(at: .seconds(9)) == 0)
        #expect(window.intensity(at: .seconds(10)) == 0)
        #expect(window.intensity(at: .seconds(20)) == 0.5)
        #expect(window.intensity(at: .seconds(50)) == 1)
        #expect(window.intensity(at: .seconds(105)) == 0.5)
        #expect(window.intensity(at: .seconds(110)) == 0)
        #expect(FaultWindow().intensity(at: .seconds(1_000_000)) == 1)
    }

    @Test(arguments: [("2", [2...2]), ("1..3", [1...3]), ("3..", [3...Int.max])])
    func attemptSetsParse(text: String, ranges: [ClosedRange<Int>]) throws {
        let scenario = try ScenarioLoader.parse(yaml: "name: a\nfaults:\n  - match: { attempts: '\(text)' }\n    inject: overloaded", file: "a.yaml")
        #expect(scenario.faults[0].match.attempts == NumberSet(ranges))
    }

    /// `api_date` picks the day whose API the mock plays, written bare or quoted.
    @Test func anAPIDateIsADay() throws {
        #expect(try ScenarioLoader.parse(yaml: "name: a\napi_date: 2026-07-01\n", file: "a.yaml").apiDate == "2026-07-01")
        #expect(try ScenarioLoader.parse(yaml: "name: a\napi_date: \"2024-02-29\"\n", file: "a.yaml").apiDate == "2024-02-29")
        #expect(try ScenarioLoader.parse(yaml: "name: a\n", file: "a.yaml").apiDate == nil)
        for bad in ["2026-13-01", "2025-02-29", "next week", "2026-7-1"] {
            #expect {
                _ = try ScenarioLoader.parse(yaml: "name: a\napi_date: \(bad)\n", file: "a.yaml")
            } throws: { error in
                (error as? ConfigProblems)?.all.map(\.description) == ["a.yaml:2: api_date must be a day such as 2026-07-01, found '\(bad)'"]
            }
        }
    }
}
