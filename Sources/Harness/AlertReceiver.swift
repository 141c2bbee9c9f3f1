import ChaosCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// An Alertmanager-compatible webhook receiver on loopback: a real Alertmanager
/// pointed at it works (its v4 payload), and so does a hand-rolled POST of the
/// same shape. Each alert's change of state becomes one RunLog event; the repeats
/// Alertmanager sends while an alert stays firing are not new events.
///
/// ```json
/// {"version": "4", "status": "firing",
///  "alerts": [{"status": "firing", "labels": {"alertname": "HighErrorRate"}, "startsAt": "…", "endsAt": "…"}]}
/// ```
final class AlertReceiver: Sendable {
    struct Payload: Decodable {
        struct Alert: Decodable {
            var status: String
            var labels: [String: String]
        }
        var alerts: [Alert]
    }

    let clock: any ScenarioClock
    let events: AsyncStream<AlertRecord>
    private let continuation: AsyncStream<AlertRecord>.Continuation
    private let firing = Mutex<Set<String>>([])

    init(clock: any ScenarioClock) {
        self.clock = clock
        (events, continuation) = AsyncStream.makeStream()
    }

    func finish() { continuation.finish() }

    /// Handles one POST body; returns nil when it is not a webhook payload.
    func receive(_ body: Data) -> Int? {
        guard let payload = try? JSONDecoder().decode(Payload.self, from: body) else { return nil }
        let now = clock.now()
        for alert in payload.alerts {
            guard let name = alert.labels["alertname"] else { continue }
            let isFiring = alert.status == "firing"
            let changed = firing.withLock { set in isFiring ? set.insert(name).inserted : set.remove(name) != nil }
            if changed { continuation.yield(AlertRecord(name: name, state: isFiring ? .firing : .resolved, at: now, source: "webhook")) }
        }
        return payload.alerts.count
    }

    /// Serves on a free loopback port until `stop`.
    func start() async throws -> RunningReceiver {
        let router = Router()
        router.post("alerts") { [self] request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 4 * 1024 * 1024)
            guard receive(Data(buffer.readableBytesView)) != nil else {
                return Response(status: .badRequest, body: ResponseBody(byteBuffer: ByteBuffer(string: "expected an Alertmanager v4 payload: {\"alerts\": [{\"status\": \"firing\", \"labels\": {\"alertname\": \"…\"}}]}\n")))
            }
            return Response(status: .ok)
        }
        var logger = Logger(label: "llmchaos.alert-receiver")
        logger.logLevel = .notice
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task<Void, any Error> {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw TargetStartError(scenario: "", reason: "the alert receiver could not start")
        }
        return RunningReceiver(url: "http://127.0.0.1:\(port)/alerts", group: group, task: task)
    }

    struct RunningReceiver: Sendable {
        let url: String
        let group: ServiceGroup
        let task: Task<Void, any Error>

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = await task.result
        }
    }
}
