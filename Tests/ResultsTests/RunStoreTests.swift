import ChaosCore
import Foundation
import Results
import Testing
import Verdicts

func sampleLog(runID: String = "inv/sample") -> RunLog {
    var log = RunLog(info: RunInfo(runID: runID, scenario: "sample", file: "s.yaml", seed: 3, timeScale: 60, duration: .seconds(120)))
    log.phases = [PhaseRecord(kind: .fault, name: "storm <&>", start: .seconds(30), end: .seconds(60))]
    log.requests = (0..<20).map {
        RequestRecord(index: $0, requestID: "r\($0)", scheduled: .seconds(Double($0) * 6), finished: .seconds(Double($0) * 6 + 1.5),
                      outcome: $0 % 7 == 0 ? .error : .ok, servedBy: $0 % 2 == 0 ? "claude-opus-4-7" : "claude-sonnet-4-5", grade: .right)
    }
    log.attempts = [UpstreamAttempt(sequence: 1, at: .seconds(1), path: "/v1/messages", model: "claude-opus-4-7", provider: "anthropic",
                                    requestID: "r0", attempt: 1, correlation: "header", stream: false, status: 529, ending: "error",
                                    latency: .milliseconds(12), responseID: "req_1", retryAfter: .seconds(2))]
    log.alerts = [AlertRecord(name: "HighErrorRate", state: .firing, at: .seconds(35), value: 0.5, threshold: 0.05)]
    log.quality = [QualityRecord(at: .seconds(40), requestID: "r4", model: "claude-opus-4-7", score: 0, method: "execution", rollingScore: 0.5)]
    return log
}

@Suite struct RunStoreTests {
    @Test func storedInvocationsAreListedNewestFirstWithWhatHeld() async throws {
        let path = NSTemporaryDirectory() + "llmchaos-store-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try RunStore(path: path)
        let held = Verdict(kind: "slo", expectation: "p99 ≤ 1s", passed: true, measured: "p99 0.5s")
        let missed = Verdict(kind: "slo", expectation: "p99 ≤ 1s", passed: false, measured: "p99 1.5s")
        let runs: [(String, String, RunInfo.Status, [Verdict], TimeInterval)] = [
            ("20261123-100000-aaaa", "calm", .completed, [held, held], 0),
            ("20261123-100000-aaaa", "storm", .aborted, [missed, held], 60),
            ("20261123-110000-bbbb", "dead", .notStarted, [], 3600),
        ]
        for (invocation, scenario, status, verdicts, offset) in runs {
            let info = RunInfo(runID: "\(invocation)/\(scenario)", scenario: scenario, duration: .seconds(60), status: status)
            try await store.begin(info, invocation: invocation, scenarioText: "name: \(scenario)\n", startedAt: Date(timeIntervalSince1970: 1_795_000_000 + offset))
            try await store.saveVerdicts(verdicts, runID: info.runID)
        }
        let listed = try await store.recentInvocations()
        #expect(listed.map(\.description) == [
            "20261123-110000-bbbb  2026-11-18 12:06 UTC  0/0 held, 1 not started  dead",
            "20261123-100000-aaaa  2026-11-18 11:06 UTC  3/4 held, 1 aborted  calm, storm",
        ])
    }

    /// An attempt set aside (it failed while the harness was short of CPU, and was
    /// run again) is still stored, and readable by its id, but its invocation's
    /// runs and counts are the attempts that count.
    @Test func anAttemptSetAsideIsLeftOutOfItsInvocation() async throws {
        let path = NSTemporaryDirectory() + "llmchaos-store-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try RunStore(path: path)
        let held = Verdict(kind: "slo", expectation: "p99 ≤ 1s", passed: true, measured: "p99 0.5s")
        let missed = Verdict(kind: "slo", expectation: "p99 ≤ 1s", passed: false, measured: "p99 1.5s")
        let runs: [(String, RunInfo.Status, Verdict, TimeInterval)] = [
            ("20261123-100000-aaaa/calm", .superseded, missed, 0), ("20261123-100000-aaaa/calm#2", .completed, held, 10),
        ]
        for (runID, status, verdict, offset) in runs {
            let info = RunInfo(runID: runID, scenario: "calm", duration: .seconds(60), status: status)
            try await store.begin(info, invocation: "20261123-100000-aaaa", scenarioText: "name: calm\n", startedAt: Date(timeIntervalSince1970: 1_795_000_000 + offset))
            try await store.saveVerdicts([verdict], runID: runID)
        }
        #expect(try await store.runIDs(matching: "20261123-100000-aaaa") == ["20261123-100000-aaaa/calm#2"])
        #expect(try await store.runIDs(matching: "20261123-100000-aaaa/calm") == ["20261123-100000-aaaa/calm"])
        #expect(try await store.recentInvocations().map(\.description) == ["20261123-100000-aaaa  2026-11-18 11:06 UTC  1/1 held, 1 run again (short of CPU)  calm"])
        #expect(try await store.load(runID: "20261123-100000-aaaa/calm")?.log.info.status == .superseded)
    }

    @Test func aRunReadsBackAsItWasWritten() async throws {
        let path = NSTemporaryDirectory() + "llmchaos-store-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try RunStore(path: path)
        let log = sampleLog()
        var running = log.info
        running.status = .running
        try await store.begin(running, invocation: "inv", scenarioText: "name: sample\n", startedAt: Date())
        let recorder = RunRecorder(store: store, info: running)
        for event in log.phases.map(RunEvent.phase) + log.requests.map(RunEvent.requestFinished) { recorder.record(event) }
        await recorder.flush()
        for event in log.attempts.map(RunEvent.upstreamAttempt) + log.alerts.map(RunEvent.alert) + log.quality.map(RunEvent.qualitySample) { recorder.record(event) }
        await recorder.flush()
        #expect(recorder.writeError == nil)
        var judged = log
        judged.info = running
        #expect(recorder.log == judged, "what the verdicts judge is what was recorded, in its order (20 requests)")

        // Killed before finishing: what was flushed is there, and the run is marked aborted.
        try await store.markAbandonedRunsAborted()
        let aborted = try #require(try await store.load(runID: log.info.runID))
        #expect(aborted.log.info.status == .aborted)
        #expect(aborted.log.requests == log.requests)

        try await store.finish(log.info)
        let verdict = Verdict(kind: "slo", expectation: "p99 ≤ 1s", passed: false, measured: "p99 1.5s")
        try await store.saveVerdicts([verdict], runID: log.info.runID)
        let stored = try #require(try await store.load(runID: log.info.runID))
        #expect(stored.log == log)
        #expect(stored.scenarioText == "name: sample\n")
        #expect(stored.verdicts == [verdict])
        #expect(try await store.runIDs(matching: "inv") == ["inv/sample"])
        #expect(try await store.runIDs(matching: "inv/sample") == ["inv/sample"])
        #expect(try await store.runIDs(matching: "nope").isEmpty)
    }

    /// Events go in many rows a statement; a batch that is not a whole number of
    /// statements, and batches one after another, still read back in order.
    @Test(arguments: [1, 63, 64, 65, 150])
    func eventsReadBackInTheOrderTheyWereAppended(count: Int) async throws {
        let path = NSTemporaryDirectory() + "llmchaos-store-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try RunStore(path: path)
        let info = RunInfo(runID: "inv/order", scenario: "order", duration: .seconds(60))
        try await store.begin(info, invocation: "inv", scenarioText: "", startedAt: Date())
        // Out of time order on purpose: what is kept is the order of appending.
        let requests = (0..<count).map { RequestRecord(index: $0, requestID: "r\($0)", scheduled: .seconds(Double(count - $0)), finished: .seconds(Double(count - $0) + 1), outcome: .ok) }
        try await store.append(requests.prefix(count / 2).map(RunEvent.requestFinished), runID: info.runID)
        try await store.append(requests.dropFirst(count / 2).map(RunEvent.requestFinished), runID: info.runID)
        let stored = try #require(try await store.load(runID: info.runID))
        #expect(stored.log.requests.map(\.index) == Array(0..<count))
        #expect(stored.log.requests == requests)
    }
}
