import AnthropicAPI
import Faults
import Foundation
import NIOCore
import Testing
@testable import MockClaude

/// The script both stream players follow, step by step.
@Suite("Stream script")
struct StreamScriptTests {
    /// Each step in words: the events a write carries (a delta with its text),
    /// a pause in milliseconds, or how the stream ends.
    static func steps(
        _ text: String, answer: PlannedAnswer? = nil, delays: FaultEffect.Delays = .init(),
        breakage: (FaultEffect.StreamBreak, FaultEffect.BreakPoint)? = nil
    ) -> [String] {
        var script = StreamScript(
            opening: .messageStart(id: "msg_1", model: "claude-opus-4-7", inputTokens: 9), thinkingSignature: "EuQ=",
            answer: answer ?? PlannedAnswer(kind: .generic, text: text), delays: delays, breakage: breakage,
            tokensPerDelta: 3, pingInterval: .milliseconds(40)
        )
        var seen: [String] = []
        while true {
            switch script.next() {
            case let .write(bytes):
                let events = String(buffer: bytes).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { event in
                    let name = event.components(separatedBy: "\n")[0].replacingOccurrences(of: "event: ", with: "")
                    guard name == "content_block_delta" else { return name }
                    let data = Data(event.components(separatedBy: "\ndata: ")[1].utf8)
                    let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
                    let delta = object["delta"] as! [String: Any]
                    return "delta(\((delta["text"] ?? delta["thinking"] ?? delta["signature"]) as! String))"
                }
                seen.append("write " + events.joined(separator: " "))
            case let .pause(duration):
                seen.append("pause \(Int(duration.milliseconds.rounded()))ms")
            case let .end(ending):
                seen.append("end \(ending)")
                return seen
            }
        }
    }

    @Test func deltasOfThreePiecesArePacedAndLongWaitsCarryPings() {
        // Pieces: SELE CT ␣SUM | ( reve nue | ) ␣FROM ␣sale | s
        #expect(Self.steps("SELECT SUM(revenue) FROM sales", delays: .init(firstToken: .milliseconds(100), perToken: .milliseconds(10))) == [
            "write message_start content_block_start ping",
            "pause 40ms", "write ping", "pause 40ms", "write ping", "pause 20ms",
            "write delta(SELECT SUM)", "pause 30ms",
            "write delta((revenue)", "pause 30ms",
            "write delta() FROM sale)", "pause 10ms",
            "write delta(s) content_block_stop message_delta message_stop",
            "end finish(ending: \"complete\", errorType: nil)",
        ])
    }

    @Test func withoutPausesTheWholeStreamIsOneWrite() {
        #expect(Self.steps("Hi there") == [
            "write message_start content_block_start ping delta(Hi there) content_block_stop message_delta message_stop",
            "end finish(ending: \"complete\", errorType: nil)",
        ])
    }

    @Test func anErrorEventEndsTheStreamWhereTheBreakPointSays() {
        let steps = Self.steps("SELECT SUM(revenue) FROM sales", breakage: (.error(.overloaded, message: "Overloaded"), .deltas(2)))
        #expect(steps == [
            "write message_start content_block_start ping delta(SELECT SUM) delta((revenue) error",
            "end finish(ending: \"stream_error\", errorType: Optional(\"overloaded_error\"))",
        ])
    }

    @Test func aBreakAfterEveryDeltaComesInsteadOfTheClosingEvents() {
        let steps = Self.steps("SELECT SUM(revenue)", delays: .init(perToken: .milliseconds(5)), breakage: (.stall(.seconds(60)), .fraction(1)))
        #expect(steps == [
            "write message_start content_block_start ping delta(SELECT SUM)", "pause 15ms",
            "write delta((revenue)", "pause 5ms",
            "write delta())",
            "end stall(cap: 60.0 seconds)",
        ])
    }

    /// No text block for no text, as the API streams an immediate end of turn.
    @Test func anEmptyAnswerStillWaitsForItsFirstToken() {
        #expect(Self.steps("", delays: .init(firstToken: .milliseconds(30))) == [
            "write message_start ping", "pause 30ms",
            "write message_delta message_stop",
            "end finish(ending: \"complete\", errorType: nil)",
        ])
    }

    /// Encrypted thinking has no deltas: its block is whole at once, and the
    /// answer's first token waits as long as writing the thoughts would have taken.
    @Test func redactedThinkingIsWholeAtOnceAndTheAnswerWaitsItsTime() {
        var answer = PlannedAnswer(kind: .generic, text: "Hi there")
        answer.thinking = "Let me think about it."
        answer.thinkingForm = .redacted
        let delays = FaultEffect.Delays(firstToken: .milliseconds(30), perToken: .milliseconds(10))
        let steps = Self.steps("", answer: answer, delays: delays)
        #expect(steps.first == "write message_start content_block_start content_block_stop content_block_start ping", "\(steps)")
        let waits = steps.dropFirst().prefix { !$0.contains("delta(") }.compactMap { step in
            step.hasPrefix("pause ") ? Int(step.dropFirst(6).dropLast(2)) : nil
        }
        #expect(waits.reduce(0, +) == 30 + 10 * answer.thinkingTokenCount, "\(steps)")
        #expect(answer.thinkingTokenCount > 3)
        #expect(steps.suffix(2) == ["write delta(Hi there) content_block_stop message_delta message_stop", "end finish(ending: \"complete\", errorType: nil)"])
        answer.thinkingForm = .shown
        let clear = Self.steps("", answer: answer)
        #expect(clear.first?.hasPrefix("write message_start content_block_start ping delta(Let me") == true, "\(clear)")
        #expect(clear.first?.contains("delta(EuQ=) content_block_stop content_block_start delta(Hi there)") == true, "\(clear)")
    }
}
