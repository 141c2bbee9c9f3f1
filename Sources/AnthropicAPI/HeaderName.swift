/// Header names of the Messages API and of llmchaos's correlation scheme.
public enum HeaderName {
    public static let apiKey = "x-api-key"
    public static let authorization = "authorization"
    public static let anthropicVersion = "anthropic-version"
    /// Comma-separated beta features the request opts into.
    public static let anthropicBeta = "anthropic-beta"
    public static let requestID = "request-id"
    public static let retryAfter = "retry-after"
    public static let retryAfterMs = "retry-after-ms"
    public static let shouldRetry = "x-should-retry"
    /// The logical request id that llmchaos's load driver and pipeline send upstream.
    public static let llmchaosRequest = "x-llmchaos-request"
    /// The attempt number (1 for the first try) that goes with `x-llmchaos-request`.
    public static let llmchaosAttempt = "x-llmchaos-attempt"
    /// Names of the faults the mock applied, on every response it shaped.
    public static let llmchaosFaults = "x-llmchaos-faults"
    /// Sent by the official Anthropic SDKs: 0 on the first try, then 1, 2, …
    public static let stainlessRetryCount = "x-stainless-retry-count"

    /// The twelve `anthropic-ratelimit-*` headers, in the order the API documents them.
    public static func rateLimit(_ resource: RateLimitResource, _ field: RateLimitField) -> String {
        "anthropic-ratelimit-\(resource.rawValue)-\(field.rawValue)"
    }
}

/// What a rate limit counts.
public enum RateLimitResource: String, CaseIterable, Sendable {
    case requests
    case tokens
    case inputTokens = "input-tokens"
    case outputTokens = "output-tokens"
}

/// Which figure of a rate limit a header carries.
public enum RateLimitField: String, CaseIterable, Sendable {
    case limit, remaining, reset
}
