import AnthropicAPI
import ChaosCore
import Scenario

/// One kind of bad weather. A fault only says what it does to a response; the
/// ``FaultPlan`` decides *whether* it fires (window, match, probability) and
/// merges overlapping faults.
///
/// Adding a fault is one file with a type conforming to this protocol and one
/// line in ``FaultRegistry/all``.
public protocol Fault: Sendable {
    /// The key under `inject:` in a scenario, such as `overloaded`.
    static var kind: String { get }

    /// Reads the fault's parameters (the value under `inject.<kind>`, nil when
    /// empty), recording every problem. Returns nil when they are unusable.
    init?(parameters: ConfigNode?, problems: ProblemCollector)

    /// What the fault does to this request, or nil when it cannot apply to it (a
    /// stream fault on a JSON request, an SQL fault on a prose answer).
    /// - Parameter random: seeded from (seed, fault, request id, attempt), so draws replay.
    func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect?

    /// Whether the fault charges for the answer (a token bucket): it then
    /// decides after the others, and ``FaultRequest/answer`` is the answer as
    /// they shape it. False unless a fault says otherwise.
    static var chargesForTheAnswer: Bool { get }
}

extension Fault {
    public static var chargesForTheAnswer: Bool { false }
}

/// A fault that keeps state between requests (token buckets); the control API's
/// reset clears it.
public protocol StatefulFault: Fault {
    func reset()
}

/// Everything a fault may look at.
public struct FaultRequest: Sendable {
    public var facts: RequestFacts
    /// The honest answer, before any quality fault; for a fault that charges
    /// for the answer, the answer as the other faults shape it.
    public var answer: PlannedAnswer
    /// Scenario time of arrival.
    public var now: Duration
    /// When the window of the fault deciding opened, in scenario time: set by
    /// the plan for each fault it asks.
    public var windowStart: Duration = .zero
    public var clock: any ScenarioClock

    public init(facts: RequestFacts, answer: PlannedAnswer, now: Duration, clock: any ScenarioClock) {
        self.facts = facts; self.answer = answer; self.now = now; self.clock = clock
    }
}

/// What the mock knows of a request when faults are decided.
public struct RequestFacts: Sendable {
    /// `batchItem` is one request of a Message Batch, decided when the batch is
    /// created; `batches` the batch calls themselves (create, retrieve, results…);
    /// `files` the Files API's.
    public enum Endpoint: String, Sendable { case messages, countTokens = "count_tokens", models, batches, batchItem = "batch_item", files, other }

    public var endpoint: Endpoint
    public var path: String
    public var model: String?
    public var provider: String
    public var apiKey: String?
    public var stream: Bool
    public var requestID: String
    public var attempt: Int
    /// Input tokens as an input-token rate limit counts them: those read anew and
    /// those written to the prompt cache, not those read from it (the API's rule
    /// for every current model, which is what makes caching raise throughput).
    public var inputTokens: Int
    /// The whole prompt in tokens, read from the cache or not, as `count_tokens`
    /// counts it: what `match.input_tokens` looks at.
    public var promptTokens: Int
    /// Reads a request header by lower-case name.
    public var header: @Sendable (String) -> String?

    /// Whether the request asks for a message (live or in a batch): what faults
    /// that shape the answer look for. Faults of the wire (stalls, broken
    /// streams, disconnects, truncated bodies) have no wire to break in a batch.
    public var asksForMessage: Bool { endpoint == .messages || endpoint == .batchItem }

    public init(
        endpoint: Endpoint, path: String, model: String?, provider: String = "anthropic", apiKey: String? = nil,
        stream: Bool = false, requestID: String, attempt: Int = 1, inputTokens: Int = 0, promptTokens: Int? = nil,
        header: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.endpoint = endpoint; self.path = path; self.model = model; self.provider = provider
        self.apiKey = apiKey; self.stream = stream; self.requestID = requestID; self.attempt = attempt
        self.inputTokens = inputTokens; self.promptTokens = promptTokens ?? inputTokens; self.header = header
    }
}
