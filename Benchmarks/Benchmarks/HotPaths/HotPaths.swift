import AnthropicAPI
import Benchmark
import ChaosCore
import Faults
import Foundation
import Histogram
import MockClaude
import NIOCore
import Results
import Scenario
import Verdicts
import Workload

// Each benchmark is one hot path of the harness, measured per operation:
// the mock's per-request work (fault decision, body and SSE encoding, journal),
// the recorder's per-event work (RunLog insert, latency histogram), and the
// verdicts' per-run work (judging a million events).
//
// LLMCHAOS_BENCH_SMOKE=1 (the CI smoke) runs every benchmark a few times on small
// inputs: it proves they run, and its figures mean nothing.
let smoke = ProcessInfo.processInfo.environment["LLMCHAOS_BENCH_SMOKE"] != nil

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: smoke ? [.throughput, .wallClock] : [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: smoke ? 1 : 3,
        maxDuration: smoke ? .milliseconds(200) : .seconds(2),
        maxIterations: smoke ? 5 : 100_000
    )

    Benchmark("fault-plan decision", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let plan = Fixtures.plan
        let requests = Fixtures.faultRequests
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            blackHole(plan.decide(requests[i % requests.count]))
        }
    }

    // A whole request as `compare`'s wrk sends it, through the mock's HTTP decoder,
    // fast path and answer, in memory: the mock's own work per request, without the
    // loopback and the other processes that make the wrk figure move by 10 %.
    Benchmark("mock answer, in memory (HTTP in, HTTP out)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let connection = try MockServer(configuration: MockConfiguration(), dataset: Fixtures.dataset).embeddedConnection()
        let request = ByteBuffer(string: Fixtures.wrkRequest)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try connection.exchange(request)) }
    }

    // What the mock sends, and the JSONEncoder output it is tested byte-identical to.
    Benchmark("JSON response encoding", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(Fixtures.response.jsonText) }
    }

    Benchmark("JSON response encoding (JSONEncoder, for comparison)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for _ in benchmark.scaledIterations { blackHole(try encoder.encode(Fixtures.response)) }
    }

    Benchmark("JSON request decoding", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let body = Array(Fixtures.requestBody.utf8)
        for _ in benchmark.scaledIterations { blackHole(body.withUnsafeBufferPointer { MessagesRequest.fastDecode($0) }) }
    }

    // Thinking handed back: read by the fast reader, and by JSONDecoder, which
    // read every request with thinking before.
    Benchmark("JSON request decoding, thinking", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let body = Array(Fixtures.thinkingRequestBody.utf8)
        for _ in benchmark.scaledIterations { blackHole(body.withUnsafeBufferPointer { MessagesRequest.fastDecode($0) }) }
    }

    Benchmark("JSON request decoding, thinking, with JSONDecoder", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let body = Data(Fixtures.thinkingRequestBody.utf8)
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(MessagesRequest.self, from: body)) }
    }

    // An agent's request with tools, by the fast reader and by JSONDecoder, which
    // read every request with tools before.
    // A document-heavy prompt: the string scan over the data is the cost.
    Benchmark("JSON request decoding, 1 MB base64 image", configuration: .init(scalingFactor: .one)) { benchmark in
        let body = Array(Fixtures.imageRequestBody.utf8)
        for _ in benchmark.scaledIterations { blackHole(body.withUnsafeBufferPointer { MessagesRequest.fastDecode($0) }) }
    }

    Benchmark("JSON request decoding, tools", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let body = Array(Fixtures.toolRequestBody.utf8)
        for _ in benchmark.scaledIterations { blackHole(body.withUnsafeBufferPointer { MessagesRequest.fastDecode($0) }) }
    }

    Benchmark("JSON request decoding, tools, with JSONDecoder", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let body = Data(Fixtures.toolRequestBody.utf8)
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(MessagesRequest.self, from: body)) }
    }

    // What the mock asks of every prompt it answers, over 100 KB of context with one
    // non-ASCII character: until session 23, Foundation's `contains` per golden
    // question and Unicode's tables over the whole text.
    Benchmark("golden-question match, 100 KB prompt", configuration: .init(scalingFactor: .one)) { benchmark in
        let matcher = QuestionMatcher()
        let prompt = Fixtures.longPrompt
        for _ in benchmark.scaledIterations { blackHole(matcher.match(prompt)) }
    }

    Benchmark("token count, 100 KB prompt", configuration: .init(scalingFactor: .one)) { benchmark in
        let prompt = Fixtures.longPrompt
        for _ in benchmark.scaledIterations { blackHole(Tokenizer.claude47.count(prompt)) }
    }

    // As the mock streams: each event's bytes built in one small array, which
    // the mock then copies into the batch it writes.
    Benchmark("SSE event encoding", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let events: [StreamEvent] = (0..<16).map { .textDelta(index: 0, text: "token\($0) ") }
        for i in benchmark.scaledIterations {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(128)
            events[i % events.count].appendWire(to: &bytes)
            blackHole(bytes)
        }
    }

    // A full journal, as after the first 200,000 requests of a long run: each entry
    // kept drops the oldest.
    Benchmark("journal append", configuration: .init(scalingFactor: .kilo)) { (benchmark, journal: Journal) in
        let attempt = Fixtures.attempt(0)
        for _ in benchmark.scaledIterations { blackHole(journal.append(attempt)) }
    } setup: {
        let journal = Journal(capacity: 200_000)
        for i in 0..<200_000 { journal.append(Fixtures.attempt(i % 1_000)) }
        return journal
    }

    // What the harness reads four times a second once a long run has filled the journal.
    Benchmark("journal read, 1000 new of 200000 kept", configuration: .init(scalingFactor: .one)) { (benchmark, journal: Journal) in
        for _ in benchmark.scaledIterations { blackHole(journal.entries(after: 200_000)) }
    } setup: {
        let journal = Journal(capacity: 200_000)
        for i in 0..<201_000 { journal.append(Fixtures.attempt(i % 1_000)) }
        return journal
    }

    Benchmark("HdrHistogram record", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for i in benchmark.scaledIterations { blackHole(histogram.record(UInt64(1_000 + (i % 5_000) * 997))) }
    }

    // A batch of 1,000 events per transaction, as the recorder flushes them.
    Benchmark("RunLog insert (batches of 1000)", configuration: .init(metrics: [.throughput, .wallClock], scalingFactor: .one, maxDuration: .seconds(smoke ? 1 : 3), maxIterations: smoke ? 2 : 100_000)) { benchmark in
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
        let metrics: [BenchmarkMetric] = smoke ? [.wallClock] : [.wallClock, .mallocCountTotal]
        Benchmark("verdict \(name) over \(smoke ? "10k" : "1M") events", configuration: .init(metrics: metrics, scalingFactor: .one, maxDuration: .seconds(smoke ? 1 : 5), maxIterations: smoke ? 2 : 10)) { benchmark in
            let expectation = try Fixtures.expectation(kind)
            let log = Fixtures.eventLog
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(expectation.judge(log)) }
        }
    }
}
