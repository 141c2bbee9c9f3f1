import ChaosCore
import Foundation
import Scenario
import Testing
@testable import MockClaude

/// The Message Batches API over loopback HTTP: a batch's requests meet the same
/// weather as live calls, decided when the batch is created, and show up as the
/// results a client has to handle (errored, expired, canceled).
@Suite("Message Batches over loopback HTTP")
struct MessageBatchesTests {
    static func entry(_ id: String, model: String = "claude-sonnet-4-6", text: String = "How many regions do we operate in?", maxTokens: Int = 60) -> String {
        #"{"custom_id":"\#(id)","params":{"model":"\#(model)","max_tokens":\#(maxTokens),"messages":[{"role":"user","content":"\#(text)"}]}}"#
    }

    static func batch(_ entries: [String]) -> String { #"{"requests":[\#(entries.joined(separator: ","))]}"# }

    /// The results file's lines as `custom_id: result`.
    static func results(_ body: String) -> [String: [String: Any]] {
        var results: [String: [String: Any]] = [:]
        for line in body.split(separator: "\n") {
            let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
            results[json["custom_id"] as? String ?? "?"] = json["result"] as? [String: Any] ?? [:]
        }
        return results
    }

    static func counts(_ reply: MockFixture.Reply) -> [String: Int] { reply.json["request_counts"] as? [String: Int] ?? [:] }

    /// The journal's entries for a batch's requests (its calls share the path),
    /// polled: a batch is journaled by its timer, off the request path.
    static func journaled(_ mock: MockFixture, path: String, count: Int) async throws -> [UpstreamAttempt] {
        func entries() -> [UpstreamAttempt] { mock.journal.entries().filter { $0.path == path && $0.correlation == "batch" } }
        for _ in 0..<200 where entries().count < count {
            try await Task.sleep(for: .milliseconds(10))
        }
        return entries()
    }

    @Test func aBatchProcessesOnTheScenarioClockThenEndsWithItsResults() async throws {
        let clock = ManualClock()
        let faults = "- inject: { latency: { first_token: 30m } }\n  match: { batch: true }"
        try await MockFixture.with(faults: faults, clock: clock) { mock in
            let created = try await mock.post(Self.batch([Self.entry("a"), Self.entry("b"), Self.entry("c", text: "Hello")]), path: "/v1/messages/batches")
            #expect(created.status == 200, "\(created.body)")
            let id = try #require(created.json["id"] as? String)
            #expect(id.hasPrefix("msgbatch_") && created.json["type"] as? String == "message_batch")
            #expect(created.json["processing_status"] as? String == "in_progress")
            #expect(Self.counts(created) == ["processing": 3, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0])
            #expect(created.json["results_url"] is NSNull && created.json["ended_at"] is NSNull, "null until it ends, as the API writes it")
            #expect(created.json["expires_at"] as? String == "2026-01-02T00:00:00.000Z", "24 hours after creation: \(created.body)")

            let early = try await mock.request(.GET, "/v1/messages/batches/\(id)/results")
            #expect(early.status == 400 && early.errorType == "invalid_request_error")
            #expect(try await mock.request(.DELETE, "/v1/messages/batches/\(id)").status == 400, "a batch still processing cannot be deleted")

            let health = try await mock.request(.GET, "/_chaos/health", headers: [])
            #expect(health.json["batch_requests_processing"] as? Int == 3 && health.json["in_flight"] as? Int == 0, "not HTTP requests in flight: \(health.body)")

            await clock.sleepers(atLeast: 1)
            clock.advance(by: .seconds(29 * 60))
            #expect(try await mock.request(.GET, "/v1/messages/batches/\(id)").json["processing_status"] as? String == "in_progress")
            clock.advance(by: .seconds(60))
            let ended = try await mock.request(.GET, "/v1/messages/batches/\(id)")
            #expect(ended.json["processing_status"] as? String == "ended")
            #expect(Self.counts(ended)["succeeded"] == 3 && Self.counts(ended)["processing"] == 0)
            #expect(ended.json["ended_at"] as? String == "2026-01-01T00:30:00.000Z")
            let resultsURL = try #require(ended.json["results_url"] as? String)
            #expect(resultsURL == mock.baseURL + "/v1/messages/batches/\(id)/results")

            let results = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)
            #expect(Set(results.keys) == ["a", "b", "c"])
            let message = try #require(results["a"]?["message"] as? [String: Any])
            #expect(results["a"]?["type"] as? String == "succeeded" && message["type"] as? String == "message")
            #expect(message["model"] as? String == "claude-sonnet-4-6" && (message["usage"] as? [String: Any])?["output_tokens"] as? Int ?? 0 > 0)

            let journal = try await Self.journaled(mock, path: "/v1/messages/batches/\(id)", count: 3)
            #expect(journal.count == 3 && journal.allSatisfy { $0.ending == "complete" && $0.status == 200 && $0.correlation == "batch" })
            #expect(journal.allSatisfy { $0.latency == .seconds(1800) && $0.faults.count == 1 }, "each request's time in the batch, and the fault that made it")
            #expect(try await mock.request(.GET, "/_chaos/health", headers: []).json["batch_requests_processing"] as? Int == 0)

            #expect(try await mock.request(.DELETE, "/v1/messages/batches/\(id)").json["type"] as? String == "message_batch_deleted")
            #expect(try await mock.request(.GET, "/v1/messages/batches/\(id)").status == 404)
        }
    }

    /// Errors become `errored` results, hangs `expired` ones, and live calls to
    /// the same model are untouched by faults meant for batches.
    @Test func faultsBecomeTheResultsABatchClientHandles() async throws {
        let clock = ManualClock()
        let faults = """
        - inject: overloaded
          match: { model: claude-opus-4-7, batch: true }
        - inject: timeout
          match: { model: claude-haiku-4-5 }
        - inject: { status: { code: 500 } }
          match: { model: claude-sonnet-4-6, batch: false }
        - inject: { quality: { mode: empty } }
          match: { model: claude-opus-4-6, batch: true }
        """
        try await MockFixture.with(faults: faults, clock: clock) { mock in
            let body = Self.batch([
                Self.entry("opus", model: "claude-opus-4-7"), Self.entry("haiku", model: "claude-haiku-4-5"),
                Self.entry("sonnet"), Self.entry("no-max", model: "claude-opus-4-6", maxTokens: 0),
                Self.entry("empty", model: "claude-opus-4-6"),
            ])
            let created = try await mock.post(body, path: "/v1/messages/batches")
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["processing_status"] as? String == "in_progress", "the hung request holds the batch until it expires")
            await clock.sleepers(atLeast: 1)
            clock.advance(by: .seconds(24 * 3600))
            let ended = try await mock.request(.GET, "/v1/messages/batches/\(id)")
            #expect(Self.counts(ended) == ["processing": 0, "succeeded": 2, "errored": 2, "canceled": 0, "expired": 1], "\(ended.body)")
            let results = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)
            let opusError = (results["opus"]?["error"] as? [String: Any])?["error"] as? [String: Any]
            #expect(results["opus"]?["type"] as? String == "errored" && opusError?["type"] as? String == "overloaded_error")
            #expect(results["haiku"]?["type"] as? String == "expired")
            #expect(results["sonnet"]?["type"] as? String == "succeeded", "a fault for live calls only")
            let refusal = (results["no-max"]?["error"] as? [String: Any])?["error"] as? [String: Any]
            #expect(refusal?["type"] as? String == "invalid_request_error", "params the Messages API refuses: \(results["no-max"] ?? [:])")
            #expect(refusal?["message"] as? String == "max_tokens: Input should be greater than or equal to 1")
            let empty = results["empty"]?["message"] as? [String: Any]
            #expect((empty?["content"] as? [Any])?.isEmpty == true, "a fault that shapes the answer shapes a batch's: \(results["empty"] ?? [:])")

            #expect(try await mock.post(MockFixture.body("Hi", model: "claude-opus-4-7")).status == 200, "the batch-only fault spares live calls")
            #expect(try await mock.post(MockFixture.body("Hi", model: "claude-sonnet-4-6")).status == 500)

            let journal = try await Self.journaled(mock, path: "/v1/messages/batches/\(id)", count: 5)
            let endings = Dictionary(journal.map { ($0.model ?? "", $0) }) { first, _ in first }
            #expect(endings["claude-opus-4-7"]?.status == 529 && endings["claude-opus-4-7"]?.errorType == "overloaded_error")
            #expect(endings["claude-haiku-4-5"]?.ending == "expired" && endings["claude-haiku-4-5"]?.latency == .seconds(24 * 3600))
        }
    }

    /// Faults of the wire have no wire to break in a batch: the request's
    /// answer is whole and no fault is recorded against it.
    @Test(arguments: ["truncate", "{ disconnect: { after_deltas: 0 } }", "{ stall: { after_deltas: 1 } }"])
    func aFaultOfTheWireLeavesABatchsRequestWhole(inject: String) async throws {
        try await MockFixture.with(faults: "- inject: \(inject)") { mock in
            let id = try #require(try await mock.post(Self.batch([Self.entry("a", maxTokens: 400)]), path: "/v1/messages/batches").json["id"] as? String)
            let result = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)["a"]
            let message = result?["message"] as? [String: Any]
            #expect(result?["type"] as? String == "succeeded" && message?["stop_reason"] as? String == "end_turn", "\(result ?? [:])")
            let journal = try await Self.journaled(mock, path: "/v1/messages/batches/\(id)", count: 1)
            #expect(journal.first?.faults == [] && journal.first?.ending == "complete")
        }
    }

    @Test func aCancelEndsTheBatchAndCancelsWhatWasStillProcessing() async throws {
        let clock = ManualClock()
        let faults = "- inject: { latency: { first_token: 1h } }\n  match: { model: claude-sonnet-4-6, batch: true }"
        try await MockFixture.with(faults: faults, clock: clock) { mock in
            let body = Self.batch([Self.entry("slow"), Self.entry("quick", model: "claude-haiku-4-5"), Self.entry("bad", model: "")])
            let id = try #require(try await mock.post(body, path: "/v1/messages/batches").json["id"] as? String)
            clock.advance(by: .seconds(600))
            let canceling = try await mock.request(.POST, "/v1/messages/batches/\(id)/cancel")
            #expect(canceling.json["processing_status"] as? String == "canceling", "\(canceling.body)")
            #expect(canceling.json["cancel_initiated_at"] as? String == "2026-01-01T00:10:00.000Z")
            let ended = try await mock.request(.GET, "/v1/messages/batches/\(id)")
            #expect(ended.json["processing_status"] as? String == "ended")
            #expect(Self.counts(ended) == ["processing": 0, "succeeded": 1, "errored": 1, "canceled": 1, "expired": 0], "\(ended.body)")
            let results = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)
            #expect(results["slow"]?["type"] as? String == "canceled" && results["quick"]?["type"] as? String == "succeeded")
            let journal = try await Self.journaled(mock, path: "/v1/messages/batches/\(id)", count: 3)
            #expect(journal.filter { $0.ending == "canceled" }.count == 1)
            let again = try await mock.request(.POST, "/v1/messages/batches/\(id)/cancel")
            #expect(again.json["processing_status"] as? String == "ended", "canceling an ended batch changes nothing")
        }
    }

    /// A request sent again in a new batch is its next attempt, and gets the
    /// next draw of the weather: a client that resubmits what errored can recover.
    @Test func aResubmittedRequestIsItsNextAttempt() async throws {
        let faults = "- inject: overloaded\n  match: { batch: true, attempts: 1 }"
        try await MockFixture.with(faults: faults) { mock in
            var seen: [String] = []
            for _ in 0..<2 {
                let id = try #require(try await mock.post(Self.batch([Self.entry("q1")]), path: "/v1/messages/batches").json["id"] as? String)
                let results = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)
                seen.append(results["q1"]?["type"] as? String ?? "?")
            }
            #expect(seen == ["errored", "succeeded"])
            let other = try #require(try await mock.post(Self.batch([Self.entry("q2")]), path: "/v1/messages/batches").json["id"] as? String)
            #expect(Self.results(try await mock.request(.GET, "/v1/messages/batches/\(other)/results").body)["q2"]?["type"] as? String == "errored",
                    "another custom_id is another request")
        }
    }

    /// Same seed, same batch: the same requests fail, in two fresh mocks.
    @Test func theSameSeedFailsTheSameRequests() async throws {
        let entries = (0..<24).map { Self.entry("r\($0)", text: "Question number \($0)") }
        var failed: [Set<String>] = []
        for _ in 0..<2 {
            try await MockFixture.with(faults: "- inject: overloaded\n  probability: 0.5\n  match: { batch: true }", seed: 11) { mock in
                let id = try #require(try await mock.post(Self.batch(entries), path: "/v1/messages/batches").json["id"] as? String)
                let results = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)
                failed.append(Set(results.filter { $0.value["type"] as? String == "errored" }.keys))
            }
        }
        #expect(failed[0] == failed[1] && !failed[0].isEmpty && failed[0].count < 24, "\(failed)")
    }

    /// The calls that are not messages (a batch's, the model list's) get their
    /// weather from the seed too: which of them a fault hits does not depend on
    /// when they arrive.
    @Test func theSameSeedRefusesTheSameCalls() async throws {
        let faults = "- inject: { status: 503 }\n  probability: 0.5\n  match: { path: \"/v1/models/*\" }"
        let ids = ["claude-opus-4-7", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-6", "claude-opus-5", "claude-sonnet-5",
                   "claude-opus-5-5", "claude-fable-5-2", "claude-haiku-5-5", "claude-fable-5-1", "claude-opus-4-8", "claude-opus-4-5"]
        var runs: [[Int]] = []
        for _ in 0..<2 {
            try await MockFixture.with(faults: faults, seed: 5) { mock in
                var statuses: [Int] = []
                for id in ids { statuses.append(try await mock.request(.GET, "/v1/models/\(id)").status) }
                runs.append(statuses)
            }
        }
        #expect(runs[0] == runs[1], "\(runs)")
        #expect(Set(runs[0]) == [200, 503], "\(runs[0])")
    }

    @Test(arguments: [
        (#"{"requests":[]}"#, "requests: List should have at least 1 item after validation, not 0"),
        (#"{}"#, "requests: Field required"),
        (batch([entry("same"), entry("same")]), "requests.1.custom_id: 'same' is used by an earlier request; each request in a Message Batch needs its own custom_id"),
        (batch([entry("has space")]), "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"),
        (#"{"requests":[{"custom_id":"x"}]}"#, "requests.0.params: Field required"),
    ])
    func aMalformedBatchIsA400ForTheWholeBatch(body: String, message: String) async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(body, path: "/v1/messages/batches")
            #expect(reply.status == 400 && reply.errorType == "invalid_request_error" && reply.errorMessage == message, "\(reply.body)")
            let listed = try await mock.request(.GET, "/v1/messages/batches")
            #expect((listed.json["data"] as? [Any])?.isEmpty == true, "no batch was made")
        }
    }

    /// A batch over the size limit (256 MB on the API; 2 KB here) is a 413 and
    /// makes no batch.
    @Test func aBatchOverTheSizeLimitIsA413() async throws {
        try await MockFixture.with(configure: { $0.maxBatchBytes = 2048 }) { mock in
            let small = try await mock.post(Self.batch([Self.entry("a")]), path: "/v1/messages/batches")
            #expect(small.status == 200)
            let large = try await mock.post(Self.batch((0..<40).map { Self.entry("r\($0)") }), path: "/v1/messages/batches")
            #expect(large.status == 413 && large.errorType == "request_too_large", "\(large.body)")
            #expect(large.errorMessage == "A Message Batch is limited to 2048 bytes; split it in two")
            let listed = try await mock.request(.GET, "/v1/messages/batches")
            #expect((listed.json["data"] as? [Any])?.count == 1)
        }
    }

    /// A retrieve delayed by a fault shows the batch as it is when it answers:
    /// a cancel that came during the delay is in it.
    @Test func aDelayedRetrieveShowsTheBatchAsItIsWhenItAnswers() async throws {
        let clock = ManualClock()
        let faults = """
        - inject: { latency: { first_token: 1h } }
          match: { batch: true }
        - inject: { latency: { before_headers: 10s } }
          match: { header: { x-case: slow } }
        """
        try await MockFixture.with(faults: faults, clock: clock) { mock in
            let id = try #require(try await mock.post(Self.batch([Self.entry("a")]), path: "/v1/messages/batches").json["id"] as? String)
            await clock.sleepers(atLeast: 1)
            let slow = Task { try await mock.request(.GET, "/v1/messages/batches/\(id)", headers: MockFixture.apiKey + [("x-case", "slow")]) }
            await clock.sleepers(atLeast: 2)
            #expect(try await mock.request(.POST, "/v1/messages/batches/\(id)/cancel").json["processing_status"] as? String == "canceling")
            clock.advance(by: .seconds(10))
            let seen = try await slow.value
            #expect(seen.json["processing_status"] as? String == "ended" && Self.counts(seen)["canceled"] == 1, "\(seen.body)")
        }
    }

    /// Batch calls and a batch's requests have their own rows in `/metrics`; the
    /// requests are counted but not timed as HTTP requests.
    @Test func metricsCountBatchCallsAndRequestsApart() async throws {
        try await MockFixture.with { mock in
            let id = try #require(try await mock.post(Self.batch([Self.entry("a"), Self.entry("b")]), path: "/v1/messages/batches").json["id"] as? String)
            _ = try await mock.request(.GET, "/v1/messages/batches/\(id)/results")
            _ = try await Self.journaled(mock, path: "/v1/messages/batches/\(id)", count: 2)
            let metrics = try await mock.request(.GET, "/metrics", headers: []).body
            #expect(metrics.contains(#"llmchaos_mock_requests_total{endpoint="batch_item",status="200"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"llmchaos_mock_requests_total{endpoint="batches",status="200"} 2"#))
            #expect(metrics.contains("llmchaos_mock_request_duration_seconds_count 2"), "the two HTTP calls only")
        }
    }

    @Test func batchesBelongToTheirKeyAndListNewestFirst() async throws {
        try await MockFixture.with { mock in
            var ids: [String] = []
            for n in 0..<3 {
                ids.append(try #require(try await mock.post(Self.batch([Self.entry("n\(n)")]), path: "/v1/messages/batches").json["id"] as? String))
            }
            let page = try await mock.request(.GET, "/v1/messages/batches?limit=2")
            #expect((page.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
            #expect(page.json["has_more"] as? Bool == true && page.json["last_id"] as? String == ids[1])
            let next = try await mock.request(.GET, "/v1/messages/batches?limit=2&after_id=\(ids[1])")
            #expect((next.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[0]])
            #expect(next.json["has_more"] as? Bool == false)
            let back = try await mock.request(.GET, "/v1/messages/batches?limit=1&before_id=\(ids[0])")
            #expect((back.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[1]], "the newer ones, nearest first")
            #expect(back.json["has_more"] as? Bool == true, "one newer still")

            let stranger = [("x-api-key", "sk-someone-else")]
            #expect(try await mock.request(.GET, "/v1/messages/batches/\(ids[0])", headers: stranger).status == 404)
            #expect((try await mock.request(.GET, "/v1/messages/batches", headers: stranger).json["data"] as? [Any])?.isEmpty == true)
            #expect(try await mock.request(.GET, "/v1/messages/batches", headers: []).status == 401)
        }
    }

    /// A rate limit refuses the batch calls too (the batch API's own limit), by
    /// chance or from a bucket of their own calls apart from the live calls';
    /// the requests inside a batch are never counted.
    @Test func rateLimitsRefuseBatchCallsFromABucketOfTheirOwn() async throws {
        try await MockFixture.with(faults: "- inject: { rate_limit: { retry_after: 2s } }\n  match: { path: /v1/messages/batches }") { mock in
            let refused = try await mock.post(Self.batch([Self.entry("a")]), path: "/v1/messages/batches")
            #expect(refused.status == 429 && refused.errorType == "rate_limit_error" && refused.header("retry-after") == "2", "\(refused.body)")
        }
        try await MockFixture.with(faults: "- inject: { rate_limit: { requests_per_minute: 2 } }", clock: ManualClock()) { mock in
            let created = try await mock.post(Self.batch((0..<3).map { Self.entry("r\($0)") }), path: "/v1/messages/batches")
            #expect(created.status == 200)
            let id = try #require(created.json["id"] as? String)
            let results = Self.results(try await mock.request(.GET, "/v1/messages/batches/\(id)/results").body)
            #expect(results.count == 3 && results.values.allSatisfy { $0["type"] as? String == "succeeded" }, "\(results)")
            #expect(try await mock.post(MockFixture.body("Hi")).status == 200, "the live calls' bucket is another")
            #expect(try await mock.post(MockFixture.body("Hi again")).status == 200)
            #expect(try await mock.post(MockFixture.body("Hi thrice")).status == 429)
            let listed = try await mock.request(.GET, "/v1/messages/batches")
            #expect(listed.status == 429 && listed.header("retry-after") != nil, "the batch calls' two a minute are spent: \(listed.body)")
        }
    }

    /// The batch calls themselves meet the faults that match their path: a
    /// create that is overloaded makes no batch.
    @Test func aFaultOnTheCreateCallMakesNoBatch() async throws {
        try await MockFixture.with(faults: "- inject: overloaded\n  match: { path: /v1/messages/batches, batch: false }") { mock in
            #expect(try await mock.post(Self.batch([Self.entry("a")]), path: "/v1/messages/batches").status == 529)
            let listed = try await mock.request(.GET, "/v1/messages/batches")
            #expect(listed.status == 529, "the list shares the path")
        }
        #expect(throws: (any Error).self) { try ScenarioLoader.parseFaults(yaml: "- inject: overloaded\n  match: { batch: sometimes }", file: "t") }
    }
}
