import Foundation
import TestSupport
import Testing

/// `llmchaos pipeline serve --spans FILE`, read back by the OpenTelemetry protobuf
/// definitions (Python `opentelemetry-proto`, in `.venv-test`) the way a collector's
/// file receiver reads it. Skipped without `.venv-test` unless LLMCHAOS_REQUIRE_TOOLS=1.
@Suite(.timeLimit(.minutes(1)))
struct TraceFileTests {
    @Test(.enabled(if: SchemaConformanceTests.python != nil || SchemaConformanceTests.required, "no .venv-test: run scripts/setup-test-tools"))
    func pipelineServeWritesTracesACollectorReads() async throws {
        let python = try #require(SchemaConformanceTests.python, "LLMCHAOS_REQUIRE_TOOLS=1 but no .venv-test/bin/python: run scripts/setup-test-tools")
        let traces = NSTemporaryDirectory() + "llmchaos-traces-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: traces) }

        let mock = try CLIProcess(["mock", "--port", "0", "--quiet"])
        let mockLine = try #require(await mock.line(containing: "listening on "))
        let mockURL = try #require(mockLine.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init))
        let pipeline = try CLIProcess(["pipeline", "serve", "--upstream", mockURL, "--port", "0", "--spans", traces])
        let pipelineLine = try #require(await pipeline.line(containing: "llmchaos pipeline listening on "))
        let base = try #require(pipelineLine.split(separator: " ").first { $0.hasPrefix("http://") }.map { String($0.dropLast($0.hasSuffix(",") ? 1 : 0)) })

        _ = try await CLIProcess.curl(["-s", "\(base)/query", "-d", #"{"question": "What is the total revenue by region?"}"#])
        _ = try await CLIProcess.curl(["-s", "\(base)/admin/flags", "-d", #"{"disable_model": "claude-opus-4-7"}"#])
        _ = try await CLIProcess.curl(["-s", "\(base)/query", "-d", #"{"question": "How many regions do we operate in?"}"#])
        pipeline.signal(SIGTERM)
        mock.signal(SIGTERM)
        #expect(await pipeline.status() == 0)
        _ = await mock.status()

        let checker = CLIProcess.root.appendingPathComponent("Tests/fixtures/check_otlp.py").path
        let result = try await ExternalTool.run(python, [checker, traces])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        #expect(summary["problems"] as? [String] == [], "\(summary)")
        #expect(summary["lines"] as? Int == 2)
        #expect(summary["traces"] as? Int == 2)
        let names = summary["names"] as? [String] ?? []
        #expect(names == ["answer", "execute", "generate_sql", "model_call", "validate", "validate_input"])
    }

    @Test func aSpansFileThatCannotBeWrittenIsAUsageError() async throws {
        let result = try await CLIProcess.run(["pipeline", "serve", "--upstream", "http://127.0.0.1:9", "--port", "0", "--spans", "/no/such/folder/traces.jsonl"])
        #expect(result.status == 2)
        #expect(result.err.contains("--spans: cannot write /no/such/folder/traces.jsonl"), "\(result.err)")
    }
}
