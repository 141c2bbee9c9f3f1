import ChaosCore
import Foundation
import Testing
@testable import MockClaude

@Suite("Chaos control API")
struct ChaosControlTests {
    @Test func faultsAddedAtRunTimeApplyAndRemovedOnesStop() async throws {
        try await MockFixture.with { mock in
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
            let added = try await mock.request(.POST, "/_chaos/faults", body: """
                - name: opus-down
                  match: { model: claude-opus-4-7 }
                  inject: { status: 503 }
                """, headers: [])
            #expect(added.status == 201)
            #expect(added.json["added"] as? [String] == ["opus-down"])
            let listed = try await mock.request(.GET, "/_chaos/faults", headers: [])
            let faults = try #require(listed.json["faults"] as? [[String: Any]])
            #expect(faults.map { $0["name"] as? String } == ["opus-down"])
            #expect(faults.first?["active"] as? Bool == true)
            #expect(try await mock.post(MockFixture.body("hi")).status == 503)
            let removed = try await mock.request(.DELETE, "/_chaos/faults/opus-down", headers: [])
            #expect(removed.status == 200)
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
            #expect(try await mock.request(.DELETE, "/_chaos/faults/opus-down", headers: []).status == 404)
        }
    }

    @Test func aBadFaultIsRefusedWithEveryProblemAndItsLine() async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.request(.POST, "/_chaos/faults", body: """
                - name: a
                  inject: { overloadd: {} }
                - name: b
                  at: 10
                  inject: { latency: { first_tokn: 1s } }
                """, headers: [])
            #expect(reply.status == 400)
            let errors = try #require(reply.json["errors"] as? [String])
            #expect(errors.contains { $0.hasPrefix("body:2:") && $0.contains("did you mean 'overloaded'") })
            #expect(errors.contains { $0.hasPrefix("body:4:") && $0.contains("has no unit") })
            #expect(errors.contains { $0.hasPrefix("body:5:") && $0.contains("did you mean 'first_token'") })
            #expect(try await mock.request(.GET, "/_chaos/faults", headers: []).json["faults"] as? [Any] != nil)
        }
    }

    @Test func windowsOfRunTimeFaultsCountFromWhenTheyWereAdded() async throws {
        let clock = ManualClock()
        try await MockFixture.with(clock: clock) { mock in
            clock.advance(by: .seconds(100))
            _ = try await mock.request(.POST, "/_chaos/faults", body: #"{"name":"later","at":"10s","for":"5s","inject":{"overloaded":{}}}"#, headers: [])
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
            clock.advance(by: .seconds(10))
            #expect(try await mock.post(MockFixture.body("hi")).status == 529)
            clock.advance(by: .seconds(5))
            #expect(try await mock.post(MockFixture.body("hi")).status == 200)
        }
    }

    @Test func theJournalPagesAndResetClearsIt() async throws {
        try await MockFixture.with { mock in
            for i in 0..<5 { _ = try await mock.post(MockFixture.body("question \(i)")) }
            let page = try await mock.request(.GET, "/_chaos/journal?after=2&limit=2", headers: [])
            let entries = try #require(page.json["entries"] as? [[String: Any]])
            #expect(entries.map { $0["sequence"] as? Int } == [3, 4])
            #expect(page.json["last_sequence"] as? Int == 5)
            #expect(try await mock.request(.POST, "/_chaos/reset", headers: []).status == 200)
            #expect(try await mock.journalEntries().isEmpty)
            let health = try await mock.request(.GET, "/_chaos/health", headers: [])
            #expect(health.json["status"] as? String == "ok")
        }
    }

    @Test func aControlTokenIsRequiredWhenSet() async throws {
        try await MockFixture.with(configure: { $0.controlToken = "s3cret" }) { mock in
            let denied = try await mock.request(.GET, "/_chaos/faults", headers: [])
            #expect(denied.status == 401)
            let allowed = try await mock.request(.GET, "/_chaos/faults", headers: [("authorization", "Bearer s3cret")])
            #expect(allowed.status == 200)
        }
    }

    @Test func metricsCountRequestsAndFaultsInPrometheusFormat() async throws {
        try await MockFixture.with(faults: "- inject: { overloaded: {} }\n  match: { model: claude-opus-4-7 }") { mock in
            _ = try await mock.post(MockFixture.body("hi"))
            _ = try await mock.post(MockFixture.body("hi", model: "claude-sonnet-4-5"))
            let metrics = try await mock.request(.GET, "/metrics", headers: []).body
            #expect(metrics.contains(#"llmchaos_mock_requests_total{endpoint="messages",status="529"} 1"#))
            #expect(metrics.contains(#"llmchaos_mock_requests_total{endpoint="messages",status="200"} 1"#))
            #expect(metrics.contains(#"llmchaos_mock_faults_injected_total{kind="overloaded"} 1"#))
            #expect(metrics.contains("llmchaos_mock_request_duration_seconds_count 2"))
        }
    }

    @Test func loopbackIsRecognised() {
        #expect(ChaosControlRoutes.isLoopback(try? .init(ipAddress: "127.0.0.1", port: 1)))
        #expect(ChaosControlRoutes.isLoopback(try? .init(ipAddress: "::1", port: 1)))
        #expect(!ChaosControlRoutes.isLoopback(try? .init(ipAddress: "10.1.2.3", port: 1)))
        #expect(!ChaosControlRoutes.isLoopback(try? .init(ipAddress: "192.168.0.9", port: 1)))
    }
}

extension ChaosControlTests {
    @Test func healthCountsRequestsInFlightUntilTheirBodyIsDone() async throws {
        let clock = ManualClock()
        try await MockFixture.with(faults: "- inject: { stall: { after_deltas: 1, cap: 1m } }", clock: clock) { mock in
            let stream = Task { try await mock.stream(MockFixture.body("Tell me about the quarter.", stream: true)) }
            await clock.sleepers(atLeast: 1)
            #expect(try await mock.request(.GET, "/_chaos/health", headers: []).json["in_flight"] as? Int == 1)
            clock.advance(by: .seconds(60))
            _ = try await stream.value
            // The server lets go of a dropped body just after the client sees the drop:
            // look again (each look a round trip, bounded) until it has.
            var inFlight = -1
            for _ in 0..<200 where inFlight != 0 {
                inFlight = try await mock.request(.GET, "/_chaos/health", headers: []).json["in_flight"] as? Int ?? -1
            }
            #expect(inFlight == 0)
        }
    }
}
