import AnthropicAPI
import Faults
import NIOCore

/// A streamed answer as the steps that play it: write these events, pause this
/// long, end this way. Two players follow it — the route's, awaiting the scenario
/// clock inside Hummingbird's body writer, and the fast path's, on the event loop
/// (``LoopStream``) — so a stream is the same whoever plays it.
///
/// Steps are made one at a time, not listed up front: ten thousand held streams
/// would each keep every delta's bytes for minutes.
///
/// ```
/// message_start content_block_start ping │ pause(first_token) [ping …] │ delta
/// │ pause(per_token × pieces) │ delta … ──break?── content_block_stop message_delta message_stop
/// ```
/// Events that no pause separates leave in one write; a pause longer than the
/// ping interval is cut into pings.
struct StreamScript {
    enum Step: Equatable {
        case write(ByteBuffer)
        /// Scenario time.
        case pause(Duration)
        case end(Ending)
    }

    /// How the body ends, once everything written before has been sent.
    enum Ending: Equatable {
        /// The chunked body ends properly; the attempt is journaled with `ending`.
        case finish(ending: String, errorType: String?)
        /// Nothing more is sent; the connection closes after `cap`.
        case stall(cap: Duration)
        /// The connection closes now: FIN, or RST when `reset`.
        case disconnect(reset: Bool)
    }

    private enum Phase {
        case opening, atDelta, delta, tail
        case waiting(Duration, then: After)
        case pinging(Duration, then: After)
        case ending(Ending)
        case over
    }

    private enum After { case delta, tail }

    struct Delta { var text: String; var pieces: Int }

    private let deltas: [Delta]
    private let opening: StreamEvent
    private let stopReason: StopReason
    private let outputTokens: Int
    private let firstToken: Duration
    private let perToken: Duration
    private let pingInterval: Duration
    private let breakage: (at: Int, kind: FaultEffect.StreamBreak)?
    private var phase = Phase.opening
    private var cursor = 0
    private var batch = ByteBuffer()

    init(
        opening: StreamEvent, answer: PlannedAnswer, delays: FaultEffect.Delays,
        breakage: (FaultEffect.StreamBreak, FaultEffect.BreakPoint)?, tokensPerDelta: Int, pingInterval: Duration
    ) {
        deltas = Self.deltas(of: answer.text, piecesPerDelta: tokensPerDelta)
        self.opening = opening
        stopReason = answer.stopReason
        outputTokens = answer.outputTokens
        firstToken = delays.firstToken
        perToken = delays.perToken
        self.pingInterval = pingInterval
        self.breakage = breakage.map { [count = deltas.count] in (at: $0.1.deltas(outOf: count), kind: $0.0) }
    }

    mutating func next() -> Step {
        while true {
            switch phase {
            case .opening:
                append(opening)
                append(.contentBlockStart(index: 0))
                append(.ping)
                phase = .atDelta
            case .atDelta:
                guard cursor < deltas.count else {
                    // No text at all: the first-token wait still happens.
                    phase = deltas.isEmpty && firstToken > .zero ? .waiting(firstToken, then: .tail) : .tail
                    continue
                }
                if let breakage, breakage.at == cursor {
                    phase = ending(breakage.kind)
                    continue
                }
                let wait = cursor == 0 ? firstToken : perToken * deltas[cursor].pieces
                phase = wait > .zero ? .waiting(wait, then: .delta) : .delta
            case .delta:
                append(.textDelta(index: 0, text: deltas[cursor].text))
                cursor += 1
                phase = .atDelta
            case let .waiting(remaining, after):
                // Never hold written events back across a pause.
                if let written = takeBatch() { return written }
                if remaining > pingInterval {
                    phase = .pinging(remaining - pingInterval, then: after)
                    return .pause(pingInterval)
                }
                phase = after == .delta ? .delta : .tail
                if remaining > .zero { return .pause(remaining) }
            case let .pinging(remaining, after):
                // Proxies and clients see a live stream, as the API keeps it during long thinking.
                append(.ping)
                phase = .waiting(remaining, then: after)
            case .tail:
                if let breakage {
                    phase = ending(breakage.kind)
                    continue
                }
                append(.contentBlockStop(index: 0))
                append(.messageDelta(stopReason: stopReason, outputTokens: outputTokens))
                append(.messageStop)
                phase = .ending(.finish(ending: "complete", errorType: nil))
            case let .ending(ending):
                if let written = takeBatch() { return written }
                phase = .over
                return .end(ending)
            case .over:
                preconditionFailure("a stream script is played once")
            }
        }
    }

    private mutating func ending(_ kind: FaultEffect.StreamBreak) -> Phase {
        switch kind {
        case let .error(type, message):
            append(.error(type: type, message: message))
            return .ending(.finish(ending: "stream_error", errorType: type.rawValue))
        case .truncate: return .ending(.finish(ending: "truncated", errorType: nil))
        case let .stall(cap): return .ending(.stall(cap: cap))
        case let .disconnect(reset): return .ending(.disconnect(reset: reset))
        }
    }

    private mutating func takeBatch() -> Step? {
        guard batch.readableBytes > 0 else { return nil }
        defer { batch = ByteBuffer() }
        return .write(batch)
    }

    /// The event's bytes, built in one small array (a delta fits the first
    /// allocation; as strings it took seven). Not one array kept for the whole
    /// stream: ten thousand streams opening at once would each hold one beside
    /// the buffer it is copied into, and the heap keeps that peak (measured:
    /// 3 KiB more per held stream).
    private mutating func append(_ event: StreamEvent) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        event.appendWire(to: &bytes)
        batch.writeBytes(bytes)
    }

    static func deltas(of text: String, piecesPerDelta: Int) -> [Delta] {
        let pieces = TokenCounter.pieces(of: text)
        let size = max(1, piecesPerDelta)
        return stride(from: 0, to: pieces.count, by: size).map { start in
            let slice = pieces[start..<min(start + size, pieces.count)]
            return Delta(text: slice.joined(), pieces: slice.count)
        }
    }
}
