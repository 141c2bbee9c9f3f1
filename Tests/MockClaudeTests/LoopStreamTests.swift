import ChaosCore
import Foundation
import Synchronization
import Testing
@testable import MockClaude

/// Streams and JSON bodies that break play on the event loop when the fast path
/// takes them, and in Hummingbird's body writer when the route does; a client must
/// not be able to tell which, down to the bytes on the wire.
@Suite("Streams played on the event loop")
struct LoopStreamTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var faults: String?
        /// Journaled as.
        var ending: String
        /// An RST may cost the client bytes it had not read yet: only the error is compared.
        var reset = false
        var stream = true
        /// The least the journal may show from arrival to the end.
        var atLeast: Duration = .zero
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "no fault", ending: "complete"),
        Case(label: "headers late", faults: "- inject: { latency: { before_headers: 40ms } }", ending: "complete"),
        Case(label: "first token late, with pings", faults: "- inject: { latency: { first_token: 70ms } }", ending: "complete"),
        Case(label: "paced tokens", faults: "- inject: { latency: { per_token: 2ms } }", ending: "complete"),
        Case(label: "error event", faults: "- inject: { stream_error: { after_deltas: 2 } }", ending: "stream_error"),
        Case(label: "truncated", faults: "- inject: { truncate: { after: 50% } }", ending: "truncated"),
        Case(label: "stalled", faults: "- inject: { stall: { after_deltas: 2, cap: 150ms } }", ending: "stalled"),
        Case(label: "closed mid-answer", faults: "- inject: { disconnect: { after_deltas: 3, mode: close } }", ending: "disconnected"),
        Case(label: "reset mid-answer", faults: "- inject: { disconnect: { after_deltas: 3, mode: reset } }", ending: "reset", reset: true),
        Case(label: "closed before the first token", faults: "- inject: { disconnect: { after_deltas: 0 } }", ending: "disconnected"),
        Case(label: "JSON cut short", faults: "- inject: { truncate: { after: 50% } }", ending: "truncated", stream: false),
        Case(label: "JSON cut short after its latency",
             faults: "- inject: { latency: { first_token: 30ms, per_token: 1ms } }\n- inject: { truncate: { after: 50% } }", ending: "truncated", stream: false,
             atLeast: .milliseconds(30)),
        Case(label: "JSON stalled", faults: "- inject: { stall: { after_deltas: 1, cap: 150ms } }", ending: "stalled", stream: false),
        Case(label: "JSON closed mid-body", faults: "- inject: { disconnect: { after_deltas: 1, mode: close } }", ending: "disconnected", stream: false),
        Case(label: "JSON reset mid-body", faults: "- inject: { disconnect: { after_deltas: 1, mode: reset } }", ending: "reset", reset: true, stream: false),
    ]

    static let body = MockFixture.body("Tell me about the quarter.", stream: true)
    static let jsonBody = MockFixture.body("Tell me about the quarter.")
    static let headers = MockFixture.apiKey + [("x-llmchaos-request", "loop-stream-case")]

    /// The bytes but the `date` line, which is a wall-clock reading.
    static func withoutDate(_ bytes: String) -> String {
        bytes.components(separatedBy: "\r\n").filter { !$0.lowercased().hasPrefix("date: ") }.joined(separator: "\r\n")
    }

    @Test(arguments: cases)
    func bothPlayersPutTheSameBytesOnTheWire(_ item: Case) async throws {
        func play(fastPath: Bool) async throws -> (bytes: String, error: String?, endings: [String], onLoop: Int, latencies: [Duration]) {
            try await MockFixture.with(faults: item.faults, configure: { $0.fastPath = fastPath; $0.pingInterval = .milliseconds(30) }) { mock in
                let raw = try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: item.stream ? Self.body : Self.jsonBody, headers: Self.headers)
                let entries = try await mock.journalEntries()
                return (Self.withoutDate(raw.bytes), raw.error.map { "\($0)" }, entries.map(\.ending), mock.running.server.runtime.fastAnswers.load(ordering: .relaxed),
                        entries.map(\.latency))
            }
        }
        let loop = try await play(fastPath: true)
        let route = try await play(fastPath: false)
        #expect(loop.onLoop == 1)
        #expect(route.onLoop == 0)
        #expect(loop.endings == [item.ending])
        #expect(route.endings == [item.ending])
        #expect(loop.latencies.allSatisfy { $0 >= item.atLeast } && route.latencies.allSatisfy { $0 >= item.atLeast })
        #expect((loop.error == nil) == (route.error == nil))
        if item.reset {
            #expect(loop.error?.lowercased().contains("reset") == true, "\(loop.error ?? "no error")")
        } else {
            #expect(loop.bytes == route.bytes)
            #expect(loop.bytes.hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
        if !item.stream, !item.reset {
            // Half a JSON answer: its first keys, not its last (keys are sorted).
            #expect(loop.bytes.lowercased().contains("content-type: application/json"))
            #expect(loop.bytes.contains(#"{"content":[{"text":""#))
            #expect(!loop.bytes.contains(#""usage""#))
        }
        if item.label.contains("pings") {
            #expect(loop.bytes.components(separatedBy: "event: ping").count - 1 == 3, "the opening ping and two while waiting")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func requestsPipelinedBehindAStreamWaitForItsEnd() async throws {
        try await MockFixture.with(faults: "- inject: { latency: { per_token: 3ms } }") { mock in
            let wire = RawHTTP.request("/v1/messages", Self.body)
                + RawHTTP.request("/v1/messages/count_tokens", MockFixture.body("second"))
                + RawHTTP.request("/v1/messages", MockFixture.body("third", stream: true), "connection: close\r\n")
            let exchange = try await RawHTTP.send(port: mock.running.port, wire)
            #expect(exchange.error == nil)
            #expect(exchange.count("HTTP/1.1 200 OK") == 3)
            let firstStop = try #require(exchange.bytes.range(of: "event: message_stop"))
            let second = try #require(exchange.bytes.range(of: "\r\n\r\n{\"input_tokens\":"))
            #expect(firstStop.upperBound < second.lowerBound)
            #expect(exchange.count("event: message_stop") == 2)
            #expect(exchange.bytes.hasSuffix("0\r\n\r\n"))
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) == 3)
            #expect(try await mock.journalEntries().map(\.ending) == ["complete", "complete", "complete"])
        }
    }

    /// A client's FIN could be a half-close, so the stream goes on until a write
    /// fails: here the first ping, a fifth of a second in, of a 10 s wait.
    @Test(.timeLimit(.minutes(1)))
    func aClientLeavingMidStreamIsJournaledOnceAndReleasesTheRequest() async throws {
        try await MockFixture.with(faults: "- inject: { latency: { per_token: 10s } }", configure: { $0.pingInterval = .milliseconds(200) }) { mock in
            let raw = try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: Self.body, headers: Self.headers,
                                             leaveWhen: { $0.contains("event: content_block_delta") })
            #expect(raw.count("event: content_block_delta") == 1)
            let runtime = mock.running.server.runtime
            #expect(try await mock.settled(), "requests still in flight")
            let entry = try #require(try await mock.journalEntries().first)
            #expect(entry.ending == "client_gone")
            #expect(entry.latency < .seconds(5), "noticed at a ping, not at the next token")
            #expect(try await mock.journalEntries().count == 1)
            #expect(runtime.fastAnswers.load(ordering: .relaxed) == 1)
        }
    }

    /// Hummingbird closes connections it thinks idle at once when stopping; one
    /// playing a stream here is not idle, and gets the same grace as the route's.
    @Test(.timeLimit(.minutes(1)))
    func stoppingTheMockLetsAStreamInFlightFinish() async throws {
        try await MockFixture.with(faults: "- inject: { latency: { first_token: 400ms } }") { mock in
            let opened = Mutex(false)
            let raw = Task {
                try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: Self.body, headers: Self.headers,
                                       progress: { text in if text.contains("message_start") { opened.withLock { $0 = true } } })
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while !opened.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            await mock.running.stop()
            let result = try await raw.value
            #expect(result.error == nil)
            #expect(result.count("event: message_stop") == 1)
            #expect(result.bytes.hasSuffix("0\r\n\r\n"))
            #expect(mock.journal.entries().map(\.ending) == ["complete"])
        }
    }

    /// A clock that does not follow real time cannot schedule on the event loop.
    @Test func withAManualClockStreamsGoToTheRoute() async throws {
        try await MockFixture.with(clock: ManualClock()) { mock in
            let stream = try await mock.stream(Self.body)
            #expect(stream.names.last == "message_stop")
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) == 0)
        }
    }
}

extension LoopStreamTests {
    /// A client that shuts its sending side once the request is out (`nc -N`)
    /// still gets its whole stream, as the route gives it: the connection's end of
    /// input waits for the stream, whose writes would show a client that left.
    /// (A reply waiting in silence takes the FIN as the client leaving; see
    /// ``LoopReplyTests``.)
    @Test(.timeLimit(.minutes(1)), arguments: [true, false])
    func aClientThatHalfClosesGetsTheWholeStream(fastPath: Bool) async throws {
        try await MockFixture.with(faults: "- inject: { latency: { first_token: 80ms } }", configure: { $0.fastPath = fastPath }) { mock in
            let stream = try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: Self.body,
                                                headers: Self.headers, halfClose: true)
            #expect(stream.count("event: message_stop") == 1)
            #expect(stream.bytes.hasSuffix("0\r\n\r\n"))
            #expect(try await mock.journalEntries().map(\.ending) == ["complete"])
        }
    }
}
