import AsyncHTTPClient
import ChaosCore
import Faults
import Foundation
import MockClaude
import NIOCore
import Pipeline
import PipelineService
import Testing
import Workload

@Suite("The pipeline over HTTP")
struct PipelineServerTests {
    static let dataset = try! AnalyticsDataset()

    func withService(faults: String? = nil, _ body: (String, AnalyticsPipeline) async throws -> Void) async throws {
        let clock = ScaledClock(timeScale: 100)
        var mockConfiguration = MockConfiguration()
        mockConfiguration.port = 0
        let plan = FaultPlan(seed: 3, faults: try faults.map { try FaultPlan.schedule(yaml: $0, file: "t") } ?? [])
        let mock = try await MockServer(configuration: mockConfiguration, plan: plan, clock: clock, dataset: Self.dataset).start()
        var configuration = PipelineConfiguration()
        configuration.tiers = configuration.tiers.map { tier in
            guard case var .model(model) = tier else { return tier }
            model.timeout = .seconds(600)  // a loaded test machine must not turn healthy calls into timeouts
            return .model(model)
        }
        let pipeline = AnalyticsPipeline(configuration: configuration, client: ModelClient(baseURL: mock.baseURL, apiKey: "k", clock: clock), dataset: Self.dataset)
        let service = try await PipelineServer(pipeline: pipeline, port: 0).start()
        do {
            try await body(service.baseURL, pipeline)
        } catch {
            await service.stop(); await mock.stop()
            throw error
        }
        await service.stop()
        await mock.stop()
    }

    func post(_ url: String, _ json: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: [String: String], json: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a }), object)
    }

    @Test func aQueryIsAnsweredWithSQLRowsAndWhoServedIt() async throws {
        try await withService { base, _ in
            let reply = try await post(base + "/query", #"{"question": "What is the total revenue by region?", "tenant": "acme"}"#, headers: [("x-llmchaos-request", "svc-1")])
            #expect(reply.status == 200)
            #expect(reply.headers["x-served-by"] == "claude-opus-4-7")
            #expect(reply.headers["x-degraded"] == "false")
            #expect(reply.json["request_id"] as? String == "svc-1")
            #expect((reply.json["rows"] as? [[Any]])?.count == 6)
            #expect((reply.json["sql"] as? String)?.contains("GROUP BY r.name") == true)
        }
    }

    @Test func theKillSwitchAndPromptAdminWorkWithoutARestart() async throws {
        try await withService { base, pipeline in
            let flags = try await post(base + "/admin/flags", #"{"disable_model": "claude-opus-4-7"}"#)
            #expect(flags.json["disabled_models"] as? [String] == ["claude-opus-4-7"])
            let reply = try await post(base + "/query", #"{"question": "How many regions do we operate in?"}"#)
            #expect(reply.headers["x-served-by"] == "claude-sonnet-4-5")
            let failures = reply.json["failures"] as? [[String: Any]]
            #expect(failures?.first?["reason"] as? String == "disabled by kill switch")
            let unknown = try await post(base + "/admin/prompt-version", #"{"version": "v9"}"#)
            #expect(unknown.status == 400)
            #expect(pipeline.configuration.prompts.active == "v1")
        }
    }

    @Test func everythingDownIsA503ThatSaysSoAndABadBodyIsA400() async throws {
        try await withService(faults: "- inject: { overloaded: {} }") { base, _ in
            let reply = try await post(base + "/query", #"{"question": "How many products are in the catalog?"}"#)
            #expect(reply.status == 503)
            #expect(reply.headers["x-served-by"] == "degraded")
            #expect(reply.headers["x-degraded"] == "true")
            #expect((reply.json["warnings"] as? [String])?.first?.hasPrefix("temporarily unavailable") == true)
            let bad = try await post(base + "/query", #"{"q": 1}"#)
            #expect(bad.status == 400)
        }
    }
}
