import ChaosCore
import Foundation

/// One JSON line per model call and per answer, with the fields of the reliability
/// guides' log schema: `timestamp`, `requestId`, `modelUsed`, `inputTokens`,
/// `outputTokens`, `latencyMs`, `status`, `queryType`, `validationPassed`,
/// `fallbackUsed`, `cost`, `errorMessage` — plus `kind`, `promptVersion`, `tenant`,
/// `attempt` and `scenarioMs`. Keys are sorted, so lines diff cleanly.
public enum StructuredLog {
    public static func line(for event: PipelineEvent, clock: any ScenarioClock) -> String? {
        var fields: [String: Any]
        switch event {
        case let .modelCall(call):
            fields = [
                "kind": "model_call", "requestId": call.requestID, "modelUsed": call.model, "attempt": call.attempt,
                "inputTokens": call.inputTokens, "outputTokens": call.outputTokens, "latencyMs": rounded(call.latency.milliseconds),
                "status": call.succeeded ? "ok" : "error", "cost": call.cost, "scenarioMs": rounded(call.at.milliseconds),
                "timestamp": clock.wallDate(at: call.at).formatted(.iso8601),
            ]
            if !call.succeeded { fields["errorMessage"] = call.status }
        case let .answer(outcome):
            let at = clock.now()
            fields = [
                "kind": "answer", "requestId": outcome.requestID, "modelUsed": outcome.servedBy, "tenant": outcome.tenant,
                "inputTokens": outcome.inputTokens, "outputTokens": outcome.outputTokens, "latencyMs": rounded(outcome.latency.milliseconds),
                "status": outcome.sql == nil ? "unavailable" : (outcome.degraded ? "degraded" : "ok"),
                "queryType": outcome.queryType, "validationPassed": outcome.sql != nil,
                "fallbackUsed": !outcome.failures.isEmpty, "cost": outcome.cost, "promptVersion": outcome.promptVersion,
                "scenarioMs": rounded(at.milliseconds), "timestamp": clock.wallDate(at: at).formatted(.iso8601),
            ]
            if !outcome.failures.isEmpty { fields["errorMessage"] = outcome.failures.map(\.description).joined(separator: "; ") }
            fields["spans"] = outcome.steps.map { step in
                ["name": step.name, "ok": step.succeeded, "critical": step.critical,
                 "startMs": rounded(step.start.milliseconds), "durationMs": rounded(step.duration.milliseconds)] as [String: Any]
            }
        case .alert, .qualitySample, .canaryRolledBack:
            return nil
        }
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
