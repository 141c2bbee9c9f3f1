import AnthropicAPI
import ChaosCore
import Faults
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Sends an answer, as JSON or as a stream of server-sent events, with the delays
/// and breaks the fault decision asks for, and journals how it ended.
///
/// ```
/// stream: [before_headers] headers message_start content_block_start ping
///         [first_token] delta [per_token × pieces] delta … ──break?──
///         content_block_stop message_delta message_stop
/// json:   [before_headers + first_token + per_token × tokens] headers body ──break?──
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

    func json() async -> Response {
        let tokens = answer.outputTokens
        try? await clock.sleep(for: delays.beforeHeaders + delays.firstToken + delays.perToken * tokens)
        guard let (kind, at) = breakage else { return completeReply().response }
        let (headers, body) = jsonHeadersAndBody()
        if case .disconnect = kind, at.deltas(outOf: 2) == 0 {
            // Dropped before a single byte: the client sees the connection die.
            if case let .disconnect(reset) = kind { await ConnectionBreaker.drop(channel, reset: reset) }
            finish(ending: "disconnected")
            return Response(status: .ok, headers: headers, body: ResponseBody { _ in throw ConnectionBreaker.Dropped() })
        }
        let half = body.getSlice(at: body.readerIndex, length: body.readableBytes / 2) ?? body
        return Response(status: .ok, headers: headers, body: ResponseBody { [self] writer in
            try await writer.write(half)
            try await self.breakBody(kind, writer: &writer)
        })
    }

    /// The JSON answer, whole, journaled as complete.
    func completeReply() -> Reply {
        let (headers, body) = jsonHeadersAndBody()
        finish(ending: "complete")
        return Reply(status: .ok, headers: headers, body: body)
    }

    private func jsonHeadersAndBody() -> (HTTPFields, ByteBuffer) {
        let message = MessagesResponse(
            id: messageID, model: exchange.model ?? "", text: answer.text, stopReason: answer.stopReason,
            usage: Usage(inputTokens: exchange.inputTokens, outputTokens: answer.outputTokens,
                         cacheCreationInputTokens: exchange.cacheCreationTokens, cacheReadInputTokens: exchange.cacheReadTokens)
        )
        var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names)
        headers.add(decision.effect.headers)
        return (headers, ByteBuffer(bytes: message.jsonBytes))
    }

    func stream() async -> Response {
        try? await clock.sleep(for: delays.beforeHeaders)
        var headers = HTTPFields.base(requestID: exchange.requestID, faults: decision.names, contentType: "text/event-stream; charset=utf-8")
        headers[.cacheControl] = "no-cache"
        headers.add(decision.effect.headers)
        return Response(status: .ok, headers: headers, body: ResponseBody { [self] writer in
            do {
                try await self.writeStream(&writer)
            } catch is ConnectionBreaker.Dropped {
                throw ConnectionBreaker.Dropped()
            } catch {
                self.finish(ending: "client_gone")
                throw error
            }
        })
    }

    /// Events that no delay separates leave in one write: the first token goes out
    /// the moment its delay ends with whatever follows it at once, and neither the
    /// mock nor the client pays a write and a read per token when tokens are not
    /// paced. With a per-token delay every delta is its own write, as before.
    private func writeStream(_ writer: inout any ResponseBodyWriter) async throws {
        let deltas = Self.deltas(of: answer.text, piecesPerDelta: runtime.configuration.tokensPerDelta)
        let breakAt = breakage.map { $0.1.deltas(outOf: deltas.count) }
        var batch = ByteBuffer()
        Self.append(.messageStart(id: messageID, model: exchange.model ?? "", inputTokens: exchange.inputTokens,
                                  cacheCreation: exchange.cacheCreationTokens, cacheRead: exchange.cacheReadTokens), to: &batch)
        Self.append(.contentBlockStart(index: 0), to: &batch)
        Self.append(.ping, to: &batch)
        for (index, delta) in deltas.enumerated() {
            if index == breakAt, let (kind, _) = breakage {
                try await flush(&batch, &writer)
                return try await breakStream(kind, &writer)
            }
            let wait = index == 0 ? delays.firstToken : delays.perToken * delta.pieces
            if wait > .zero {
                try await flush(&batch, &writer)
                try await waitWithPings(wait, &writer)
            }
            Self.append(.textDelta(index: 0, text: delta.text), to: &batch)
        }
        if deltas.isEmpty, delays.firstToken > .zero {
            try await flush(&batch, &writer)
            try await waitWithPings(delays.firstToken, &writer)
        }
        if let breakAt, breakAt >= deltas.count, let (kind, _) = breakage {
            try await flush(&batch, &writer)
            return try await breakStream(kind, &writer)
        }
        Self.append(.contentBlockStop(index: 0), to: &batch)
        Self.append(.messageDelta(stopReason: answer.stopReason, outputTokens: answer.outputTokens), to: &batch)
        Self.append(.messageStop, to: &batch)
        try await flush(&batch, &writer)
        try await writer.finish(nil)
        finish(ending: "complete")
    }

    /// The event's bytes, built in one small array (a delta fits the first
    /// allocation; as strings it took seven). Not one array kept for the whole
    /// stream: ten thousand streams opening at once would each hold one beside
    /// the buffer it is copied into, and the heap keeps that peak (measured:
    /// 3 KiB more per held stream).
    static func append(_ event: StreamEvent, to batch: inout ByteBuffer) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        event.appendWire(to: &bytes)
        batch.writeBytes(bytes)
    }

    private func flush(_ batch: inout ByteBuffer, _ writer: inout any ResponseBodyWriter) async throws {
        guard batch.readableBytes > 0 else { return }
        let bytes = batch
        batch = ByteBuffer()
        try await writer.write(bytes)
    }

    private func breakStream(_ kind: FaultEffect.StreamBreak, _ writer: inout any ResponseBodyWriter) async throws {
        if case let .error(type, message) = kind {
            try await send(.error(type: type, message: message), &writer)
            try await writer.finish(nil)
            finish(ending: "stream_error", errorType: type.rawValue)
            return
        }
        try await breakBody(kind, writer: &writer)
    }

    /// Truncate, stall or drop a body that has started.
    private func breakBody(_ kind: FaultEffect.StreamBreak, writer: inout any ResponseBodyWriter) async throws {
        switch kind {
        case .truncate:
            try await writer.finish(nil)
            finish(ending: "truncated")
        case let .stall(cap):
            finish(ending: "stalled")
            await ConnectionBreaker.settle(channel)
            try? await clock.sleep(for: cap)
            throw ConnectionBreaker.Dropped()
        case let .disconnect(reset):
            finish(ending: reset ? "reset" : "disconnected")
            // Throwing makes the server close after what was written (a FIN); closing
            // the channel here instead would discard writes not yet flushed. A reset
            // closes at once by design.
            await ConnectionBreaker.settle(channel)
            if reset { await ConnectionBreaker.drop(channel, reset: true) }
            throw ConnectionBreaker.Dropped()
        case let .error(type, _):
            // Only streams carry error events; a JSON body with one is cut instead.
            finish(ending: "truncated", errorType: type.rawValue)
            try await writer.finish(nil)
        }
    }

    private func send(_ event: StreamEvent, _ writer: inout any ResponseBodyWriter) async throws {
        var bytes = ByteBuffer()
        Self.append(event, to: &bytes)
        try await writer.write(bytes)
    }

    /// Waits in scenario time, sending `ping` every ping interval so proxies and
    /// clients see a live stream, as the API does during long thinking.
    private func waitWithPings(_ duration: Duration, _ writer: inout any ResponseBodyWriter) async throws {
        var remaining = duration
        let interval = runtime.configuration.pingInterval
        while remaining > interval {
            try await clock.sleep(for: interval)
            try await send(.ping, &writer)
            remaining -= interval
        }
        if remaining > .zero { try await clock.sleep(for: remaining) }
    }

    private func finish(ending: String, errorType: String? = nil) {
        route.finish(exchange, decision, status: 200, ending: ending, answer: answer, errorType: errorType)
    }

    struct Delta { var text: String; var pieces: Int }

    static func deltas(of text: String, piecesPerDelta: Int) -> [Delta] {
        let pieces = TokenCounter.pieces(of: text)
        let size = max(1, piecesPerDelta)
        return stride(from: 0, to: pieces.count, by: size).map { start in
            let slice = pieces[start..<min(start + size, pieces.count)]
            return Delta(text: slice.joined(), pieces: slice.count)
        }
    }
}
