import Foundation
import Scenario
import Testing
@testable import Faults

@Suite struct RateLimitTiersTests {
    static var projectFile: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("mocks/rate-limit-tiers.yaml").path
    }

    @Test func theShippedFileGrowsTierByTierForEveryFamily() throws {
        let tiers = try RateLimitTiers.load(path: Self.projectFile)
        #expect(tiers.tierNames == ["tier-1", "tier-2", "tier-3", "tier-4"])
        let families = tiers.pools.map(\.name)
        #expect(Set(families) == ["claude-opus-4", "claude-sonnet-4", "claude-haiku-4-5"])
        // Every tier names every family, and no limit shrinks going up a tier: a
        // typo of a digit in the data file breaks one of these.
        for (lower, higher) in zip(tiers.tierNames, tiers.tierNames.dropFirst()) {
            for family in families {
                let a = try #require(tiers.tiers[lower]?[family]), b = try #require(tiers.tiers[higher]?[family])
                #expect(a.requestsPerMinute < b.requestsPerMinute, "\(family) \(lower)→\(higher)")
                #expect(a.inputTokensPerMinute < b.inputTokensPerMinute, "\(family) \(lower)→\(higher)")
                #expect(a.outputTokensPerMinute < b.outputTokensPerMinute, "\(family) \(lower)→\(higher)")
            }
        }
        #expect(tiers.tiers["tier-1"]?["claude-opus-4"] == .init(requestsPerMinute: 50, inputTokensPerMinute: 30_000, outputTokensPerMinute: 8_000))
        #expect(tiers.pool(for: "claude-opus-4-7")?.name == "claude-opus-4")
        #expect(tiers.pool(for: "claude-opus-4-1")?.name == "claude-opus-4")
        #expect(tiers.pool(for: "claude-sonnet-4-5")?.name == "claude-sonnet-4")
        #expect(tiers.pool(for: "claude-3-haiku") == nil)
    }

    @Test(arguments: [
        ("pools: { a: [x*] }\ntiers:\n  t1:\n    b: { requests_per_minute: 1, input_tokens_per_minute: 1, output_tokens_per_minute: 1 }\n", 4, "names pool 'b', which pools: does not define"),
        ("pools: { a: [x*] }\ntiers:\n  t1:\n    a: { requests_per_minute: 1, input_tokens_per_minute: 1 }\n", 4, "needs 'output_tokens_per_minute'"),
        ("pools: { a: [x*] }\ntiers:\n  t1:\n    a: { requests_per_minute: 0, input_tokens_per_minute: 1, output_tokens_per_minute: 1 }\n", 4, "at least 1"),
        ("tiers: {}\n", 1, "needs 'pools'"),
    ])
    func aBrokenTierFileNamesTheLine(yaml: String, line: Int, message: String) {
        #expect {
            _ = try RateLimitTiers.parse(yaml: yaml, file: "tiers.yaml")
        } throws: { error in
            (error as? ConfigProblems)?.all.contains { $0.message.contains(message) && $0.location.line == line && $0.location.file == "tiers.yaml" } ?? false
        }
    }

    @Test func theFileIsFoundFromTheEnvironmentOrAboveTheWorkingFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tiers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("scenarios/capacity")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("mocks"), withIntermediateDirectories: true)
        let file = root.appendingPathComponent("mocks/rate-limit-tiers.yaml").path
        #expect(RateLimitTiers.locate(environment: [:], currentDirectory: nested.path, executable: nil) == nil)
        try "pools: {}\ntiers: {}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(RateLimitTiers.locate(environment: [:], currentDirectory: nested.path, executable: nil) == file)
        #expect(RateLimitTiers.locate(environment: [:], currentDirectory: "/", executable: nested.path + "/llmchaos") == file)
        #expect(RateLimitTiers.locate(environment: ["LLMCHAOS_MOCKS": root.appendingPathComponent("mocks").path], currentDirectory: "/", executable: nil) == file)
        #expect(RateLimitTiers.locate(environment: ["LLMCHAOS_MOCKS": nested.path], currentDirectory: nested.path, executable: nil) == nil)
    }
}
