import AnthropicAPI
import Workload

/// The answer a request gets, before or after a quality fault reshapes it.
public struct PlannedAnswer: Sendable, Equatable {
    /// What was asked, which decides what a quality fault can do to the answer.
    public enum Kind: Sendable, Equatable {
        /// A golden question: the answer is its SQL.
        case golden(GoldenQuestion)
        /// A judge call, with the honest verdict.
        case judge(JudgeVerdict)
        /// Anything else: prose.
        case generic
    }

    public var kind: Kind
    /// The answer's text; its token count is kept in step with it.
    public var text: String { didSet { outputTokens = TokenCounter.count(text) } }
    public var stopReason: StopReason

    public init(kind: Kind, text: String, stopReason: StopReason = .endTurn) {
        self.kind = kind; self.text = text; self.stopReason = stopReason
        self.outputTokens = TokenCounter.count(text)
    }

    /// Output tokens of the text, counted once per change of text: the mock reads
    /// it several times per request (usage, rate-limit buckets, journal).
    public private(set) var outputTokens: Int

    /// For the journal: `golden:<id>`, `judge`, `generic`.
    public var kindLabel: String {
        switch kind {
        case let .golden(q): "golden:\(q.id)"
        case .judge: "judge"
        case .generic: "generic"
        }
    }

    /// The answer cut to `maxTokens`, with `max_tokens` as its stop reason when cut.
    public func limited(to maxTokens: Int) -> PlannedAnswer {
        guard outputTokens > maxTokens else { return self }
        let pieces = TokenCounter.pieces(of: text)
        guard pieces.count > maxTokens else { return self }
        var copy = self
        copy.text = pieces.prefix(maxTokens).joined()
        copy.stopReason = .maxTokens
        return copy
    }
}
