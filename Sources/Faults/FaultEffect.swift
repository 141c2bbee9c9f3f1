import AnthropicAPI

/// What faults do to one response. The plan merges the effects of every fault
/// that fires (see ``FaultPlan`` for the rule) into one.
public struct FaultEffect: Sendable, Equatable {
    /// Injected delays; those of all firing faults add up.
    public var delays = Delays()
    /// How the response ends early, if it does.
    public var outcome: Outcome?
    /// A replaced answer (quality faults) and the mode's name for the journal.
    public var answer: PlannedAnswer? {
        get { replaced?.answer }
        set { replaced = newValue.map(Replaced.init) }
    }
    public var quality: String?
    /// Headers added to the response whatever else happens (rate-limit state).
    public var headers: [Header] = []
    /// How many tool calls an answer that calls a tool makes at once; the mock,
    /// which holds the request's tools, writes them.
    public var toolCalls: Int?
    /// Whether the answer's thinking is sent encrypted (`redacted_thinking`).
    public var redactsThinking = false
    /// The share of the thinking budget the answer's thinking fills
    /// (`long_thinking`); the mock, which holds the request's budget, writes it.
    public var thinkingShare: Double?

    public init(
        delays: Delays = Delays(), outcome: Outcome? = nil, answer: PlannedAnswer? = nil, quality: String? = nil,
        headers: [Header] = [], toolCalls: Int? = nil, redactsThinking: Bool = false, thinkingShare: Double? = nil
    ) {
        self.delays = delays; self.outcome = outcome; self.answer = answer; self.quality = quality; self.headers = headers
        self.toolCalls = toolCalls; self.redactsThinking = redactsThinking; self.thinkingShare = thinkingShare
    }

    /// Held apart: most effects replace no answer, and every answer being played
    /// out (ten thousand held streams) carries its effect.
    private var replaced: Replaced?
    private final class Replaced: Sendable, Equatable {
        let answer: PlannedAnswer
        init(_ answer: PlannedAnswer) { self.answer = answer }
        static func == (a: Replaced, b: Replaced) -> Bool { a.answer == b.answer }
    }

    /// A name and value.
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    /// Delays in scenario time.
    public struct Delays: Sendable, Equatable {
        public var beforeHeaders: Duration = .zero
        public var firstToken: Duration = .zero
        public var perToken: Duration = .zero

        public init(beforeHeaders: Duration = .zero, firstToken: Duration = .zero, perToken: Duration = .zero) {
            self.beforeHeaders = beforeHeaders; self.firstToken = firstToken; self.perToken = perToken
        }

        static func + (a: Delays, b: Delays) -> Delays {
            Delays(beforeHeaders: a.beforeHeaders + b.beforeHeaders, firstToken: a.firstToken + b.firstToken, perToken: a.perToken + b.perToken)
        }
    }

    /// The ways a response can end other than complete.
    public enum Outcome: Sendable, Equatable {
        /// An HTTP error with the API's envelope.
        case error(InjectedError)
        /// No response at all for `duration`, then a 504 `timeout_error`.
        case hang(Duration)
        /// The body breaks after `at` deltas (or, for JSON, part of the body).
        case broken(StreamBreak, at: BreakPoint)
    }

    /// How a body breaks.
    public enum StreamBreak: Sendable, Equatable {
        /// Nothing more is sent for `duration`, then the connection closes.
        case stall(Duration)
        /// The connection is closed (FIN), or reset (RST) when `reset`.
        case disconnect(reset: Bool)
        /// An SSE `event: error`, then the stream ends; the status stays 200.
        case error(APIErrorType, message: String)
        /// The body ends cleanly but early: no `message_stop`, or half a JSON document.
        case truncate
    }

    /// Where in the body a break happens.
    public enum BreakPoint: Sendable, Equatable {
        /// After this many content deltas (0: before the first).
        case deltas(Int)
        /// After this share of the answer's deltas.
        case fraction(Double)

        /// The number of deltas to send before breaking, out of `total`.
        public func deltas(outOf total: Int) -> Int {
            switch self {
            case let .deltas(n): min(n, total)
            case let .fraction(f): min(total, max(0, Int((Double(total) * f).rounded(.down))))
            }
        }
    }
}

/// An HTTP error a fault sends instead of an answer.
public struct InjectedError: Sendable, Equatable {
    public var status: Int
    public var type: APIErrorType
    public var message: String
    /// Scenario time the client is told to wait (`retry-after`), if any.
    public var retryAfter: Duration?
    public var headers: [FaultEffect.Header]

    public init(status: Int, type: APIErrorType, message: String? = nil, retryAfter: Duration? = nil, headers: [FaultEffect.Header] = []) {
        self.status = status; self.type = type; self.message = message ?? type.defaultMessage
        self.retryAfter = retryAfter; self.headers = headers
    }
}
