import Scenario

extension FaultMatchSpec {
    /// Whether a request is one this fault may touch: every field set must match.
    public func matches(_ facts: RequestFacts) -> Bool {
        if let models {
            guard let model = facts.model, models.contains(where: { Glob.matches($0, model) }) else { return false }
        }
        if let providers, !providers.contains(facts.provider) { return false }
        if let apiKeys {
            guard let key = facts.apiKey, apiKeys.contains(key) else { return false }
        }
        if let paths, !paths.contains(where: { Glob.matches($0, facts.path) }) { return false }
        if let headers {
            for (name, value) in headers where facts.header(name) != value { return false }
        }
        if let stream, stream != facts.stream { return false }
        if let batch, batch != (facts.endpoint == .batchItem) { return false }
        if let attempts, !attempts.contains(facts.attempt) { return false }
        if let inputTokens, !inputTokens.contains(facts.promptTokens) { return false }
        return true
    }
}

/// `*` matches any run of characters; everything else matches itself.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard pattern.contains("*") else { return pattern == text }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text)
        for (i, part) in parts.enumerated() {
            if part.isEmpty { continue }
            if i == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if i == parts.count - 1 {
                return rest.hasSuffix(part)
            } else {
                guard let range = rest.range(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return parts.last?.isEmpty == true || rest.isEmpty
    }
}
