import AsyncHTTPClient
import ChaosCore
import Foundation
@testable import Harness
import Synchronization
import TestSupport
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

/// A real Alertmanager (Debian's `prometheus-alertmanager`, installed by
/// `scripts/setup-test-tools`) routes an alert to the harness's receiver: firing
/// when it is posted, resolved when it ends. Loopback only, clustering off, every
/// wait bounded. Skipped without the binary unless `LLMCHAOS_REQUIRE_TOOLS=1`.
@Suite("A real Alertmanager posts to the receiver", .serialized)
struct RealAlertmanagerTests {
    static let binary: String? = ["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", "/usr/bin/alertmanager"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["LLMCHAOS_REQUIRE_TOOLS"] == "1"

    /// GET without a body, POST with one.
    func send(_ url: String, _ body: String? = nil) async -> UInt? {
        var request = HTTPClientRequest(url: url)
        if let body {
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(.init(string: body))
        }
        return try? await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code
    }

    /// Polls until `condition` holds, for at most `limit` of real time.
    func eventually(within limit: Duration, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }

    @Test(.enabled(if: binary != nil || required, "no prometheus-alertmanager: run scripts/setup-test-tools"), .timeLimit(.minutes(2)))
    func firingAndResolvedArriveFromAlertmanager() async throws {
        let binary = try #require(Self.binary, "LLMCHAOS_REQUIRE_TOOLS=1 but no prometheus-alertmanager: run scripts/setup-test-tools")
        let clock = ManualClock()
        let receiver = AlertReceiver(clock: clock)
        let running = try await receiver.start()
        let received = Mutex<[AlertRecord]>([])
        let collector = Task { for await event in receiver.events { received.withLock { $0.append(event) } } }

        let directory = NSTemporaryDirectory() + "llmchaos-am-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            route: { receiver: llmchaos, group_by: [alertname], group_wait: 100ms, group_interval: 1s, repeat_interval: 1h }
            receivers:
              - name: llmchaos
                webhook_configs: [{ url: "\(running.url)", send_resolved: true }]
            """.write(toFile: "\(directory)/alertmanager.yml", atomically: true, encoding: .utf8)
        let port = ExternalTool.freeLoopbackPort()
        let base = "http://127.0.0.1:\(port)"
        let alertmanager = try ExternalTool.start(binary, [
            "--config.file=\(directory)/alertmanager.yml", "--storage.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var stopped = false
        defer { if !stopped { alertmanager.terminate() } }

        #expect(await eventually(within: .seconds(20)) { await send("\(base)/-/ready") == 200 }, "Alertmanager did not become ready")
        let start = ISO8601DateFormatter().string(from: Date())
        let firing = #"[{"labels": {"alertname": "HighErrorRate", "severity": "page"}, "startsAt": "\#(start)"}]"#
        #expect(await send("\(base)/api/v2/alerts", firing) == 200)
        #expect(await eventually(within: .seconds(20)) { received.withLock { $0.count } >= 1 }, "no firing notification arrived")
        clock.advance(by: .seconds(60))
        let end = ISO8601DateFormatter().string(from: Date())
        let resolved = #"[{"labels": {"alertname": "HighErrorRate", "severity": "page"}, "startsAt": "\#(start)", "endsAt": "\#(end)"}]"#
        #expect(await send("\(base)/api/v2/alerts", resolved) == 200)
        #expect(await eventually(within: .seconds(20)) { received.withLock { $0.count } >= 2 }, "no resolved notification arrived")

        let log = await alertmanager.stop()
        stopped = true
        await running.stop()
        receiver.finish()
        await collector.value
        #expect(received.withLock { $0 } == [
            AlertRecord(name: "HighErrorRate", state: .firing, at: .zero, source: "webhook"),
            AlertRecord(name: "HighErrorRate", state: .resolved, at: .seconds(60), source: "webhook"),
        ], "Alertmanager said:\n\(log.stderr.suffix(2000))")
    }
}
