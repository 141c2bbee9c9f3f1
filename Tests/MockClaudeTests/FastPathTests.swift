import Foundation
import NIOHTTP1
import Testing
import Workload
@testable import MockClaude

/// The fast path answers on the event loop what needs no waiting and hands the
/// rest to the Hummingbird route; a client must not be able to tell which did.
@Suite("Fast path and route answer alike")
struct FastPathTests {
    static let faults = """
        - { name: limited, inject: { rate_limit: { retry_after: 2s } }, match: { header: { x-case: limited } } }
        - { name: broken, inject: { status: 503 }, match: { header: { x-case: broken } } }
        - { name: busy, inject: { overloaded: {} }, match: { header: { x-case: busy } } }
        - { name: slow, inject: { latency: { before_headers: 30ms } }, match: { header: { x-case: slow } } }
        - { name: cut, inject: { truncate: { after: 50% } }, match: { header: { x-case: cut } } }
        """

    struct Case: CustomTestStringConvertible, Sendable {
        var label: String
        var path = "/v1/messages"
        var body: String
        var headers: [(String, String)] = []
        var key = true
        /// Refused before its attempt was known, so its request id is random.
        var refused = false
        /// Whether the fast path answers it itself rather than handing it off.
        var fast: Bool
        var testDescription: String { label }
    }

    static let question = GoldenQuestions.all[0]
    static let judge = "[llmchaos:judge] Does the SQL answer the question?\n<question>\(question.question)</question>\n<sql>\(question.sql)</sql>"
    static let cases: [Case] = [
        Case(label: "golden question", body: MockFixture.body(question.question), fast: true),
        Case(label: "count_tokens", path: "/v1/messages/count_tokens", body: MockFixture.body(question.question), fast: true),
        Case(label: "provider path with query", path: "/p/bedrock/v1/messages?beta=true", body: MockFixture.body("hello"), fast: true),
        Case(label: "rate limited", body: MockFixture.body("hi"), headers: [("x-case", "limited")], fast: true),
        Case(label: "injected 503", body: MockFixture.body("hi"), headers: [("x-case", "broken")], fast: true),
        Case(label: "overloaded (529, a status with no standard reason)", body: MockFixture.body("hi"), headers: [("x-case", "busy")], fast: true),
        Case(label: "matched header sent in capitals", body: MockFixture.body("hi"), headers: [("X-CASE", "broken")], fast: true),
        Case(label: "key as a bearer token", body: MockFixture.body("hi"), headers: [("Authorization", "Bearer sk-test")], key: false, fast: true),
        Case(label: "malformed JSON", body: "{\"model\":", fast: true),
        Case(label: "unknown model", body: MockFixture.body("hi", model: "claude-nonexistent-1"), fast: true),
        Case(label: "no API key", body: MockFixture.body("hi"), key: false, refused: true, fast: true),
        Case(label: "delayed answer", body: MockFixture.body("hi"), headers: [("x-case", "slow")], fast: true),
        Case(label: "JSON body cut short", body: MockFixture.body("hi"), headers: [("x-case", "cut")], fast: true),
        Case(label: "stream", body: MockFixture.body(question.question, stream: true), fast: true),
        Case(label: "judge call", body: MockFixture.body(judge), fast: false),
    ]

    /// What must match: status, body, and every header in order but `date` and
    /// the rate-limit reset instants, which are wall-clock readings.
    struct Seen: Equatable {
        var status: Int
        /// As sent: an HTTP client keeps the code and makes up its own reason.
        var statusLine = ""
        var headers: [String]
        var body: String

        init(_ reply: MockFixture.Reply, refusedBeforeIdentity: Bool) {
            status = reply.status
            headers = reply.headers.compactMap { field in
                let name = field.name.lowercased()
                if name == "date" || (name.hasPrefix("anthropic-ratelimit-") && name.hasSuffix("-reset")) { return nil }
                // A request refused before its attempt was known gets a random id.
                if refusedBeforeIdentity, name == "request-id" { return nil }
                return "\(name): \(field.value)"
            }
            let message = (reply.json["error"] as? [String: Any])?["message"] as? String
            body = refusedBeforeIdentity ? "\(reply.errorType ?? "-"): \(message ?? "-")" : reply.body
        }
    }

    @Test(arguments: cases)
    func bothPathsSendTheSameAnswer(_ item: Case) async throws {
        func send(fastPath: Bool) async throws -> (Seen, fastAnswers: Int) {
            try await MockFixture.with(faults: Self.faults, configure: { $0.fastPath = fastPath }) { mock in
                let headers = (item.key ? MockFixture.apiKey : []) + [("x-llmchaos-request", "fast-path-case")] + item.headers
                let reply = try await mock.post(item.body, path: item.path, headers: headers)
                var seen = Seen(reply, refusedBeforeIdentity: item.refused)
                let answered = mock.running.server.runtime.fastAnswers.load(ordering: .relaxed)
                let raw = try await RawHTTP.post(port: mock.running.port, path: item.path, body: item.body, headers: headers)
                seen.statusLine = raw.bytes.components(separatedBy: "\r\n").first ?? ""
                return (seen, answered)
            }
        }
        let (fast, answeredFast) = try await send(fastPath: true)
        let (routed, answeredWithoutFastPath) = try await send(fastPath: false)
        #expect(fast == routed)
        #expect((fast.status == 401) == item.refused)
        #expect(answeredFast == (item.fast ? 1 : 0))
        #expect(answeredWithoutFastPath == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func pipelinedAnswersKeepTheirOrderBehindAHandedOffRequest() async throws {
        // A judge's query is the route's to answer.
        try await MockFixture.with(faults: Self.faults) { mock in
            let wire = RawHTTP.request("/v1/messages", MockFixture.body(Self.judge))
                + RawHTTP.request("/v1/messages", MockFixture.body("second"))
                + RawHTTP.request("/v1/messages/count_tokens", MockFixture.body("third"), "connection: close\r\n")
            let exchange = try await RawHTTP.send(port: mock.running.port, wire)
            // Three answers: the judge's first, the count last.
            let starts = exchange.bytes.ranges(of: "HTTP/1.1 200 OK")
            try #require(starts.count == 3)
            let verdict = try #require(exchange.bytes.range(of: "same result as the golden query"))
            let count = try #require(exchange.bytes.range(of: "\r\n\r\n{\"input_tokens\":"))
            #expect(starts[0].upperBound < verdict.lowerBound && verdict.upperBound < starts[1].lowerBound)
            #expect(starts[2].upperBound < count.lowerBound)

            // With nothing in front of it, the next connection's request is answered at once.
            let before = mock.running.server.runtime.fastAnswers.load(ordering: .relaxed)
            let alone = try await RawHTTP.send(port: mock.running.port, RawHTTP.request("/v1/messages", MockFixture.body("alone"), "connection: close\r\n"))
            #expect(alone.count("HTTP/1.1 200 OK") == 1)
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) == before + 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func connectionCloseIsHonouredAfterAFastAnswer() async throws {
        try await MockFixture.with { mock in
            let exchange = try await RawHTTP.post(port: mock.running.port, path: "/v1/messages", body: MockFixture.body("hi"), headers: MockFixture.apiKey)
            #expect(exchange.error == nil)
            #expect(exchange.count("HTTP/1.1 200 OK") == 1)
            #expect(exchange.bytes.hasSuffix("}"))
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) == 1)
        }
    }

    @Test(arguments: [true, false])
    func aClientsOwnHandoffHeaderIsIgnored(fastPath: Bool) async throws {
        try await MockFixture.with(faults: Self.faults, configure: { $0.fastPath = fastPath }) { mock in
            let forged = MockFixture.apiKey + [("x-llmchaos-handoff", "1")]
            let plain = try await mock.post(MockFixture.body(Self.question.question), headers: forged)
            #expect(plain.status == 200)
            #expect(plain.text.contains("SELECT"))
            let slow = try await mock.post(MockFixture.body("hi"), headers: forged + [("x-case", "slow")])
            #expect(slow.status == 200)
            #expect(slow.header("x-llmchaos-faults") == "slow")
            let cut = try await mock.post(MockFixture.body("hi"), headers: forged + [("x-case", "cut")])
            #expect(cut.status == 200)
            #expect(cut.header("x-llmchaos-faults") == "cut")
            // Behind a handed-off request, a request goes to the route whatever it carries.
            func request(_ body: String, _ extra: String) -> String {
                "POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: sk-test\r\nx-llmchaos-handoff: 1\r\n"
                    + "content-length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
            }
            let wire = request(MockFixture.body(Self.judge), "") + request(MockFixture.body("there"), "connection: close\r\n")
            let exchange = try await RawHTTP.send(port: mock.running.port, wire)
            #expect(exchange.count("HTTP/1.1 200 OK") == 2)
            #expect(mock.running.server.runtime.handoffs.count == 0)
        }
    }

    @Test func everyAnswerIsJournaledOnceWhicheverPathSentIt() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            for item in Self.cases {
                let headers = (item.key ? MockFixture.apiKey : []) + item.headers
                _ = try await mock.post(item.body, path: item.path, headers: headers)
            }
            let entries = try await mock.journalEntries()
            #expect(entries.count == Self.cases.count)
            #expect(entries.map(\.sequence) == Array(1...Self.cases.count))
        }
    }
}
