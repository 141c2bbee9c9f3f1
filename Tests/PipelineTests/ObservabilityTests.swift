import ChaosCore
import Foundation
import Hummingbird
import Synchronization
import Testing
import Workload
@testable import Pipeline

@Suite("Alerts and quality monitoring against the mock")
struct ObservabilityTests {
    @Test func anOpusOutageFiresTheErrorRateAlertAndItResolvesAfter() async throws {
        // Time moves only when the test moves it, and retries do not wait, so the
        // answer at every 2s step is the same on any machine under any load.
        let clock = ManualClock()
        let receiver = AlertReceiver()
        try await receiver.run { url in
            try await PipelineFixture.with(
                faults: "- { name: opus-down, at: 30s, for: 60s, match: { model: claude-opus-4-7 }, inject: { overloaded: {} } }",
                clock: clock,
                configure: {
                    $0.alertRules = [AlertRule(name: "HighErrorRate", metric: .upstreamErrorRate, threshold: 0.05, window: .seconds(20), minSamples: 3)]
                    $0.alertWebhook = url
                    $0.qualityMonitor.every = 0
                    $0.retry = RetryPolicy(maxAttempts: 3, base: .zero, jitter: .none)
                }
            ) { pipeline, _ in
                let q = PipelineFixture.question("region-count")
                for step in 0..<75 {
                    let outcome = await pipeline.answer(question: q.question, requestID: "o\(step)")
                    #expect(outcome.sql != nil)
                    await pipeline.evaluateAlerts()
                    clock.advance(by: .seconds(2))
                }
                pipeline.eventsFinish()
                var alerts: [AlertEvent] = []
                for await case let .alert(event) in pipeline.events { alerts.append(event) }
                #expect(alerts.map(\.state) == [.firing, .resolved])
                // The first answer inside the outage pages. The last failure is at 90s: the
                // circuit (open since the probe at 62s failed) refuses the call then; the
                // alert resolves when the 20s window no longer holds it.
                #expect(alerts.first?.at == .seconds(30))
                #expect(alerts.last?.at == .seconds(110))
            }
            let statuses = receiver.payloads.map { $0["status"] as? String }
            #expect(statuses == ["firing", "resolved"])
            let alert = (receiver.payloads.first?["alerts"] as? [[String: Any]])?.first
            #expect((alert?["labels"] as? [String: String])?["alertname"] == "HighErrorRate")
            #expect(receiver.payloads.first?["version"] as? String == "4")
        }
    }

    /// In real time: at the fixture's scale of 50, the judge's 30 s timeout was 0.6 real
    /// seconds, which a judge call (two SQL queries) once took with every test starting
    /// at once on two cores, and the judge's sample was lost.
    @Test func theQualityMonitorSeesWrongSQLThatRaisesNoErrorAndALyingJudge() async throws {
        try await PipelineFixture.with(
            faults: """
                - { name: wrong, match: { model: claude-opus-4-7 }, inject: { quality: { mode: wrong_filter } } }
                - { name: liar, match: { model: claude-sonnet-4-6 }, inject: { quality: { mode: judge_lies } }, probability: 1 }
                """,
            timeScale: 1,
            configure: { $0.qualityMonitor.every = 1; $0.alertRules = [AlertRule(name: "LowQuality", metric: .qualityScore, threshold: 0.8, below: true, minSamples: 2)] }
        ) { pipeline, _ in
            let q = PipelineFixture.question("revenue-by-category")
            let outcome = await pipeline.answer(question: q.question, requestID: "q1")
            #expect(outcome.servedBy == "claude-opus-4-7", "wrong_filter SQL is valid SQL: validation cannot see it")
            pipeline.eventsFinish()
            var samples: [QualitySample] = []
            var alerts: [String] = []
            for await event in pipeline.events {
                if case let .qualitySample(sample) = event { samples.append(sample) }
                if case let .alert(alert) = event { alerts.append(alert.name) }
            }
            // The judge (sonnet, made to lie) calls the wrong SQL right; ground truth does not.
            #expect(samples.map(\.method) == ["judge", "execution"])
            #expect(samples.map(\.score) == [1, 0])
            #expect(samples.last?.rollingScore == 0.5)
            #expect(alerts == ["LowQuality"])
        }
    }
}

/// An Alertmanager-style receiver on loopback that keeps what it is sent.
final class AlertReceiver: Sendable {
    private let bodies = Mutex<[Data]>([])
    var payloads: [[String: Any]] { bodies.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } }
    func run(_ body: (String) async throws -> Void) async throws {
        let router = Router()
        router.post("alerts") { [self] request, _ -> HTTPResponse.Status in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let data = Data(buffer.readableBytesView)
            bodies.withLock { $0.append(data) }
            return .ok
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            try await body("http://127.0.0.1:\(port)/alerts")
            group.cancelAll()
        }
    }
}

