import Foundation
import Testing
@testable import MockClaude

/// `stop_sequences`: the answer ends before the first one it would write.
@Suite("Stop sequences over loopback HTTP")
struct StopSequenceTests {
    static func body(_ sequences: [String], maxTokens: Int = 400, stream: Bool = false) -> String {
        let object: [String: Any] = ["model": "claude-opus-4-7", "max_tokens": maxTokens, "stream": stream, "stop_sequences": sequences,
                                     "messages": [["role": "user", "content": "What is the total revenue by region?"]]]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test(arguments: [true, false])
    func theAnswerEndsBeforeTheFirstSequenceItContains(fastPath: Bool) async throws {
        try await MockFixture.with(configure: { $0.fastPath = fastPath }) { mock in
            let whole = try await mock.post(Self.body([]))
            let full = whole.text
            let from = try #require(full.range(of: "FROM"), "\(full)")
            // Listed second but written first: FROM comes before GROUP BY.
            let stopped = try await mock.post(Self.body(["GROUP BY", "FROM", "never written"]))
            #expect(stopped.text == String(full[..<from.lowerBound]))
            #expect(stopped.json["stop_reason"] as? String == "stop_sequence")
            #expect(stopped.json["stop_sequence"] as? String == "FROM")
            let stream = try await mock.stream(Self.body(["GROUP BY", "FROM"], stream: true))
            #expect(stream.text == stopped.text)
            let delta = stream.data(of: "message_delta")["delta"] as? [String: Any]
            #expect(delta?["stop_reason"] as? String == "stop_sequence" && delta?["stop_sequence"] as? String == "FROM", "\(String(describing: delta))")
            let absent = try await mock.post(Self.body(["never written"]))
            #expect(absent.text == full && absent.json["stop_reason"] as? String == "end_turn")
            #expect(absent.json["stop_sequence"] is NSNull)
        }
    }

    /// Whichever comes first wins: here max_tokens, before the sequence is reached.
    @Test func maxTokensBeforeTheSequenceStopsAtMaxTokens() async throws {
        try await MockFixture.with { mock in
            let reply = try await mock.post(Self.body(["GROUP BY"], maxTokens: 3))
            #expect(reply.json["stop_reason"] as? String == "max_tokens")
            #expect(reply.json["stop_sequence"] is NSNull)
        }
    }
}
