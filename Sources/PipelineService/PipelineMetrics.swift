import Pipeline
import Prometheus
import ServiceLifecycle

/// The served pipeline's Prometheus metrics, fed by its event stream: what a
/// dashboard of a production LLM service shows (answers by tier, fallbacks, model
/// calls and their errors, tokens, dollars, the rolling quality score), and, read
/// at scrape time, which circuits are open and which alerts are firing.
///
/// Durations are scenario time, like everything the pipeline measures; with
/// `--time-scale 1` they are wall time.
final class PipelineMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let pipeline: AnalyticsPipeline

    init(pipeline: AnalyticsPipeline) {
        self.pipeline = pipeline
        // Declared up front, so a scrape before the first answer already names them.
        for case let .model(tier) in pipeline.configuration.tiers {
            _ = modelCalls(tier.model, succeeded: true)
            _ = modelCalls(tier.model, succeeded: false)
        }
        for rule in pipeline.configuration.alertRules { _ = alertFiring(rule.name) }
    }

    private func modelCalls(_ model: String, succeeded: Bool) -> Counter {
        counter("model_calls", "upstream model calls by outcome", ["model": model, "outcome": succeeded ? "ok" : "error"])
    }

    private func alertFiring(_ name: String) -> Gauge { gauge("alert_firing", "1 while the alert fires", ["alertname": name]) }

    private func counter(_ base: String, _ help: String, _ labels: [String: String] = [:]) -> Counter {
        registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "llmchaos", subsystem: "pipeline", metricName: base, unitName: "total", helpText: help),
                             labels: labels.sorted { $0.key < $1.key })
    }

    private func gauge(_ base: String, _ help: String, _ labels: [String: String] = [:]) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "llmchaos", subsystem: "pipeline", metricName: base, unitName: "", helpText: help),
                           labels: labels.sorted { $0.key < $1.key })
    }

    private static let latencyBuckets: [Duration] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120].map { .milliseconds(Int64($0 * 1000)) }

    func record(_ event: PipelineEvent) {
        switch event {
        case let .answer(outcome):
            let result = outcome.sql == nil ? "unavailable" : (outcome.degraded ? "degraded" : "ok")
            counter("answers", "answers by the tier that served them", ["served_by": outcome.servedBy, "result": result]).increment()
            if !outcome.failures.isEmpty { counter("fallbacks", "answers an earlier tier failed, by the first tier that failed", ["from": outcome.failures[0].tier]).increment() }
            counter("cost_dollars", "dollars spent upstream").increment(by: outcome.cost)
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "llmchaos", subsystem: "pipeline", metricName: "answer_duration", unitName: "seconds", helpText: "time to answer, scenario time"),
                labels: [], buckets: Self.latencyBuckets
            ).record(outcome.latency)
        case let .modelCall(call):
            modelCalls(call.model, succeeded: call.succeeded).increment()
            counter("tokens", "tokens sent and received", ["model": call.model, "direction": "input"]).increment(by: Int64(call.inputTokens))
            counter("tokens", "tokens sent and received", ["model": call.model, "direction": "output"]).increment(by: Int64(call.outputTokens))
        case let .qualitySample(sample):
            gauge("quality_score", "the quality monitor's rolling score, 0 to 1").set(to: sample.rollingScore)
        case .canaryRolledBack:
            counter("canary_rollbacks", "canaries rolled back by an alert").increment()
        case .alert:
            break  // read from the alert engine at scrape time
        }
    }

    /// The exposition, with the states that are read rather than counted.
    func exposition() -> [UInt8] {
        let firing = pipeline.alerts.firing
        for rule in pipeline.configuration.alertRules {
            alertFiring(rule.name).set(to: firing.contains(rule.name) ? 1.0 : 0.0)
        }
        for case let .model(tier) in pipeline.configuration.tiers {
            let state = pipeline.breaker(for: tier.model)?.state ?? "closed"
            for name in ["closed", "open", "half_open"] {
                gauge("circuit_state", "1 for the state each model's circuit breaker is in", ["model": tier.model, "state": name]).set(to: state == name ? 1.0 : 0.0)
            }
            gauge("model_disabled", "1 when the kill switch has turned the model off", ["model": tier.model])
                .set(to: pipeline.configuration.flags.isDisabled(tier.model) ? 1.0 : 0.0)
        }
        return registry.emitToBuffer()
    }
}

/// Feeds the metrics from the pipeline's events while the server runs.
struct MetricsFeed: Service {
    let pipeline: AnalyticsPipeline
    let metrics: PipelineMetrics

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await event in pipeline.events { metrics.record(event) }
        }
    }
}
