import AnthropicAPI
import ChaosCore
import Faults
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Sends an answer, as JSON or as a stream of server-sent events, with the delays
/// and breaks the fault decision asks for, and journals how it ended. A JSON
/// answer that does not break is whole once its wait ends
/// (``MessagesRoute/delayed(_:channel:)``); here are the rest.
///
/// ```
/// stream:      [before_headers] headers message_start content_block_start ping
///              [first_token] delta [per_token × pieces] delta … ──break?──
///              content_block_stop message_delta message_stop
/// broken json: [before_headers + first_token + per_token × tokens] headers half a body ──break
///              (``BrokenBodyScript``)
/// ```
struct AnswerRenderer: Sendable {
    let runtime: MockRuntime
    let route: MessagesRoute
    let exchange: MessagesRoute.Exchange
    let decision: FaultDecision
    let answer: PlannedAnswer
    let channel: any Channel

    private var clock: any ScenarioClock { runtime.clock }
    private var delays: FaultEffect.Delays { decision.effect.delays }

    private var breakage: (FaultEffect.StreamBreak, FaultEffect.BreakPoint)? {
        if case let .broken(kind, at)? = decision.effect.outcome { return (kind, at) }
        return nil
    }

    private var messageID: String { "msg_" + exchange.requestID.dropFirst(4) }

    /// A JSON answer's whole latency: it passes before the head.
    var jsonWait: Duration { delays.beforeHeaders + delays.firstToken + delays.perToken * answer.outputTokens }

    /// A JSON body that breaks once begun; nil when it does not break, or breaks
    /// the connection before its first byte.
    func brokenBodyScript() -> BrokenBodyScript? {
        guard let (kind, at) = breakage else { return nil }
        if case .disconnect = kind, at.deltas(outOf: 2) == 0 { return nil }
        return BrokenBodyScript(kind) { [self] in jsonBody() }
    }

    /// A JSON body that breaks, played in Hummingbird's body writer.
    func brokenJSON() async -> Response {
        guard let (kind, _) = breakage else { preconditionFailure("a JSON answer that does not break is immediate or delayed") }
        try? await clock.sleep(for: jsonWait)
        guard let script = brokenBodyScript() else {
            // Dropped before a single byte: the client sees the connection die.
            if case let .disconnect(reset) = kind { await ConnectionBreaker.drop(channel, reset: reset) }
            finish(ending: "disconnected")
            return Response(status: .ok, headers: jsonHeaders, body: ResponseBody { _ in throw ConnectionBreaker.Dropped() })
        }
        return Response(status: .ok, headers: jsonHeaders, body: played(script))
    }

    /// The JSON answer, whole, journaled as complete.
    func completeReply() -> Reply {
        finish(ending: "complete")
        return Reply(status: .ok, headers: jsonHeaders, body: jsonBody())
    }

    var jsonHeaders: HTTPFields {
        var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names)
        headers.add(decision.effect.headers)
        return headers
    }

    /// The answer's tool calls' ids, derived like the message's from the attempt:
    /// `toolu_…`, then `toolu_…_2`, `toolu_…_3` for calls made in parallel.
    private var toolUseIDs: [String] {
        guard answer.toolName != nil else { return [] }
        let first = "toolu_" + exchange.requestID.dropFirst(4)
        return [first] + answer.moreCalls.indices.map { "\(first)_\($0 + 2)" }
    }

    /// Signs the thinking as the API does; a client hands the signature back
    /// with the thoughts, and the mock checks it (``ThinkingSeal``).
    private var thinkingSignature: String {
        guard let thinking = answer.thinking else { return "" }
        return ThinkingSeal.signature(for: answer.thinkingForm == .omitted ? "" : thinking, nonce: exchange.requestID, binding: thinkingBinding)
    }

    /// The thinking encrypted (a `redacted_thinking` fault, or the API's test
    /// prompt): opaque base64 as long as the thoughts, handed back and checked.
    private var redactedThinkingData: String {
        guard let thinking = answer.thinking, answer.thinkingForm == .redacted else { return "" }
        return ThinkingSeal.redactedData(for: thinking, nonce: exchange.requestID, binding: thinkingBinding)
    }

    /// The model's own seal when its thinking is tied to it (``ModelCatalog``).
    private var thinkingBinding: String {
        ModelCatalog.thinkingBinding(exchange.model.flatMap(ModelCatalog.spec(for:))).own
    }

    func jsonBody() -> ByteBuffer {
        var content: [ContentBlock] = answer.thinking.map { thinking in
            switch answer.thinkingForm {
            case .shown: [.thinking(thinking, signature: thinkingSignature)]
            case .omitted: [.thinking("", signature: thinkingSignature)]
            case .redacted: [.redactedThinking(data: redactedThinkingData)]
            }
        } ?? []
        if let tool = answer.toolName {
            let ids = toolUseIDs
            content.append(.toolUse(id: ids[0], name: tool, input: answer.toolInput))
            content += zip(ids.dropFirst(), answer.moreCalls).map { .toolUse(id: $0, name: $1.name, input: $1.input) }
        } else if !answer.text.isEmpty {
            // Nothing written is no block: the API's `content: []` on an
            // immediate end of turn, on which `content[0].text` fails.
            content.append(.text(answer.text))
        }
        var message = MessagesResponse(
            id: messageID, model: exchange.model ?? "", content: content, stopReason: answer.stopReason,
            usage: Usage(inputTokens: exchange.inputTokens, outputTokens: answer.outputTokens,
                         cacheCreationInputTokens: exchange.cacheCreationTokens, cacheReadInputTokens: exchange.cacheReadTokens)
        )
        message.stopSequence = answer.stopSequence
        return ByteBuffer(bytes: message.jsonBytes)
    }

    /// The head of a streamed answer, after its `before_headers` delay.
    var streamHeaders: HTTPFields {
        var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names, contentType: "text/event-stream; charset=utf-8")
        headers[.cacheControl] = "no-cache"
        headers.add(decision.effect.headers)
        return headers
    }

    func streamScript() -> StreamScript {
        StreamScript(
            opening: .messageStart(id: messageID, model: exchange.model ?? "", inputTokens: exchange.inputTokens,
                                   cacheCreation: exchange.cacheCreationTokens, cacheRead: exchange.cacheReadTokens),
            toolUseIDs: toolUseIDs, thinkingSignature: answer.thinkingForm == .redacted ? redactedThinkingData : thinkingSignature, answer: answer, delays: delays, breakage: breakage,
            tokensPerDelta: runtime.configuration.tokensPerDelta, pingInterval: runtime.configuration.pingInterval
        )
    }

    /// The stream played in Hummingbird's body writer, waiting on the scenario clock.
    func stream() async -> Response {
        try? await clock.sleep(for: delays.beforeHeaders)
        return Response(status: .ok, headers: streamHeaders, body: played(streamScript()))
    }

    private func played(_ script: some AnswerScript & Sendable) -> ResponseBody {
        ResponseBody { [self] writer in
            do {
                try await self.play(script, &writer)
            } catch is ConnectionBreaker.Dropped {
                throw ConnectionBreaker.Dropped()
            } catch {
                self.finish(ending: "client_gone")
                throw error
            }
        }
    }

    private func play(_ script: some AnswerScript, _ writer: inout any ResponseBodyWriter) async throws {
        var script = script
        while true {
            switch script.next() {
            case let .write(bytes):
                try await writer.write(bytes)
            case let .pause(duration):
                try await clock.sleep(for: duration)
            case let .end(.finish(ending, errorType)):
                try await writer.finish(nil)
                return finish(ending: ending, errorType: errorType)
            case let .end(.stall(cap)):
                finish(ending: "stalled")
                await ConnectionBreaker.settle(channel)
                try? await clock.sleep(for: cap)
                throw ConnectionBreaker.Dropped()
            case let .end(.disconnect(reset)):
                finish(ending: reset ? "reset" : "disconnected")
                // Throwing makes the server close after what was written (a FIN); closing
                // the channel here instead would discard writes not yet flushed. A reset
                // closes at once by design.
                await ConnectionBreaker.settle(channel)
                if reset { await ConnectionBreaker.drop(channel, reset: true) }
                throw ConnectionBreaker.Dropped()
            }
        }
    }

    func finish(ending: String, errorType: String? = nil) {
        route.finish(exchange, decision, status: 200, ending: ending, answer: answer, errorType: errorType)
    }
}
