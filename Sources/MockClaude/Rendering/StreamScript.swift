import AnthropicAPI
import Faults
import NIOCore

/// A streamed answer as the steps that play it: write these events, pause this
/// long, end this way. Two players follow it — the route's, awaiting the scenario
/// clock inside Hummingbird's body writer, and the fast path's, on the event loop
/// (``LoopStream``) — so a stream is the same whoever plays it.
///
/// Steps are made one at a time, and deltas cut from the answer's text as they
/// are due: ten thousand held streams would each keep every delta for minutes.
///
/// ```
/// message_start content_block_start ping │ pause(first_token) [ping …] │ delta
/// │ pause(per_token × pieces) │ delta … ──break?── content_block_stop message_delta message_stop
/// ```
/// Events that no pause separates leave in one write; a pause longer than the
/// ping interval is cut into pings. Thinking, when asked for, is the first block;
/// omitted or redacted, it is whole at once (start, signature, stop; or a
/// `redacted_thinking` start and stop) and the answer's first token waits the
/// time writing it would take.
struct StreamScript: AnswerScript {
    enum Step {
        case write(ByteBuffer)
        /// Scenario time.
        case pause(Duration)
        case end(Ending)
    }

    /// How the body ends, once everything written before has been sent.
    enum Ending {
        /// The chunked body ends properly; the attempt is journaled with `ending`.
        case finish(ending: String, errorType: String?)
        /// Nothing more is sent; the connection closes after `cap`.
        case stall(cap: Duration)
        /// The connection closes now: FIN, or RST when `reset`.
        case disconnect(reset: Bool)
    }

    private enum Phase {
        case atDelta, delta, tail
        case waiting(Duration, then: After)
        case pinging(Duration, then: After)
        case ending(Ending)
        case over
    }

    private enum After { case delta, tail }

    /// The text of the block being written (the answer's, or a later call's
    /// input), cut into deltas of `tokensPerDelta` token pieces.
    private var text: String
    private let piecesPerDelta: Int
    private let tokenizer: Tokenizer
    private let deltaCount: Int
    /// Where the next delta starts; and the delta due next, once cut.
    private var position: String.Index
    private var due: (end: String.Index, pieces: Int)?
    /// What the block being written holds, which decides its deltas.
    private enum Content {
        case text, toolInput
        /// Thoughts, signed once they are whole.
        case thinking(signature: String)
    }

    private var content: Content
    /// Blocks after the first, each begun once the one before is whole: the answer
    /// after its thinking, calls after the first (a `parallel_tool_calls` fault).
    /// Empty for most answers, so nothing is allocated for them.
    private var laterBlocks: ArraySlice<(start: StreamEvent, text: String, content: Content)> = []
    /// The index of the block being written.
    private var block = 0
    /// Whether a block was begun: not for an empty answer without thinking.
    private let blockOpen: Bool
    private let stopReason: StopReason
    private let stopSequence: String?
    private let outputTokens: Int
    private let firstToken: Duration
    private let perToken: Duration
    private let pingInterval: Duration
    private let breakage: (at: Int, kind: FaultEffect.StreamBreak)?
    private var phase = Phase.atDelta
    private var cursor = 0
    /// Nil, not empty, between writes: an empty buffer still holds storage.
    private var batch: ByteBuffer?

    /// - Parameter thinkingSignature: the thinking's signature, or its encrypted
    ///   data when the answer's thinking is redacted.
    init(
        opening: StreamEvent, toolUseIDs: [String] = [], thinkingSignature: String = "", answer: PlannedAnswer, delays: FaultEffect.Delays,
        breakage: (FaultEffect.StreamBreak, FaultEffect.BreakPoint)?, tokensPerDelta: Int, pingInterval: Duration
    ) {
        piecesPerDelta = max(1, tokensPerDelta)
        tokenizer = answer.tokenizer
        // The answer's own block comes after any thinking; its calls after it.
        let index = answer.thinking == nil ? 0 : 1
        // An empty text answer has no block at all, as the API sends an
        // immediate end of turn: `content: []`, or the thinking alone.
        var answerBlock: (start: StreamEvent, text: String, content: Content)?
        var calls: [(start: StreamEvent, text: String, content: Content)] = []
        if let toolUseID = toolUseIDs.first, let tool = answer.toolName {
            answerBlock = (.toolUseStart(index: index, id: toolUseID, name: tool), answer.text, .toolInput)
            for (offset, (id, call)) in zip(toolUseIDs.dropFirst(), answer.moreCalls).enumerated() {
                calls.append((.toolUseStart(index: index + 1 + offset, id: id, name: call.name), call.input.jsonText, .toolInput))
            }
        } else if !answer.text.isEmpty {
            answerBlock = (.contentBlockStart(index: index), answer.text, .text)
        }
        var firstStart: StreamEvent?
        var wholeThinking: [StreamEvent] = []
        (text, content) = ("", .text)
        if answer.thinking != nil, answer.thinkingForm != .shown {
            wholeThinking = answer.thinkingForm == .redacted
                ? [.redactedThinkingStart(index: 0, data: thinkingSignature), .contentBlockStop(index: 0)]
                : [.thinkingStart(index: 0), .signatureDelta(index: 0, signature: thinkingSignature), .contentBlockStop(index: 0)]
            if let answerBlock { (firstStart, text, content) = answerBlock }
            if !calls.isEmpty { laterBlocks = ArraySlice(calls) }
            block = index
        } else if let thinking = answer.thinking {
            (firstStart, text, content) = (.thinkingStart(index: 0), thinking, .thinking(signature: thinkingSignature))
            laterBlocks = ArraySlice((answerBlock.map { [$0] } ?? []) + calls)
        } else {
            if let answerBlock { (firstStart, text, content) = answerBlock }
            if !calls.isEmpty { laterBlocks = ArraySlice(calls) }
        }
        blockOpen = firstStart != nil
        position = text.startIndex
        deltaCount = laterBlocks.reduce(Self.deltaCount(of: text, piecesPerDelta: piecesPerDelta, tokenizer: tokenizer)) { [piecesPerDelta, tokenizer] in
            $0 + Self.deltaCount(of: $1.text, piecesPerDelta: piecesPerDelta, tokenizer: tokenizer)
        }
        stopReason = answer.stopReason
        stopSequence = answer.stopSequence
        outputTokens = answer.outputTokens
        firstToken = delays.firstToken + (wholeThinking.isEmpty ? .zero : delays.perToken * answer.thinkingTokenCount)
        perToken = delays.perToken
        self.pingInterval = pingInterval
        self.breakage = breakage.map { [deltaCount] in (at: $0.1.deltas(outOf: deltaCount), kind: $0.0) }
        // Written now rather than kept: a held stream would carry both events (and
        // the message id's storage) for its whole life.
        append(opening)
        for event in wholeThinking { append(event) }
        if let firstStart { append(firstStart) }
        append(.ping)
    }

    mutating func next() -> Step {
        while true {
            switch phase {
            case .atDelta:
                guard cursor < deltaCount else {
                    // No text at all: the first-token wait still happens.
                    phase = deltaCount == 0 && firstToken > .zero ? .waiting(firstToken, then: .tail) : .tail
                    continue
                }
                if let breakage, breakage.at == cursor {
                    phase = ending(breakage.kind)
                    continue
                }
                let delta = cutDelta()
                due = delta
                let wait = cursor == 0 ? firstToken : perToken * delta.pieces
                phase = wait > .zero ? .waiting(wait, then: .delta) : .delta
            case .delta:
                let end = due!.end
                let piece = String(text[position..<end])
                switch content {
                case .text: append(.textDelta(index: block, text: piece))
                case .toolInput: append(.inputJSONDelta(index: block, partialJSON: piece))
                case .thinking: append(.thinkingDelta(index: block, thinking: piece))
                }
                position = end
                due = nil
                if position == text.endIndex, let next = laterBlocks.popFirst() {
                    if case let .thinking(signature) = content { append(.signatureDelta(index: block, signature: signature)) }
                    append(.contentBlockStop(index: block))
                    block += 1
                    append(next.start)
                    (text, content) = (next.text, next.content)
                    position = text.startIndex
                }
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
                if blockOpen {
                    // Thinking is the last block when the answer after it is empty.
                    if case let .thinking(signature) = content { append(.signatureDelta(index: block, signature: signature)) }
                    append(.contentBlockStop(index: block))
                }
                append(.messageDelta(stopReason: stopReason, stopSequence: stopSequence, outputTokens: outputTokens))
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
        guard let written = batch else { return nil }
        batch = nil
        return .write(written)
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
        if batch == nil {
            batch = ByteBuffer(bytes: bytes)
        } else {
            batch!.writeBytes(bytes)
        }
    }

    private func cutDelta() -> (end: String.Index, pieces: Int) {
        var end = position, pieces = 0
        while pieces < piecesPerDelta, end < text.endIndex {
            end = tokenizer.pieceEnd(in: text, from: end)
            pieces += 1
        }
        return (end, pieces)
    }

    private static func deltaCount(of text: String, piecesPerDelta: Int, tokenizer: Tokenizer) -> Int {
        var start = text.startIndex, pieces = 0
        while start < text.endIndex {
            start = tokenizer.pieceEnd(in: text, from: start)
            pieces += 1
        }
        return (pieces + piecesPerDelta - 1) / piecesPerDelta
    }
}

/// An answer played over time, one step at a time, by either player: a stream
/// (``StreamScript``) or a JSON body that breaks (``BrokenBodyScript``).
protocol AnswerScript {
    mutating func next() -> StreamScript.Step
}
