import ChaosCore
import Foundation
import Testing
@testable import MockClaude

@Suite("Attempt correlation and deterministic faults over HTTP")
struct CorrelationAndDeterminismTests {
    @Test func attemptsAreIdentifiedByHeaderBySDKRetryCountOrByBody() async throws {
        try await MockFixture.with { mock in
            let body = MockFixture.body("same question")
            _ = try await mock.post(body)
            _ = try await mock.post(body)
            _ = try await mock.post(body, headers: MockFixture.apiKey + [("x-stainless-retry-count", "2")])
            _ = try await mock.post(body, headers: MockFixture.apiKey + [("x-llmchaos-request", "r-17"), ("x-llmchaos-attempt", "4")])
            let entries = try await mock.journalEntries()
            #expect(entries.map(\.correlation) == ["fingerprint", "fingerprint", "stainless", "header"])
            #expect(entries.map(\.attempt) == [1, 2, 3, 4])
            #expect(entries[0].requestID == entries[1].requestID)
            #expect(entries[3].requestID == "r-17")
        }
    }

    @Test func theSameSeedInjectsTheSameFaultsIntoTheSameRequestsWhateverTheConcurrency() async throws {
        let faults = """
            - { name: flaky, inject: { overloaded: {} }, probability: 0.3 }
            - { name: wrong, inject: { quality: { mode: [wrong_filter, syntax_error] } }, probability: 0.5 }
            """
        func run(seed: UInt64, order: [Int]) async throws -> [String: String] {
            try await MockFixture.with(faults: faults, seed: seed) { mock in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in order {
                        group.addTask {
                            let headers = MockFixture.apiKey + [("x-llmchaos-request", "req-\(i)"), ("x-llmchaos-attempt", "1")]
                            _ = try await mock.post(MockFixture.body("How many sales were made in total?"), headers: headers)
                        }
                    }
                    try await group.waitForAll()
                }
                let entries = try await mock.journalEntries()
                return Dictionary(uniqueKeysWithValues: entries.map { ($0.requestID, "\($0.status) \($0.faults) \($0.quality ?? "-") \($0.responseID)") })
            }
        }
        let ids = Array(0..<120)
        let first = try await run(seed: 42, order: ids)
        let second = try await run(seed: 42, order: ids.reversed())
        let otherSeed = try await run(seed: 43, order: ids)
        #expect(first.count == 120)
        #expect(first == second)
        #expect(first != otherSeed)
        let overloaded = first.values.filter { $0.hasPrefix("529") }.count
        #expect((20...55).contains(overloaded), "30% of 120 expected, got \(overloaded)")
    }

    /// A body's attempt id is its fingerprint in hex, as `String(radix:)` writes it:
    /// ids in journals and RunLogs kept from before read the same.
    @Test func fingerprintIDsAreTheHexOfTheFingerprint() {
        var generator = SystemRandomNumberGenerator()
        let values: [UInt64] = [0, 1, 9, 10, 15, 16, 255, 0xFFFF_FFFF, .max] + (0..<2_000).map { i in UInt64.random(in: 0...UInt64.max, using: &generator) >> (i % 64) }
        for value in values {
            #expect(AttemptCorrelator.fingerprintID(value) == "fp-" + String(value, radix: 16), "\(value)")
        }
    }
}
