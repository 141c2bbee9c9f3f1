import ChaosCore
import Foundation
import Scenario
import Testing
@testable import Faults

@Suite struct FaultRegistryTests {
    /// One valid YAML entry per registered fault: adding a fault without an example here fails.
    static let examples: [String: String] = [
        "status": "{ status: { code: 503, message: down } }",
        "overloaded": "{ overloaded: {} }",
        "rate_limit": "{ rate_limit: { requests_per_minute: 50, output_tokens_per_minute: 8000, per: model } }",
        "latency": "{ latency: { before_headers: 10ms, first_token: { lognormal: { median: 1s, p99: 8s } }, per_token: { uniform: [10ms, 30ms] } } }",
        "timeout": "{ timeout: { cap: 2m } }",
        "stall": "{ stall: { after_deltas: 3, cap: 1m } }",
        "disconnect": "{ disconnect: { after: 25%, mode: reset } }",
        "stream_error": "{ stream_error: { after_deltas: 2, type: api_error } }",
        "truncate": "{ truncate: { after_deltas: 1 } }",
        "quality": "{ quality: { mode: [hallucinated_column, refusal] } }",
        "parallel_tool_calls": "{ parallel_tool_calls: { calls: 3 } }",
        "redacted_thinking": "{ redacted_thinking: {} }",
        "long_thinking": "{ long_thinking: { share: 80% } }",
        "replay": "{ replay: { trace: \(shippedTrace), timeout_cap: 1m } }",
    ]

    /// The shipped incident's trace, by its absolute path.
    static var shippedTrace: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenarios/incidents/traces/opus-brownout.csv").path
    }

    @Test func everyRegisteredFaultRoundTripsThroughYAML() throws {
        #expect(Set(Self.examples.keys) == Set(FaultRegistry.kinds))
        for kind in FaultRegistry.kinds {
            let scheduled = try FaultPlan.schedule(yaml: "- name: f\n  inject: \(Self.examples[kind]!)", file: "\(kind).yaml")
            #expect(scheduled.map(\.kind) == [kind])
            #expect(type(of: scheduled[0].fault).kind == kind)
        }
    }

    @Test(arguments: [
        ("{ overloadd: {} }", "did you mean 'overloaded'"),
        ("{ status: 200 }", "not an error status"),
        ("{ status: { code: 418, type: teapot } }", "is not an API error type"),
        ("{ latency: {} }", "needs at least one of"),
        ("{ latency: { first_token: { gaussian: 1s } } }", "unknown distribution 'gaussian'"),
        ("{ latency: { first_token: { lognormal: { median: 1s } } } }", "needs exactly one of sigma or p99"),
        ("{ latency: { first_token: { percentiles: { p50: 2s, p90: 1s } } } }", "is below"),
        ("{ rate_limit: { requests_per_minute: 0 } }", "must be at least 1"),
        ("{ rate_limit: { requests_per_minute: 5, retry_after: 1s } }", "retry_after is for rate limits by chance"),
        ("{ rate_limit: { tier: tier-7 } }", "unknown tier 'tier-7'; did you mean 'tier-1'?"),
        ("{ rate_limit: { tier: tier-1, per: key } }", "per: key has one bucket for all models"),
        ("{ disconnect: { mode: slam } }", "must be close or reset"),
        ("{ stall: { after_deltas: 1, after: 50% } }", "either after_deltas or after"),
        ("{ quality: { mode: sarcasm } }", "unknown mode 'sarcasm'"),
        ("{ truncate: { at: 3 } }", "unknown key 'at'"),
        ("{ parallel_tool_calls: { calls: 1 } }", "calls must be at least 2"),
        ("{ parallel_tool_calls: { calls: 40 } }", "calls must be at most 16"),
        ("{ redacted_thinking: { share: 50% } }", "unknown key 'share'"),
        ("{ long_thinking: { share: 150% } }", "share (of the thinking budget) must be between 0 and 1"),
        ("{ long_thinking: { share: 0 } }", "share must be above 0%"),
    ])
    func badParametersAreReportedWithTheirLine(inject: String, message: String) {
        #expect {
            _ = try FaultPlan.schedule(yaml: "- name: f\n  inject: \(inject)", file: "f.yaml")
        } throws: { error in
            let problems = (error as? ConfigProblems)?.all ?? []
            return problems.contains { $0.message.contains(message) && $0.location.line == 2 }
        }
    }
}
