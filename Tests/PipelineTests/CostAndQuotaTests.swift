import Foundation
import ChaosCore
import Testing
@testable import Pipeline

@Suite struct CostAndQuotaTests {
    @Test func callsArePricedAtTheListPriceOfTheirModel() {
        let table = PriceTable.defaults
        #expect(table.cost(model: "claude-sonnet-4-6", inputTokens: 1_000_000, outputTokens: 1_000_000) == 18)
        #expect(table.cost(model: "claude-opus-4-7", inputTokens: 1_000_000, outputTokens: 1_000_000) == 30, "$5 / $25 since Opus 4.5")
        #expect(table.cost(model: "claude-opus-4-1", inputTokens: 0, outputTokens: 1_000_000) == 75)
        #expect(table.cost(model: "claude-opus-5-5", inputTokens: 1_000_000, outputTokens: 1_000_000) == 24)
        #expect(table.cost(model: "claude-sonnet-5", inputTokens: 1_000_000, outputTokens: 1_000_000) == 12)
        #expect(table.cost(model: "claude-fable-5-1", inputTokens: 1_000_000, outputTokens: 1_000_000) == 60)
        #expect(table.cost(model: "claude-fable-5", inputTokens: 1_000_000, outputTokens: 1_000_000) == 60)
        #expect(table.cost(model: "claude-fable-5-2", inputTokens: 1_000_000, outputTokens: 1_000_000) == 48, "$8 / $40, under Fable 5.1")
    }

    /// A cache read is a tenth of input on most models (Sonnet 5.5 and Fable 5
    /// too); Opus 5.5 reads at a twentieth, Fable 5.1 and 5.2 at a fortieth.
    @Test(arguments: [
        ("claude-sonnet-4-6", 0.3), ("claude-opus-5-5", 0.2), ("claude-sonnet-5-5", 0.2),
        ("claude-fable-5", 1.0), ("claude-fable-5-1", 0.25), ("claude-fable-5-2", 0.2),
    ])
    func aCacheReadCostsWhatTheModelCharges(model: String, dollars: Double) {
        let cost = PriceTable.defaults.cost(model: model, inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000)
        #expect(abs(cost - dollars) < 1e-9, "\(model): \(cost)")
    }

    @Test func aDatedIdHasItsModelsPriceAndAnUnknownOneTheDearest() {
        let table = PriceTable.defaults
        #expect(table.price(of: "claude-opus-4-1-20250805") == table.price(of: "claude-opus-4-1"))
        #expect(table.price(of: "claude-opus-4-20250514") == table.price(of: "claude-opus-4"))
        #expect(table.price(of: "claude-sonnet-4-6-20250929").output == 15)
        #expect(table.price(of: "claude-opus-45").output == 75, "a prefix ends at a dash; unknown is the dearest")
        #expect(table.price(of: "claude-sonnet-5-6").output == 75, "a newer model than the table knows is not Sonnet 5's price")
        #expect(table.cost(model: "claude-unknown", inputTokens: 0, outputTokens: 1_000_000) == 75)
    }

    /// Haiku 5.5 costs five times as much for a prompt over 100,000 tokens.
    @Test func aLongPromptOnHaiku55IsBilledAtItsDearerPrice() {
        let table = PriceTable.defaults
        #expect(abs(table.cost(model: "claude-haiku-5-5", inputTokens: 100_000, outputTokens: 1_000) - 0.0105) < 1e-12)
        #expect(abs(table.cost(model: "claude-haiku-5-5", inputTokens: 100_001, outputTokens: 1_000) - 0.0525005) < 1e-12)
        #expect(abs(table.cost(model: "claude-haiku-5-5", inputTokens: 50_000, outputTokens: 0, cacheReadTokens: 60_000) - (50_000 * 0.5 + 60_000 * 0.05) / 1e6) < 1e-12)
    }

    @Test func pricesLoadFromAFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID()).json")
        try #"{"claude-sonnet-4-6": {"input": 2, "output": 10, "cache_read": 0.1}}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let table = try PriceTable.load(path: file.path)
        #expect(table.cost(model: "claude-sonnet-4-6", inputTokens: 1_000_000, outputTokens: 1_000_000) == 12)
        #expect(table.cost(model: "claude-sonnet-4-6", inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000) == 0.1)
        #expect(throws: (any Error).self) { try PriceTable.load(path: file.path + ".missing") }
    }

    @Test func quotasWarnAt90PercentRefusePast100AndResetMonthly() {
        let quotas = TenantQuotas(monthlyTokens: ["acme": 1000])
        #expect(quotas.check("acme", at: .zero) == .ok)
        quotas.spend(900, by: "acme", at: .seconds(10))
        #expect(quotas.check("acme", at: .seconds(11)) == .warning(used: 0.9))
        quotas.spend(100, by: "acme", at: .seconds(12))
        #expect(quotas.check("acme", at: .seconds(13)) == .refused)
        #expect(quotas.check("other", at: .seconds(13)) == .ok)
        #expect(quotas.check("acme", at: TenantQuotas.month + .seconds(1)) == .ok)
    }

    @Test func aTenantPastItsQuotaIsRefusedWithoutAnUpstreamCall() async throws {
        try await PipelineFixture.with(configure: { $0.monthlyTokenBudgets = ["acme": 50] }) { pipeline, mock in
            let q = PipelineFixture.question("total-revenue")
            let first = await pipeline.answer(question: q.question, tenant: "acme", requestID: "c1")
            #expect(first.servedBy == "claude-opus-4-7")
            #expect(first.cost > 0)
            #expect(first.totalTokens > 50)
            let second = await pipeline.answer(question: q.question, tenant: "acme", requestID: "c2")
            #expect(second.servedBy == "refused")
            #expect(second.sql == nil)
            #expect(second.warnings.first?.contains("monthly token budget") == true)
            #expect(mock.server.journal.entries().map(\.requestID) == ["c1"])
            #expect(await pipeline.answer(question: q.question, tenant: "other", requestID: "c3").servedBy == "claude-opus-4-7")
        }
    }
}

extension CostAndQuotaTests {
    @Test func theSystemPromptIsReadFromThePromptCacheAfterTheFirstCall() async throws {
        try await PipelineFixture.with(configure: { $0.qualityMonitor.every = 0 }) { pipeline, _ in
            let first = await pipeline.answer(question: PipelineFixture.question("region-count").question, requestID: "k1")
            let second = await pipeline.answer(question: PipelineFixture.question("product-count").question, requestID: "k2")
            #expect(first.cacheReadTokens == 0)
            #expect(second.cacheReadTokens > 50)
            #expect(second.cost < first.cost, "cache reads bill at a tenth")
        }
    }

    @Test func cacheTokensArePricedAsTheAPIBillsThem() {
        let table = PriceTable.defaults
        #expect(table.cost(model: "claude-sonnet-4-6", inputTokens: 0, outputTokens: 0, cacheWriteTokens: 1_000_000) == 3.75)
        #expect(abs(table.cost(model: "claude-sonnet-4-6", inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000) - 0.3) < 1e-9)
        #expect(table.cost(model: "claude-opus-5-5", inputTokens: 0, outputTokens: 0, cacheWriteTokens: 1_000_000) == 5, "$5 for a 5-minute write")
        #expect(abs(table.cost(model: "claude-opus-5-5", inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000) - 0.2) < 1e-9, "a twentieth of input, not a tenth")
    }
}
