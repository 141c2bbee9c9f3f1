import AnthropicAPI
import Benchmark
import ChaosCore
import Faults
import Foundation
import Histogram
import MockClaude
import Results
import Scenario
import Verdicts

// Each benchmark is one hot path of the harness, measured per operation:
// the mock's per-request work (fault decision, body and SSE encoding, journal),
// the recorder's per-event work (RunLog insert, latency histogram), and the
// verdicts' per-run work (judging a million events).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    Benchmark("fault-plan decision", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let plan = Fixtures.plan
        let requests = Fixtures.faultRequests
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            blackHole(plan.decide(requests[i % requests.count]))
        }
    }

    Benchmark("JSON response encoding", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let message = MessagesResponse(
            id: "msg_0123456789", model: "claude-opus-4-7", text: Fixtures.sql, stopReason: .endTurn,
            usage: Usage(inputTokens: 412, outputTokens: 58, cacheCreationInputTokens: 0, cacheReadInputTokens: 380)
        )
        for _ in benchmark.scaledIterations { blackHole(try encoder.encode(message)) }
    }

    Benchmark("SSE event encoding", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let events: [StreamEvent] = (0..<16).map { .textDelta(index: 0, text: "token\($0) ") }
        for i in benchmark.scaledIterations { blackHole(events[i % events.count].wire) }
    }

    Benchmark("journal append", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let journal = Journal(capacity: 200_000)
        let attempt = Fixtures.attempt(0)
        for _ in benchmark.scaledIterations { blackHole(journal.append(attempt)) }
    }

    Benchmark("HdrHistogram record", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for i in benchmark.scaledIterations { blackHole(histogram.record(UInt64(1_000 + (i % 5_000) * 997))) }
    }

    // A batch of 1,000 events per transaction, as the recorder flushes them.
    Benchmark("RunLog insert (batches of 1000)", configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: .one, maxDuration: .seconds(3))) { benchmark in
        let directory = NSTemporaryDirectory() + "llmchaos-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try RunStore(path: directory + "/runlog.sqlite")
        let info = RunInfo(runID: "bench/insert", scenario: "bench", duration: .seconds(600))
        try await store.begin(info, invocation: "bench", scenarioText: "", startedAt: Date())
        let batch = (0..<1_000).map { RunEvent.upstreamAttempt(Fixtures.attempt($0)) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try await store.append(batch, runID: info.runID) }
    }

    for kind in ["backoff: { jitter: true, max_attempts: 3 }", "fallback: { from: claude-opus-4-7, to: claude-sonnet-4-5, during: storm }",
                 "slo: { p99: 10s, availability: 99% }", "silent_wrong_answers: 0"] {
        let name = String(kind.prefix { $0 != ":" })
        Benchmark("verdict \(name) over 1M events", configuration: .init(metrics: [.wallClock, .mallocCountTotal], scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 10)) { benchmark in
            let expectation = try Fixtures.expectation(kind)
            let log = Fixtures.millionEventLog
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(expectation.judge(log)) }
        }
    }
}
