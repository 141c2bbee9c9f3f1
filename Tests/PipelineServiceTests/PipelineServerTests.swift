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
            #expect(reply.headers["x-served-by"] == "claude-sonnet-4-6")
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

    func metrics(_ base: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/metrics"), timeout: .seconds(10))
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    /// Scrapes until every line is there (the metrics follow the event stream), for at most 10 s.
    func scrape(_ base: String, until lines: [String]) async throws -> String {
        var text = ""
        for _ in 0..<100 {
            text = try await metrics(base)
            if lines.allSatisfy({ text.contains($0) }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return text
    }

    @Test func metricsCountAnswersFallbacksCallsAndShowTheKillSwitch() async throws {
        try await withService(faults: "- inject: { status: 400 }\n  match: { model: claude-opus-4-7 }") { base, _ in
            let before = try await metrics(base)
            #expect(before.contains(#"llmchaos_pipeline_model_calls_total{model="claude-opus-4-7",outcome="error"} 0"#), "declared before any call")
            #expect(before.contains(#"llmchaos_pipeline_alert_firing{alertname="HighErrorRate"} 0"#))
            for _ in 0..<2 { _ = try await post(base + "/query", #"{"question": "How many regions do we operate in?"}"#) }
            _ = try await post(base + "/admin/flags", #"{"disable_model": "claude-opus-4-7"}"#)
            let expected = [
                #"llmchaos_pipeline_answers_total{result="ok",served_by="claude-sonnet-4-6"} 2"#,
                #"llmchaos_pipeline_fallbacks_total{from="claude-opus-4-7"} 2"#,
                #"llmchaos_pipeline_model_calls_total{model="claude-opus-4-7",outcome="error"} 2"#,
                #"llmchaos_pipeline_model_calls_total{model="claude-sonnet-4-6",outcome="ok"} 2"#,
                #"llmchaos_pipeline_answer_duration_seconds_count 2"#,
                #"llmchaos_pipeline_circuit_state{model="claude-opus-4-7",state="closed"} 1.0"#,
                #"llmchaos_pipeline_model_disabled{model="claude-opus-4-7"} 1.0"#,
            ]
            let text = try await scrape(base, until: expected)
            for line in expected { #expect(text.contains(line), "missing \(line) in:\n\(text)") }
            #expect(text.contains(#"llmchaos_pipeline_tokens_total{direction="output",model="claude-sonnet-4-6"}"#))
        }
    }
}
