import ChaosCore
import Faults
import MockClaude
import Scenario
import Workload
@testable import Pipeline

/// The pipeline against a real mock on loopback, both on one scenario clock.
enum PipelineFixture {
    static let dataset = try! AnalyticsDataset()

    static func with(
        faults: String? = nil, seed: UInt64 = 5, timeScale: Double = 200,
        configure: (inout PipelineConfiguration) -> Void = { _ in },
        _ body: (AnalyticsPipeline, RunningMock) async throws -> Void
    ) async throws {
        let clock = ScaledClock(timeScale: timeScale)
        var mockConfiguration = MockConfiguration()
        mockConfiguration.port = 0
        let scheduled = try faults.map { try FaultPlan.schedule(yaml: $0, file: "test") } ?? []
        let mock = try await MockServer(configuration: mockConfiguration, plan: FaultPlan(seed: seed, faults: scheduled), clock: clock, dataset: dataset).start()
        var configuration = PipelineConfiguration()
        configuration.seed = seed
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

    static func question(_ id: String) -> GoldenQuestion { GoldenQuestions.all.first { $0.id == id }! }
}
