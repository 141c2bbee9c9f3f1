import ChaosCore
import Foundation
import NIOCore
@testable import Pipeline
import Testing
import TestSupport

@Suite struct AlertEngineTests {
    func call(_ at: Int, ok: Bool) -> ModelCallRecord {
        ModelCallRecord(at: .seconds(at), requestID: "r\(at)", model: "m", attempt: 1, status: ok ? "ok" : "529", latency: .zero, inputTokens: 0, outputTokens: 0, succeeded: ok)
    }

    @Test func anErrorRateAlertFiresOnceAndResolvesWithHysteresis() {
        let rule = AlertRule(name: "HighErrorRate", metric: .upstreamErrorRate, threshold: 0.5, resolveThreshold: 0.2, window: .seconds(10), minSamples: 4)
        let engine = AlertEngine(rules: [rule])
        for t in 0..<4 { engine.observe(call: call(t, ok: true)) }
        #expect(engine.evaluate(at: .seconds(4)).isEmpty)
        for t in 4..<10 { engine.observe(call: call(t, ok: false)) }
        let fired = engine.evaluate(at: .seconds(10))
        #expect(fired.map(\.state) == [.firing])
        // The window is (now − 10s, now]: calls at 1…9 s, six of them failed.
        #expect(fired.first?.value == 6.0 / 9.0)
        #expect(engine.evaluate(at: .seconds(10)).isEmpty, "no second page while firing")
        // 3 failures of 9 (calls at 7…15 s): under the threshold, not yet under the resolve line.
        for t in 10..<17 { engine.observe(call: call(t, ok: true)) }
        #expect(engine.evaluate(at: .seconds(16)).isEmpty)
        #expect(engine.firing == ["HighErrorRate"])
        for t in 17..<20 { engine.observe(call: call(t, ok: true)) }
        #expect(engine.evaluate(at: .seconds(19)).map(\.state) == [.resolved])
    }

    /// A receiver that is down costs a refused connection, not a connect retried
    /// for the delivery's whole 5 s timeout, which ends in the same error. Half the
    /// timeout is the bound: what is asserted is "at once, not at the deadline".
    @Test func anAlertReceiverThatIsDownFailsTheDeliveryAtOnce() async {
        let webhook = AlertWebhook(url: "http://127.0.0.1:\(ExternalTool.freeLoopbackPort())/", clock: ScaledClock(timeScale: 1))
        let started = ContinuousClock.now
        let error = await webhook.deliver(AlertEvent(name: "HighErrorRate", state: .firing, at: .seconds(1), value: 0.5, threshold: 0.1))
        #expect(ContinuousClock.now - started < .milliseconds(2500))
        #expect((error as? IOError)?.errnoCode == ECONNREFUSED, "\(String(describing: error))")
    }

    @Test func tooFewSamplesNeverPage() {
        let engine = AlertEngine(rules: [AlertRule(name: "E", metric: .upstreamErrorRate, threshold: 0.05, minSamples: 10)])
        for t in 0..<9 { engine.observe(call: call(t, ok: false)) }
        #expect(engine.evaluate(at: .seconds(9)).isEmpty)
    }

    @Test func qualityAlertsFireBelowTheirThreshold() {
        let engine = AlertEngine(rules: [AlertRule(name: "LowQuality", metric: .qualityScore, threshold: 0.8, below: true, minSamples: 3)])
        for (t, rolling) in [(1, 1.0), (2, 0.9), (3, 0.7)] {
            engine.observe(quality: QualitySample(at: .seconds(t), requestID: "r", model: "m", score: 0, method: "judge", rollingScore: rolling))
        }
        #expect(engine.evaluate(at: .seconds(3)).map(\.name) == ["LowQuality"])
    }
}
