import ChaosCore
import Foundation

/// An answer as an OpenTelemetry trace, one line of OTLP/JSON (`TracesData`), the
/// format of the OpenTelemetry file exporter that the Collector's `otlpjsonfile`
/// receiver reads, so a chaos run can be opened in Jaeger or Tempo:
///
/// ```
/// answer ──┬─ validate_input
///          ├─ generate_sql (claude-opus-4-7) ─┬─ model_call attempt 1 (529)
///          │                                  └─ model_call attempt 2 (529)
///          ├─ generate_sql (claude-sonnet-4-6) ── model_call attempt 3
///          ├─ validate ─ execute ─ interpret
/// ```
/// Timestamps are real time (they line up with the caller's own traces); the
/// scenario-time start and duration ride along as attributes.
public enum TraceExport {
    public static let serviceName = "llmchaos-pipeline"

    /// The trace of `outcome`.
    public static func line(for outcome: PipelineOutcome, clock: any ScenarioClock) -> String {
        let start = outcome.start, end = outcome.start + outcome.latency
        let traceID = hex(StableHash.hash(outcome.requestID, "\(clock.wallDate(at: start).timeIntervalSince1970)"), StableHash.hash(outcome.requestID, "trace"))
        func spanID(_ index: Int) -> String { hex(StableHash.hash(traceID, String(index))) }
        let rootID = spanID(0)

        var spans = [Span(
            traceId: traceID, spanId: rootID, parentSpanId: nil, name: "answer", kind: 2,
            startTimeUnixNano: nanos(start, clock), endTimeUnixNano: nanos(end, clock),
            attributes: [
                .string("llmchaos.request_id", outcome.requestID), .string("llmchaos.tenant", outcome.tenant),
                .string("llmchaos.served_by", outcome.servedBy), .bool("llmchaos.degraded", outcome.degraded),
                .string("llmchaos.prompt_version", outcome.promptVersion), .bool("llmchaos.canary", outcome.canary),
                .int("llmchaos.upstream_attempts", outcome.upstreamAttempts), .double("llmchaos.cost_usd", outcome.cost),
                .int("gen_ai.usage.input_tokens", outcome.inputTokens), .int("gen_ai.usage.output_tokens", outcome.outputTokens),
            ] + scenarioTime(start, outcome.latency),
            status: outcome.sql == nil || outcome.servedBy == "failed"
                ? Status(code: 2, message: outcome.warnings.last ?? "no answer") : Status(code: 1, message: nil)
        )]
        for (index, step) in outcome.steps.enumerated() {
            var attributes = [Attribute.string("llmchaos.detail", step.detail), .bool("llmchaos.critical", step.critical)]
            attributes += step.attributes.sorted { $0.key < $1.key }.map { .string("llmchaos.\($0.key)", $0.value) }
            attributes += scenarioTime(step.start, step.duration)
            spans.append(Span(
                traceId: traceID, spanId: spanID(index + 1), parentSpanId: parentIndex(of: index, in: outcome.steps).map { spanID($0 + 1) } ?? rootID,
                name: step.name, kind: step.name == "model_call" ? 3 : 1,
                startTimeUnixNano: nanos(step.start, clock), endTimeUnixNano: nanos(step.start + step.duration, clock),
                attributes: attributes,
                status: step.succeeded ? Status(code: 1, message: nil) : Status(code: 2, message: step.detail)
            ))
        }
        let data = TracesData(resourceSpans: [ResourceSpans(
            resource: Resource(attributes: [.string("service.name", serviceName)]),
            scopeSpans: [ScopeSpans(scope: Scope(name: "llmchaos.pipeline"), spans: spans)]
        )])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(data)) ?? Data(), as: UTF8.self)
    }

    /// A model call belongs to the `generate_sql` of its model that holds it in time.
    static func parentIndex(of index: Int, in steps: [StepRecord]) -> Int? {
        let step = steps[index]
        guard step.name == "model_call" else { return nil }
        return steps.indices.first { candidate in
            let other = steps[candidate]
            return other.name == "generate_sql" && other.attributes["model"] == step.attributes["model"]
                && other.start <= step.start && step.start <= other.start + other.duration
        }
    }

    private static func scenarioTime(_ start: Duration, _ duration: Duration) -> [Attribute] {
        [.double("llmchaos.scenario_start_ms", start.milliseconds), .double("llmchaos.scenario_duration_ms", duration.milliseconds)]
    }

    private static func nanos(_ offset: Duration, _ clock: any ScenarioClock) -> String {
        String(UInt64(max(0, clock.wallDate(at: offset).timeIntervalSince1970 * 1e9)))
    }

    private static func hex(_ words: UInt64...) -> String {
        words.map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    // The OTLP/JSON shapes: ids in hex, 64-bit integers as strings, enums as numbers.
    struct TracesData: Encodable { var resourceSpans: [ResourceSpans] }
    struct ResourceSpans: Encodable { var resource: Resource; var scopeSpans: [ScopeSpans] }
    struct Resource: Encodable { var attributes: [Attribute] }
    struct ScopeSpans: Encodable { var scope: Scope; var spans: [Span] }
    struct Scope: Encodable { var name: String }
    struct Span: Encodable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var name: String
        /// 1 internal, 2 server, 3 client.
        var kind: Int
        var startTimeUnixNano: String
        var endTimeUnixNano: String
        var attributes: [Attribute]
        var status: Status
    }
    /// 1 ok, 2 error.
    struct Status: Encodable { var code: Int; var message: String? }
    struct Attribute: Encodable {
        var key: String
        var value: Value
        struct Value: Encodable {
            var stringValue: String?
            var boolValue: Bool?
            var intValue: String?
            var doubleValue: Double?
        }
        static func string(_ key: String, _ value: String) -> Attribute { Attribute(key: key, value: Value(stringValue: value)) }
        static func bool(_ key: String, _ value: Bool) -> Attribute { Attribute(key: key, value: Value(boolValue: value)) }
        static func int(_ key: String, _ value: Int) -> Attribute { Attribute(key: key, value: Value(intValue: String(value))) }
        static func double(_ key: String, _ value: Double) -> Attribute { Attribute(key: key, value: Value(doubleValue: value)) }
    }
}
