import Foundation
import TestSupport
import Testing
@testable import MockClaude

/// The official anthropic Python SDK is the conformance client: it runs
/// `Tests/conformance/sdk_conformance.py` against a fresh mock on loopback.
///
/// It needs `.venv-test` (made by `scripts/setup-test-tools`, which `scripts/test`
/// runs). Without it the test is skipped — unless `LLMCHAOS_REQUIRE_TOOLS=1`, as in
/// CI, where a missing SDK is a failure.
@Suite("SDK conformance")
struct SDKConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python: String? = {
        let candidates: [String?] = [ProcessInfo.processInfo.environment["LLMCHAOS_PYTHON"], root.appendingPathComponent(".venv-test/bin/python").path]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let required = ProcessInfo.processInfo.environment["LLMCHAOS_REQUIRE_TOOLS"] == "1"

    static let checks = [
        "messages.create", "messages.create with auth_token (Authorization: Bearer)", "messages.stream get_final_message",
        "max_tokens stop_reason", "529 twice then success: 3 attempts, backed off", "429 with retry-after: 1 is honoured",
        "retries exhausted surface as APIStatusError 529", "event: error mid-stream raises", "400 for a malformed request",
        "404 NotFoundError for a base URL that already ends in /v1",
        "effort: output_config.effort sets how long adaptive thinking runs; xhigh is a BadRequestError on Opus 4.6 and, with thinking off, on Opus 5",
        "count_tokens", "models.list", "a retired model is a NotFoundError, and models.list leaves it out",
        "tool_use: a forced call is a ToolUseBlock whose input the app's Pydantic model accepts",
        "tool_use streamed: input_json_delta adds up to the same input", "tool_use agent loop: call, result, answer in text",
        "400 for a tool_use without its tool_result",
        "parallel_tool_calls: the SDK reads several calls, streamed or not, and a loop answering all of them ends",
        "thinking: a signed ThinkingBlock before the answer, streamed as thinking and signature deltas; changed thoughts handed back are refused; Opus 4.7 omits them, and its newer tokenizer counts more",
        "redacted_thinking: a RedactedThinkingBlock (a fault, or the API's test prompt), streamed whole, handed back in an agent loop that ends",
        "structured outputs: messages.parse gives the app's Pydantic model, streamed too; an off_format fault breaks the parse",
        "prefill: the answer goes on from it on Sonnet 4.5; Claude 4.6 and later refuse it, as does trailing whitespace",
        "an empty answer (quality: empty) is content [], as the API's immediate end_turn; streamed too",
        "model upgrade: Opus 4.7 refuses temperature and a thinking budget; Opus 5.5 begins with a ThinkingBlock unasked and refuses a forced tool",
        "message batches: create, poll, results (succeeded, errored by a fault, refused params), list, cancel, delete",
        "files: upload, metadata, list paged by next_page, an image file in a message counted as input, download refused, expiry, storage quota, delete",
    ]

    @Test(.enabled(if: python != nil || required, "no .venv-test: run scripts/setup-test-tools"), .timeLimit(.minutes(2)))
    func theOfficialPythonSDKWorksAgainstTheMock() async throws {
        let python = try #require(Self.python, "LLMCHAOS_REQUIRE_TOOLS=1 but no .venv-test/bin/python: run scripts/setup-test-tools")
        // The API of a day when Sonnet 4.5, which the prefill checks use, still
        // answered and Opus 4.1 no longer did.
        try await MockFixture.with(configure: { $0.apiDate = "2026-11-01"; $0.fileStorageBytes = 10_000_000 }) { mock in
            var environment = ProcessInfo.processInfo.environment
            environment["ANTHROPIC_BASE_URL"] = mock.baseURL
            environment.removeValue(forKey: "ANTHROPIC_API_KEY")
            // Waited for without blocking a thread of the cooperative pool: the SDK's
            // backoffs make this run for seconds, beside timing tests that need the pool.
            let result = try await ExternalTool.run(python, [Self.root.appendingPathComponent("Tests/conformance/sdk_conformance.py").path],
                                                    environment: environment, timeout: .seconds(100))
            let status = result.status
            let text = result.stdout + result.stderr
            for check in Self.checks {
                #expect(text.contains("PASS \(check)\n"), "\(check) did not pass:\n\(text)")
            }
            #expect(status == 0, "\(text)")
        }
    }
}
