import AsyncHTTPClient
import ChaosCore
import Foundation
import NIOCore

/// Delivers alerts to an Alertmanager-compatible receiver (the v4 webhook payload),
/// such as llmchaos's own, or a real Alertmanager's.
public struct AlertWebhook: Sendable {
    public let url: String
    let http: HTTPClient
    let clock: any ScenarioClock

    /// The default client fails at once on a refused connection: a receiver that
    /// is down costs nothing, rather than a connect retried for the whole timeout.
    public init(url: String, clock: any ScenarioClock, http: HTTPClient = ModelClient.sharedHTTP) {
        self.url = url; self.clock = clock; self.http = http
    }

    /// The v4 payload for one alert event.
    public func payload(_ event: AlertEvent, receiver: String = "llmchaos") -> [String: Any] {
        let at = clock.wallDate(at: event.at).formatted(.iso8601)
        let alert: [String: Any] = [
            "status": event.state.rawValue,
            "labels": ["alertname": event.name, "source": "llmchaos-pipeline"],
            "annotations": ["value": String(event.value), "threshold": String(event.threshold)],
            "startsAt": at,
            "endsAt": event.state == .resolved ? at : "0001-01-01T00:00:00Z",
        ]
        return ["version": "4", "status": event.state.rawValue, "receiver": receiver, "groupKey": event.name,
                "groupLabels": ["alertname": event.name], "commonLabels": ["alertname": event.name], "alerts": [alert]]
    }

    /// Posts the event; delivery failures are returned, not thrown: an alert
    /// receiver that is down must not take the pipeline with it.
    @discardableResult
    public func deliver(_ event: AlertEvent) async -> (any Error)? {
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: payload(event), options: [.sortedKeys])))
            _ = try await http.execute(request, timeout: .seconds(5))
            return nil
        } catch {
            return error
        }
    }
}
