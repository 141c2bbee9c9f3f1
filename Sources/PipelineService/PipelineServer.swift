import ChaosCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Pipeline
import ServiceLifecycle
import UnixSignals
import Workload

/// The reference pipeline over HTTP — and the worked example of the external-target
/// contract `llmchaos run` drives:
///
/// | route | |
/// | --- | --- |
/// | `POST /query {"question", "tenant"}` | the answer: `served_by`, `degraded`, `warnings`, `sql`, `rows`, `failures`; headers `x-served-by`, `x-degraded` |
/// | `GET /health` | status, prompt version, circuit states, alerts firing, disabled models |
/// | `POST /admin/prompt-version {"version": "v2"}` or `{"rollback": true}` | switch the prompt without a restart |
/// | `POST /admin/flags {"disable_model": …}` / `{"enable_model": …}` | the kill switch |
/// | `GET /metrics` | Prometheus text: answers by tier, fallbacks, model calls, tokens, cost, latency, quality, circuits, alerts |
///
/// A `x-llmchaos-request` header on `/query` becomes the logical request id sent
/// upstream, so the mock's journal lines up with the load generator's requests.
///
/// While it serves, it is the one reader of `pipeline.events` (they feed `/metrics`).
public struct PipelineServer: Sendable {
    public let pipeline: AnalyticsPipeline
    public let host: String
    public let port: Int
    let logger: Logger
    let metrics: PipelineMetrics

    public init(pipeline: AnalyticsPipeline, host: String = "127.0.0.1", port: Int = 9000, logger: Logger? = nil) {
        self.pipeline = pipeline
        self.host = host
        self.port = port
        var logger = logger ?? Logger(label: "llmchaos.pipeline")
        if logger.logLevel < .notice { logger.logLevel = .notice }
        self.logger = logger
        self.metrics = PipelineMetrics(pipeline: pipeline)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let pipeline = self.pipeline
        let grader = ExecutionGrader(dataset: pipeline.dataset)
        router.post("query") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            guard let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  let question = json["question"] as? String, !question.isEmpty else {
                return Self.json(["error": "send {\"question\": \"…\", \"tenant\": \"…\"}"], status: .badRequest)
            }
            let tenant = json["tenant"] as? String ?? "default"
            let requestID = request.headers[HTTPField.Name("x-llmchaos-request")!] ?? "q-" + UUID().uuidString.prefix(12).lowercased()
            let outcome = await pipeline.answer(question: question, tenant: tenant, requestID: requestID)
            var rows: [[Any]] = []
            if let sql = outcome.sql, case let .success(result) = await grader.rows(of: sql) {
                rows = result.prefix(1000).map { $0.map(Self.jsonValue) }
            }
            var headers = HTTPFields()
            headers[HTTPField.Name("x-served-by")!] = outcome.servedBy
            headers[HTTPField.Name("x-degraded")!] = outcome.degraded ? "true" : "false"
            let answer: [String: Any] = [
                "request_id": outcome.requestID, "served_by": outcome.servedBy, "degraded": outcome.degraded,
                "warnings": outcome.warnings, "sql": outcome.sql ?? NSNull(), "rows": rows,
                "failures": outcome.failures.map { ["tier": $0.tier, "reason": $0.reason, "attempts": $0.attempts] },
                "prompt_version": outcome.promptVersion, "query_type": outcome.queryType, "cost": outcome.cost,
                "latency_ms": outcome.latency.milliseconds,
            ]
            return Self.json(answer, status: outcome.sql == nil ? .serviceUnavailable : .ok, headers: headers)
        }
        router.get("health") { _, _ -> Response in
            var breakers: [String: String] = [:]
            for case let .model(tier) in pipeline.configuration.tiers {
                breakers[tier.model] = pipeline.breaker(for: tier.model)?.state
            }
            return Self.json([
                "status": "ok", "prompt_version": pipeline.configuration.prompts.active, "breakers": breakers,
                "alerts_firing": pipeline.alerts.firing.sorted(), "disabled_models": pipeline.configuration.flags.disabledModels,
            ])
        }
        router.post("admin/prompt-version") { request, _ -> Response in
            let json = try await Self.body(request)
            do {
                if json["rollback"] as? Bool == true {
                    return Self.json(["prompt_version": pipeline.configuration.prompts.rollBack()])
                }
                guard let version = json["version"] as? String else {
                    return Self.json(["error": "send {\"version\": \"v2\"} or {\"rollback\": true}"], status: .badRequest)
                }
                try pipeline.configuration.prompts.activate(version)
                return Self.json(["prompt_version": version])
            } catch {
                return Self.json(["error": "\(error)"], status: .badRequest)
            }
        }
        router.get("metrics") { [metrics] _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        router.post("admin/flags") { request, _ -> Response in
            let json = try await Self.body(request)
            if let model = json["disable_model"] as? String { pipeline.configuration.flags.disable(model: model) }
            if let model = json["enable_model"] as? String { pipeline.configuration.flags.enable(model: model) }
            return Self.json(["disabled_models": pipeline.configuration.flags.disabledModels])
        }
        return router
    }

    /// Starts serving; returns the bound port. Alerts are evaluated every
    /// `alertInterval` of scenario time, so they resolve when traffic stops.
    public func start(shutdownSignals: [UnixSignal] = [], alertInterval: Duration = .seconds(5)) async throws -> RunningPipeline {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "llmchaos-pipeline"),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        var config = ServiceGroupConfiguration(services: [app, AlertTicker(pipeline: pipeline, interval: alertInterval), MetricsFeed(pipeline: pipeline, metrics: metrics)], gracefulShutdownSignals: shutdownSignals, logger: logger)
        config.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: config)
        let task = Task<Void, any Error> {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await task.value
            throw PipelineServerError("the pipeline server stopped before it was ready")
        }
        return RunningPipeline(port: bound, host: host, group: group, task: task)
    }

    static func body(_ request: Request) async throws -> [String: Any] {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 16)
        return (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func jsonValue(_ value: ResultValue) -> Any {
        switch value {
        case .null: NSNull()
        case let .number(n): n
        case let .text(t): t
        }
    }
}

/// Evaluates the pipeline's alert rules on a scenario-time tick.
struct AlertTicker: Service {
    let pipeline: AnalyticsPipeline
    let interval: Duration

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await pipeline.client.clock.sleep(for: interval)
            await pipeline.evaluateAlerts()
        }
    }
}

/// A pipeline server that is serving.
public struct RunningPipeline: Sendable {
    public let port: Int
    public let host: String
    let group: ServiceGroup
    let task: Task<Void, any Error>

    public var baseURL: String { "http://\(host):\(port)" }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    public func wait() async throws { try await task.value }
}

public struct PipelineServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
