import Foundation
import Testing
@testable import MockClaude

/// Models the API no longer serves: a fallback tier that still names one works
/// until the day an outage needs it. The mock plays the API of a day.
@Suite("Retired models over loopback HTTP")
struct RetirementTests {
    static func body(_ model: String) -> String {
        #"{"model":"\#(model)","max_tokens":50,"messages":[{"role":"user","content":"How many regions do we operate in?"}]}"#
    }

    @Test(arguments: [true, false])
    func aModelRetiredByTheAPIsDayIsA404(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath; $0.apiDate = "2026-12-02" }) { mock in
            for model in ["claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-opus-4-1", "claude-sonnet-4-20250514", "claude-3-haiku-20240307"] {
                let reply = try await mock.post(Self.body(model))
                #expect(reply.status == 404, "\(model)")
                #expect(reply.errorType == "not_found_error" && reply.errorMessage == "model: \(model)", "\(reply.body)")
                let counted = try await mock.post(#"{"model":"\#(model)","messages":[{"role":"user","content":"hi"}]}"#, path: "/v1/messages/count_tokens")
                #expect(counted.status == 404, "count_tokens too: \(model)")
            }
            // Opus 4.9 is no model the table knows, not a snapshot of retired Opus 4.
            for model in ["claude-sonnet-4-6", "claude-opus-4-7", "claude-haiku-4-5", "claude-sonnet-5-5", "claude-opus-4-9"] {
                #expect(try await mock.post(Self.body(model)).status == 200, "\(model) is still served")
            }
        }
    }

    /// The day before Sonnet 4.5's retirement it answers and is listed; the day of it, neither.
    @Test func theAPIsDayDecidesWhatIsServedAndListed() async throws {
        for (day, served) in [("2026-11-29", true), ("2026-11-30", false)] {
            try await MockFixture.with(configure: { $0.apiDate = day }) { mock in
                #expect(try await mock.post(Self.body("claude-sonnet-4-5")).status == (served ? 200 : 404), "\(day)")
                let listed = try await mock.request(.GET, "/v1/models?limit=100")
                let ids = (listed.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(ids.contains("claude-sonnet-4-5") == served && ids.contains("claude-sonnet-4-6"), "\(day): \(ids)")
                #expect(!ids.contains("claude-opus-4-1"), "retired in August")
                #expect(try await mock.request(.GET, "/v1/models/claude-sonnet-4-5").status == (served ? 200 : 404))
            }
        }
        try await MockFixture.with { mock in
            let reply = try await mock.post(Self.body("claude-opus-4-1"))
            #expect(reply.status == 200, "no day set: every model the catalog knows is served")
        }
    }
}
