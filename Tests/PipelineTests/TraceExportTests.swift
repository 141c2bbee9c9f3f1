import ChaosCore
import Foundation
import Synchronization
import Testing
import Workload
@testable import Pipeline

@Suite("Spans and their OTLP/JSON export")
struct TraceExportTests {
    let q = PipelineFixture.question("revenue-by-region")

    /// Opus fails three times, Sonnet serves: the trace shows every step, every
    /// attempt under the generate_sql of its model, and the failures as errors.
    @Test func aFallbackIsATraceOfEveryStepAndAttempt() async throws {
        let lines = Mutex<[String]>([])
        try await PipelineFixture.with(
            faults: "- inject: { overloaded: {} }\n  match: { model: claude-opus-4-7 }",
            configure: { $0.spans = { line in lines.withLock { $0.append(line) } } }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "t1")
            #expect(outcome.servedBy == "claude-sonnet-4-6")
            #expect(outcome.steps.map(\.name) == [
                "validate_input", "model_call", "model_call", "model_call", "generate_sql",
                "model_call", "generate_sql", "validate", "execute",
            ])
            #expect(outcome.steps.map(\.succeeded) == [true, false, false, false, false, true, true, true, true])
            #expect(outcome.steps[4].attributes["model"] == "claude-opus-4-7")
            #expect(outcome.steps[4].detail == "529 overloaded_error")
            #expect(outcome.steps[6].detail == "1 attempt")
        }
        let line = try #require(lines.withLock { $0 }.first)
        #expect(!line.contains("\n"), "one answer, one line")
        let spans = try Self.spans(of: line)
        #expect(spans.count == 10)
        let root = try #require(spans.first { $0["name"] as? String == "answer" })
        #expect(root["parentSpanId"] == nil)
        #expect((root["traceId"] as? String)?.count == 32)
        #expect(spans.allSatisfy { $0["traceId"] as? String == root["traceId"] as? String })
        #expect(Set(spans.compactMap { $0["spanId"] as? String }).count == 10, "span ids are distinct")
        #expect(spans.allSatisfy { ($0["spanId"] as? String)?.count == 16 })

        func parent(of span: [String: Any]) -> [String: Any]? {
            spans.first { $0["spanId"] as? String == span["parentSpanId"] as? String }
        }
        let calls = spans.filter { $0["name"] as? String == "model_call" }
        #expect(calls.map { parent(of: $0)?["name"] as? String } == Array(repeating: "generate_sql", count: 4))
        #expect(calls.map { Self.attribute("llmchaos.model", of: parent(of: $0) ?? [:]) } == ["claude-opus-4-7", "claude-opus-4-7", "claude-opus-4-7", "claude-sonnet-4-6"])
        #expect(calls.map { Self.attribute("llmchaos.attempt", of: $0) } == ["1", "2", "3", "4"])
        #expect(calls.map { ($0["status"] as? [String: Any])?["code"] as? Int } == [2, 2, 2, 1])
        let others = spans.filter { !["answer", "model_call"].contains($0["name"] as? String) }
        #expect(others.allSatisfy { $0["parentSpanId"] as? String == root["spanId"] as? String })
        // Children lie inside the answer, in real nanoseconds.
        let start = try #require(UInt64(root["startTimeUnixNano"] as? String ?? "")), end = try #require(UInt64(root["endTimeUnixNano"] as? String ?? ""))
        #expect(start < end)
        for span in spans {
            let s = try #require(UInt64(span["startTimeUnixNano"] as? String ?? "")), e = try #require(UInt64(span["endTimeUnixNano"] as? String ?? ""))
            #expect(start <= s && s <= e && e <= end + 1_000, "\(span["name"] ?? "")")
        }
        #expect(Self.attribute("llmchaos.served_by", of: root) == "claude-sonnet-4-6")
    }

    /// Nothing could answer: the answer span is an error and says why.
    @Test func anHonestUnavailableIsAnErrorTrace() async throws {
        let lines = Mutex<[String]>([])
        try await PipelineFixture.with(
            faults: "- inject: { status: 500 }",
            configure: { $0.spans = { line in lines.withLock { $0.append(line) } } }
        ) { pipeline, _ in
            let outcome = await pipeline.answer(question: q.question, requestID: "t2")
            #expect(outcome.servedBy == "degraded")
            #expect(outcome.steps.map(\.name).filter { $0 != "model_call" } == ["validate_input", "generate_sql", "generate_sql", "cache"])
        }
        let spans = try Self.spans(of: try #require(lines.withLock { $0 }.first))
        let root = try #require(spans.first { $0["name"] as? String == "answer" })
        let status = root["status"] as? [String: Any]
        #expect(status?["code"] as? Int == 2)
        #expect((status?["message"] as? String)?.hasPrefix("temporarily unavailable") == true)
        let cache = try #require(spans.first { $0["name"] as? String == "cache" })
        #expect(Self.attribute("llmchaos.detail", of: cache) == "miss")
    }

    static func spans(of line: String) throws -> [[String: Any]] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let resource = try #require((json["resourceSpans"] as? [[String: Any]])?.first)
        let service = ((resource["resource"] as? [String: Any])?["attributes"] as? [[String: Any]])?.first
        #expect(service?["key"] as? String == "service.name")
        let scope = try #require((resource["scopeSpans"] as? [[String: Any]])?.first)
        return try #require(scope["spans"] as? [[String: Any]])
    }

    static func attribute(_ key: String, of span: [String: Any]) -> String? {
        let attributes = span["attributes"] as? [[String: Any]] ?? []
        guard let value = attributes.first(where: { $0["key"] as? String == key })?["value"] as? [String: Any] else { return nil }
        return value["stringValue"] as? String ?? value["intValue"] as? String
    }
}
