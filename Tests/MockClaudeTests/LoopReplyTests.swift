import AsyncHTTPClient
import ChaosCore
import Foundation
import NIOCore
import Testing
@testable import MockClaude

/// Replies whole after a wait (a delayed JSON answer, an error after its delay, a
/// hang's 504) are sent from the event loop when the fast path takes them, after a
/// task's sleep when the route does; a client must not be able to tell which.
@Suite("Delayed replies sent from the event loop")
struct LoopReplyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var faults: String
        var status: Int
        var ending: String
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "JSON after its latency", faults: "- inject: { latency: { before_headers: 10ms, per_token: 1ms } }", status: 200, ending: "complete"),
        Case(label: "503 after a delay", faults: """
            - inject: { latency: { before_headers: 30ms } }
            - inject: { status: 503 }
            """, status: 503, ending: "error"),
        Case(label: "429 after a delay, with its headers", faults: """
            - inject: { latency: { before_headers: 20ms } }
            - inject: { rate_limit: { retry_after: 2s } }
            """, status: 429, ending: "error"),
        Case(label: "a hang to its cap", faults: "- inject: { timeout: { cap: 80ms } }", status: 504, ending: "hung"),
    ]

    static let body = MockFixture.body("What is the total revenue by region?")
    static let headers = MockFixture.apiKey + [("x-llmchaos-request", "loop-reply-case")]

    /// The bytes but `date` and the rate-limit reset instants: wall-clock readings.
    static func comparable(_ bytes: String) -> String {
        bytes.components(separatedBy: "\r\n").filter { line in
            let name = line.lowercased()
            return !name.hasPrefix("date: ") && !(name.hasPrefix("anthropic-ratelimit-") && name.contains("-reset: "))
        }.joined(separator: "\r\n")
    }

    @Test(arguments: cases)
    func bothPathsSendTheSameReplyAfterTheSameWait(_ item: Case) async throws {
        func send(fastPath: Bool) async throws -> (bytes: String, journal: [UpstreamAttempt], onLoop: Int) {
            try await MockFixture.with(faults: item.faults, configure: { $0.fastPath = fastPath }) { mock in
                let raw = try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: Self.body, headers: Self.headers)
                return (Self.comparable(raw.bytes), try await mock.journalEntries(), mock.running.server.runtime.fastAnswers.load(ordering: .relaxed))
            }
        }
        let loop = try await send(fastPath: true)
        let route = try await send(fastPath: false)
        #expect(loop.onLoop == 1)
        #expect(route.onLoop == 0)
        #expect(loop.bytes == route.bytes)
        #expect(loop.bytes.hasPrefix("HTTP/1.1 \(item.status) "))
        for journal in [loop.journal, route.journal] {
            #expect(journal.map(\.ending) == [item.ending])
            #expect(journal.map(\.status) == [item.status])
        }
        // The wait is the fault's, in scenario time, on either path.
        let planned: Duration = item.status == 504 ? .milliseconds(80) : item.status == 503 ? .milliseconds(30) : .milliseconds(20)
        #expect(try #require(loop.journal.first).latency >= planned)
    }

    @Test(.timeLimit(.minutes(1)))
    func aClientThatGivesUpDuringAHangIsJournaledAtOnce() async throws {
        try await MockFixture.with(faults: "- inject: { timeout: { cap: 1h } }") { mock in
            var request = HTTPClientRequest(url: mock.baseURL + "/v1/messages")
            request.method = .POST
            for (name, value) in Self.headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: Self.body))
            await #expect(throws: (any Error).self) { _ = try await HTTPClient.shared.execute(request, timeout: .milliseconds(300)) }
            #expect(try await mock.settled(), "requests still in flight")
            let entry = try #require(try await mock.journalEntries().first)
            #expect(entry.ending == "client_gone")
            #expect(entry.status == 504, "the status the hang would have ended with")
            #expect(entry.latency < .seconds(30))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func requestsPipelinedBehindADelayedReplyWaitForIt() async throws {
        try await MockFixture.with(faults: "- { name: slow, inject: { latency: { before_headers: 50ms } }, match: { header: { x-case: slow } } }") { mock in
            let wire = RawHTTP.request("/v1/messages", MockFixture.body("first"), "x-case: slow\r\n")
                + RawHTTP.request("/v1/messages/count_tokens", MockFixture.body("second"), "connection: close\r\n")
            let exchange = try await RawHTTP.send(port: mock.running.port, wire)
            let slow = try #require(exchange.bytes.range(of: "x-llmchaos-faults: slow", options: .caseInsensitive))
            let count = try #require(exchange.bytes.range(of: "\r\n\r\n{\"input_tokens\":"))
            #expect(slow.upperBound < count.lowerBound)
            #expect(exchange.count("HTTP/1.1 200 OK") == 2)
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) == 2)
        }
    }
}
