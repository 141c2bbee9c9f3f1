import AnthropicAPI
import ChaosCore
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
        /// A request offering tools, where the honest answer calls this one.
        case toolCall(String)
    }

    /// One `tool_use` block.
    public struct ToolCall: Sendable, Equatable {
        public var name: String
        public var input: JSONValue
        public init(name: String, input: JSONValue) { self.name = name; self.input = input }
    }

    /// The fields, shared between copies until one is changed: an answer is
    /// copied several times on its way from planning to the wire, and a copy of
    /// a dozen strings, arrays and references was a dozen reference counts.
    private struct Fields: Sendable, Equatable {
        var kind: Kind
        var text: String
        var stopReason: StopReason
        var stopSequence: String?
        var toolName: String?
        var isStructured = false
        var allowsParallelCalls = false
        var thinking: String?
        var thinkingForm = ThinkingForm.shown
        var moreCalls: [ToolCall] = []
        var prefill: String?
        let tokenizer: Tokenizer
        var textTokens: Int
        var thinkingTokens = 0
    }

    private final class Storage: @unchecked Sendable {
        // Unchecked: written only through `modify`, when no other answer shares it.
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    private mutating func modify(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        change(&storage.fields)
    }

    public var kind: Kind {
        get { storage.fields.kind }
        set { modify { $0.kind = newValue } }
    }
    /// The answer's text; its token count is kept in step with it. For a tool
    /// call, its input as compact JSON, which may be cut short.
    public var text: String {
        get { storage.fields.text }
        set {
            modify {
                $0.text = newValue
                $0.textTokens = $0.tokenizer.count(newValue)
            }
        }
    }
    public var stopReason: StopReason {
        get { storage.fields.stopReason }
        set { modify { $0.stopReason = newValue } }
    }
    /// The request's stop sequence the text ended at (`stop_reason: stop_sequence`).
    public var stopSequence: String? {
        get { storage.fields.stopSequence }
        set { modify { $0.stopSequence = newValue } }
    }
    /// Set when the answer is a `tool_use` block calling this tool, not text. A
    /// quality fault may turn a call into text (a refusal, prose instead of a call).
    public var toolName: String? {
        get { storage.fields.toolName }
        set { modify { $0.toolName = newValue } }
    }
    /// Set when the text is JSON that the request's output schema accepts
    /// (structured outputs): a golden question's SQL is then a string inside it.
    public var isStructured: Bool {
        get { storage.fields.isStructured }
        set { modify { $0.isStructured = newValue } }
    }
    /// Whether the request lets the model call several tools in one answer
    /// (its `tool_choice` does not set `disable_parallel_tool_use`).
    public var allowsParallelCalls: Bool {
        get { storage.fields.allowsParallelCalls }
        set { modify { $0.allowsParallelCalls = newValue } }
    }
    /// The model's thinking, written as a block before the answer when the request
    /// enables thinking; it counts as output.
    public var thinking: String? {
        get { storage.fields.thinking }
        set {
            modify {
                $0.thinking = newValue
                $0.thinkingTokens = newValue.map($0.tokenizer.count) ?? 0
            }
        }
    }
    /// How the thinking block shows the thoughts; they count as output however
    /// it shows them.
    public enum ThinkingForm: Sendable, Equatable {
        case shown
        /// An empty `thinking` field with its signature (`display: omitted`).
        case omitted
        /// Encrypted, as a `redacted_thinking` block.
        case redacted
    }
    public var thinkingForm: ThinkingForm {
        get { storage.fields.thinkingForm }
        set { modify { $0.thinkingForm = newValue } }
    }
    /// The thinking's output tokens.
    public var thinkingTokenCount: Int { storage.fields.thinkingTokens }
    /// Calls written whole after the first in the same answer (a
    /// `parallel_tool_calls` fault); they count as output.
    public var moreCalls: [ToolCall] {
        get { storage.fields.moreCalls }
        set { modify { $0.moreCalls = newValue } }
    }
    /// The start of the answer the request wrote (a final assistant message):
    /// the text continues it and holds only what the model added.
    public var prefill: String? {
        get { storage.fields.prefill }
        set { modify { $0.prefill = newValue } }
    }

    /// Makes `whole` the answer: what the model writes after the prefill when
    /// there is one (``PrefillContinuation``), `whole` itself otherwise. Anything
    /// that writes the answer anew goes through here, so that a spoiled answer
    /// continues the prefill as the honest one did.
    public mutating func write(_ whole: String) {
        text = prefill.map { PrefillContinuation.text(after: $0, answer: whole) } ?? whole
    }

    /// The model's tokenizer, which counts the answer's tokens and cuts its pieces.
    public var tokenizer: Tokenizer { storage.fields.tokenizer }

    public init(kind: Kind, text: String, stopReason: StopReason = .endTurn, tokenizer: Tokenizer = .classic) {
        storage = Storage(Fields(kind: kind, text: text, stopReason: stopReason, tokenizer: tokenizer, textTokens: tokenizer.count(text)))
    }

    public static func == (lhs: PlannedAnswer, rhs: PlannedAnswer) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// A call of `tool` with `input`.
    public static func toolCall(_ tool: String, input: JSONValue, allowsParallelCalls: Bool = false, tokenizer: Tokenizer = .classic) -> PlannedAnswer {
        var answer = PlannedAnswer(kind: .toolCall(tool), text: input.jsonText, stopReason: .toolUse, tokenizer: tokenizer)
        answer.toolName = tool
        answer.allowsParallelCalls = allowsParallelCalls
        return answer
    }

    /// A tool call's input as the JSON answer carries it: an input cut short (at
    /// `max_tokens`) keeps the arguments written whole before the cut, as the
    /// API's does, so a required one can be missing.
    public var toolInput: JSONValue {
        JSONValue.parsing(completedPrefixOf: text)
    }

    /// Output tokens of the thinking, the text and any further calls. Text and
    /// thinking are counted once per change, as the mock reads this several times
    /// per request (usage, rate-limit buckets, journal); further calls, rare, each time.
    public var outputTokens: Int {
        let own = storage.fields.thinkingTokens + storage.fields.textTokens
        return moreCalls.isEmpty ? own : moreCalls.reduce(own) { $0 + tokenizer.count($1.input.jsonText) }
    }

    /// For the journal: `golden:<id>`, `judge`, `generic`.
    public var kindLabel: String {
        switch kind {
        case let .golden(q): "golden:" + q.id
        case .judge: "judge"
        case .generic: "generic"
        case let .toolCall(tool): "tool_call:" + ([tool] + moreCalls.map(\.name)).joined(separator: "+")
        }
    }

    /// The text answer ended before the first of `sequences` it contains, as the
    /// model stops where it would write one; a tool call's input is not cut.
    public func stopped(at sequences: [String]?) -> PlannedAnswer {
        guard toolName == nil, let sequences, !sequences.isEmpty else { return self }
        var first: (range: Range<String.Index>, sequence: String)?
        for sequence in sequences where !sequence.isEmpty {
            if let range = text.range(of: sequence), first.map({ range.lowerBound < $0.range.lowerBound }) ?? true {
                first = (range, sequence)
            }
        }
        guard let first else { return self }
        var copy = self
        copy.text = String(text[..<first.range.lowerBound])
        copy.stopReason = .stopSequence
        copy.stopSequence = first.sequence
        return copy
    }

    /// The answer cut to `maxTokens`, thinking included, with `max_tokens` as its
    /// stop reason when cut. Made before any further call is added (those are
    /// added only where they fit).
    public func limited(to maxTokens: Int) -> PlannedAnswer {
        let room = maxTokens - storage.fields.thinkingTokens
        guard storage.fields.textTokens > room else { return self }
        let pieces = tokenizer.pieces(of: text)
        guard pieces.count > room else { return self }
        var copy = self
        copy.text = pieces.prefix(max(0, room)).joined()
        copy.stopSequence = nil
        copy.stopReason = .maxTokens
        return copy
    }
}
