import AsyncHTTPClient
import ChaosCore
import Foundation
@testable import Harness
import Testing

/// The harness's Alertmanager webhook, over loopback HTTP: state changes become
/// RunLog alerts at the scenario time they arrive; Alertmanager's repeats do not.
@Suite struct AlertReceiverTests {
    func post(_ body: String, to url: String) async throws -> UInt {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(.init(string: body))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code
    }

    static func payload(_ status: String, _ name: String) -> String {
        """
        {"version": "4", "status": "\(status)", "receiver": "llmchaos", "groupLabels": {}, "commonLabels": {},
         "alerts": [{"status": "\(status)", "labels": {"alertname": "\(name)", "severity": "page"},
                     "annotations": {}, "startsAt": "2026-11-23T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]}
        """
    }

    @Test func firingAndResolvedBecomeEventsOnce() async throws {
        let clock = ManualClock()
        let receiver = AlertReceiver(clock: clock)
        let running = try await receiver.start()
        clock.advance(by: .seconds(10))
        #expect(try await post(Self.payload("firing", "HighErrorRate"), to: running.url) == 200)
        clock.advance(by: .seconds(30))
        #expect(try await post(Self.payload("firing", "HighErrorRate"), to: running.url) == 200, "a repeat")
        clock.advance(by: .seconds(30))
        #expect(try await post(Self.payload("resolved", "HighErrorRate"), to: running.url) == 200)
        #expect(try await post(#"{"hello": "world"}"#, to: running.url) == 400)
        await running.stop()
        receiver.finish()
        var events: [AlertRecord] = []
        for await event in receiver.events { events.append(event) }
        #expect(events == [
            AlertRecord(name: "HighErrorRate", state: .firing, at: .seconds(10), source: "webhook"),
            AlertRecord(name: "HighErrorRate", state: .resolved, at: .seconds(70), source: "webhook"),
        ])
    }
}
