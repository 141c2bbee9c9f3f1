// The two events a run writes per request and per upstream attempt, encoded by
// hand (see ``JSONObjectWriter``); the rare ones keep their `Codable` encoding.
// A field added to either type must be added here too: the tests compare these
// with `JSONEncoder`'s output for every field set and unset.

extension RequestRecord {
    /// The record as `JSONEncoder` writes it (`.sortedKeys`, `.withoutEscapingSlashes`).
    public func json() throws -> String {
        var json = JSONObjectWriter()
        try json.add("cost", cost)
        json.addIfPresent("error", error)
        json.add("failures", failures)
        try json.add("finished", finished.milliseconds)
        json.add("grade", grade.rawValue)
        json.add("index", index)
        try json.addIfPresent("interTokenLatency", interTokenLatency?.milliseconds)
        json.add("outcome", outcome.rawValue)
        json.addIfPresent("questionID", questionID)
        json.add("requestID", requestID)
        try json.add("scheduled", scheduled.milliseconds)
        json.addIfPresent("servedBy", servedBy)
        try json.add("started", started.milliseconds)
        json.addIfPresent("status", status)
        json.add("tenant", tenant)
        try json.addIfPresent("timeToFirstToken", timeToFirstToken?.milliseconds)
        json.add("upstreamAttempts", upstreamAttempts)
        json.addIfPresent("variant", variant)
        return json.finish()
    }
}

extension UpstreamAttempt {
    /// The attempt as `JSONEncoder` writes it (`.sortedKeys`, `.withoutEscapingSlashes`).
    public func json() throws -> String {
        var json = JSONObjectWriter()
        json.add("answer_kind", answerKind)
        try json.add("at_ms", at.milliseconds)
        json.add("attempt", attempt)
        json.add("correlation", correlation)
        json.add("ending", ending)
        json.addIfPresent("error_type", errorType)
        json.add("fault_kinds", faultKinds)
        json.add("faults", faults)
        json.add("input_tokens", inputTokens)
        try json.add("latency_ms", latency.milliseconds)
        json.addIfPresent("model", model)
        json.add("output_tokens", outputTokens)
        json.add("path", path)
        json.add("provider", provider)
        json.addIfPresent("quality", quality)
        json.add("request_id", requestID)
        json.add("response_id", responseID)
        try json.addIfPresent("retry_after_ms", retryAfter?.milliseconds)
        json.add("sequence", sequence)
        json.add("status", status)
        json.add("stream", stream)
        return json.finish()
    }
}
