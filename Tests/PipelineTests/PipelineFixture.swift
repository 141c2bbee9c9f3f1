import ChaosCore
import Faults
import MockClaude
import Scenario
import Workload
@testable import Pipeline

/// The pipeline against a real mock on loopback, both on one scenario clock.
enum PipelineFixture {
    static let dataset = try! AnalyticsDataset()

    /// At time scale 20 a 30 s timeout is 1.5 real seconds; at 50 it was 0.6, which a
    /// busy machine running the whole suite could spend on one call. The tests take
    /// as long either way: they wait on answers, not on scenario time.
    static func with(
        faults: String? = nil, seed: UInt64 = 5, timeScale: Double = 20, clock manual: ManualClock? = nil,
        configure: (inout PipelineConfiguration) -> Void = { _ in },
        _ body: (AnalyticsPipeline, RunningMock) async throws -> Void
    ) async throws {
        let clock: any ScenarioClock = manual ?? ScaledClock(timeScale: timeScale)
        var mockConfiguration = MockConfiguration()
        mockConfiguration.port = 0
        let scheduled = try faults.map { try FaultPlan.schedule(yaml: $0, file: "test") } ?? []
        let mock = try await MockServer(configuration: mockConfiguration, plan: FaultPlan(seed: seed, faults: scheduled), clock: clock, dataset: dataset).start()
        var configuration = PipelineConfiguration()
        configuration.seed = seed
        configuration.tiers = relaxed(configuration.tiers)
        configure(&configuration)
        let pipeline = AnalyticsPipeline(
            configuration: configuration, client: ModelClient(baseURL: mock.baseURL, apiKey: "sk-pipeline", clock: clock), dataset: dataset
        )
        do {
            try await body(pipeline, mock)
            await mock.stop()
        } catch {
            await mock.stop()
            throw error
        }
    }

    /// Model tiers with a 10-minute timeout: a test machine under load must not
    /// turn a healthy call into a timeout (30s of scenario time is 0.6s of real time
    /// at scale 50). Tests about timeouts set their own.
    static func relaxed(_ tiers: [PipelineConfiguration.Tier]) -> [PipelineConfiguration.Tier] {
        tiers.map { tier in
            guard case var .model(model) = tier else { return tier }
            model.timeout = .seconds(600)
            return .model(model)
        }
    }

    static func question(_ id: String) -> GoldenQuestion { GoldenQuestions.all.first { $0.id == id }! }
}
