import AsyncHTTPClient
import ChaosCore
import Faults
@testable import Load
import MockClaude
import Testing
import Workload

/// An external target that answers in `text/event-stream`: the load generator
/// times its first token and the gaps between tokens. The mock itself stands in
/// for such a service, with its tokens slowed by a latency fault.
@Suite struct StreamingTargetTests {
    @Test func aStreamedAnswerIsTimedTokenByToken() async throws {
        let clock = ScaledClock(timeScale: 10)
        var configuration = MockConfiguration()
        configuration.port = 0
        let faults = try FaultPlan.schedule(yaml: "- inject: { latency: { first_token: 2s, per_token: 200ms } }", file: "test")
        let mock = try await MockServer(configuration: configuration, plan: FaultPlan(seed: 1, faults: faults), clock: clock, dataset: AnalyticsDataset()).start()
        let body = #"{"model": "claude-opus-4-7", "max_tokens": 200, "stream": true, "messages": [{"role": "user", "content": "{{question}}"}]}"#
        let target = HTTPTarget(
            http: LoadHTTPClient(),
            template: .init(url: mock.baseURL + "/v1/messages", body: body, headers: [("x-api-key", "sk-test"), ("anthropic-version", "2023-06-01")]),
            fields: .init(servedBy: .json(["type"])), timeout: .seconds(30), clock: clock,
            question: { _ in ("region-count", "How many regions do we operate in?") }, grade: { _, _ in .unknown }
        )
        let start = clock.now()
        let reply = await target.send(LoadRequest(index: 0, requestID: "s1"))
        let total = clock.now() - start
        await mock.stop()
        #expect(reply.outcome == .ok, "\(reply.error ?? "")")
        #expect(reply.servedBy == "message_stop", "JSON paths read the stream's last JSON event")
        // Lower bounds and relations only: a loaded machine stretches real time.
        let ttft = try #require(reply.timeToFirstToken)
        #expect(ttft >= .seconds(2), "\(ttft)")
        #expect(total - ttft >= .seconds(1), "the tokens after the first take 200ms each")
        let itl = try #require(reply.interTokenLatency)
        #expect(itl >= .milliseconds(100), "\(itl)")
    }

    @Test func eventsThatCarryNoTokenAreNotTimedAsTokens() {
        var stream = TokenStream(sent: .zero)
        stream.feed("event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: ping\ndata: {}\n\n".utf8, at: .seconds(1))
        #expect(stream.timeToFirstToken == nil)
        stream.feed("event: content_block_delta\ndata: {\"a\":1}\n\ndata: plain token\n".utf8, at: .seconds(2))
        stream.feed("\ndata: [DONE]\n\n".utf8, at: .seconds(4))
        #expect(stream.timeToFirstToken == .seconds(2))
        #expect(stream.interTokenLatency == .seconds(2), "the plain event completed at 4s; [DONE] is no token")
    }
}
