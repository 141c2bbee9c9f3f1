/// One HTTP request that reached a mock model: the RunLog's `upstreamAttempt`
/// event and one line of the mock's journal.
///
/// It never holds the caller's API key: keys are secrets, and the journal is
/// served over HTTP and copied into reports.
public struct UpstreamAttempt: Codable, Sendable, Equatable {
    /// Position in the journal, from 1, in order of completion.
    public var sequence: Int
    /// Scenario time at which the request arrived.
    public var at: Duration
    /// The endpoint, such as `/v1/messages`.
    public var path: String
    public var model: String?
    /// The simulated provider; `anthropic` unless the client used a `/p/NAME/` base URL.
    public var provider: String
    /// The logical request this attempt belongs to (see ``AttemptIdentity``).
    public var requestID: String
    public var attempt: Int
    /// How the request and attempt were identified: `header`, `stainless`, `fingerprint`.
    public var correlation: String
    public var stream: Bool
    /// Names of the faults that shaped the response, in the order they were listed.
    public var faults: [String]
    /// Fault kinds parallel to `faults`.
    public var faultKinds: [String]
    public var status: Int
    /// The error type sent, in the body or mid-stream, if any.
    public var errorType: String?
    /// How the response ended: `complete`, `error`, `stalled`, `disconnected`, `truncated`, `hung`.
    public var ending: String
    /// Scenario time from arrival until the last byte was sent.
    public var latency: Duration
    public var inputTokens: Int
    public var outputTokens: Int
    /// The `request-id` header sent back.
    public var responseID: String
    /// `golden:<id>`, `judge`, `tool_call:<tool>` or `generic`: what kind of answer was given.
    public var answerKind: String
    /// The quality mode that degraded the answer, if any.
    public var quality: String?
    /// The `retry-after` sent, in scenario time.
    public var retryAfter: Duration?

    public init(
        sequence: Int = 0, at: Duration, path: String, model: String?, provider: String,
        requestID: String, attempt: Int, correlation: String, stream: Bool,
        faults: [String] = [], faultKinds: [String] = [], status: Int, errorType: String? = nil,
        ending: String, latency: Duration, inputTokens: Int = 0, outputTokens: Int = 0,
        responseID: String, answerKind: String = "none", quality: String? = nil, retryAfter: Duration? = nil
    ) {
        self.sequence = sequence; self.at = at; self.path = path; self.model = model
        self.provider = provider; self.requestID = requestID; self.attempt = attempt
        self.correlation = correlation; self.stream = stream; self.faults = faults
        self.faultKinds = faultKinds; self.status = status; self.errorType = errorType
        self.ending = ending; self.latency = latency; self.inputTokens = inputTokens
        self.outputTokens = outputTokens; self.responseID = responseID
        self.answerKind = answerKind; self.quality = quality; self.retryAfter = retryAfter
    }
}

extension UpstreamAttempt {
    // Durations travel as milliseconds: `Duration`'s own Codable form is a pair of
    // integers that no reader of a journal or a report wants to see.
    private enum CodingKeys: String, CodingKey {
        case sequence, atMs = "at_ms", path, model, provider, requestID = "request_id", attempt
        case correlation, stream, faults, faultKinds = "fault_kinds", status, errorType = "error_type"
        case ending, latencyMs = "latency_ms", inputTokens = "input_tokens", outputTokens = "output_tokens"
        case responseID = "response_id", answerKind = "answer_kind", quality, retryAfterMs = "retry_after_ms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sequence: try c.decode(Int.self, forKey: .sequence),
            at: .milliseconds(try c.decode(Double.self, forKey: .atMs)),
            path: try c.decode(String.self, forKey: .path),
            model: try c.decodeIfPresent(String.self, forKey: .model),
            provider: try c.decode(String.self, forKey: .provider),
            requestID: try c.decode(String.self, forKey: .requestID),
            attempt: try c.decode(Int.self, forKey: .attempt),
            correlation: try c.decode(String.self, forKey: .correlation),
            stream: try c.decode(Bool.self, forKey: .stream),
            faults: try c.decode([String].self, forKey: .faults),
            faultKinds: try c.decode([String].self, forKey: .faultKinds),
            status: try c.decode(Int.self, forKey: .status),
            errorType: try c.decodeIfPresent(String.self, forKey: .errorType),
            ending: try c.decode(String.self, forKey: .ending),
            latency: .milliseconds(try c.decode(Double.self, forKey: .latencyMs)),
            inputTokens: try c.decode(Int.self, forKey: .inputTokens),
            outputTokens: try c.decode(Int.self, forKey: .outputTokens),
            responseID: try c.decode(String.self, forKey: .responseID),
            answerKind: try c.decode(String.self, forKey: .answerKind),
            quality: try c.decodeIfPresent(String.self, forKey: .quality),
            retryAfter: try c.decodeIfPresent(Double.self, forKey: .retryAfterMs).map { .milliseconds($0) }
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(at.milliseconds, forKey: .atMs)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encode(provider, forKey: .provider)
        try c.encode(requestID, forKey: .requestID)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(correlation, forKey: .correlation)
        try c.encode(stream, forKey: .stream)
        try c.encode(faults, forKey: .faults)
        try c.encode(faultKinds, forKey: .faultKinds)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(errorType, forKey: .errorType)
        try c.encode(ending, forKey: .ending)
        try c.encode(latency.milliseconds, forKey: .latencyMs)
        try c.encode(inputTokens, forKey: .inputTokens)
        try c.encode(outputTokens, forKey: .outputTokens)
        try c.encode(responseID, forKey: .responseID)
        try c.encode(answerKind, forKey: .answerKind)
        try c.encodeIfPresent(quality, forKey: .quality)
        try c.encodeIfPresent(retryAfter?.milliseconds, forKey: .retryAfterMs)
    }
}
