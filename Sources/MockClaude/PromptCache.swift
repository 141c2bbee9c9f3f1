import AnthropicAPI
import ChaosCore

/// Prompt-prefix caching as the API does it: the first request whose prefix (up to
/// the last `cache_control` block) is new pays `cache_creation_input_tokens`; the
/// same prefix from the same key and model within the TTL (5 minutes of scenario
/// time, refreshed on each hit) is `cache_read_input_tokens`.
final class PromptCache: Sendable {
    private let shards: [Locked<[UInt64: Duration]>] = (0..<8).map { _ in Locked([:]) }
    let ttl: Duration

    init(ttl: Duration = .seconds(300)) { self.ttl = ttl }

    /// Splits the request's input tokens into (uncached, created, read).
    func usage(
        for request: MessagesRequest, apiKey: String, inputTokens: Int, media: MediaInput.Tally = MediaInput.Tally(), tokenizer: Tokenizer, now: Duration
    ) -> Usage {
        guard let prefix = request.cacheablePrefix else { return Usage(inputTokens: inputTokens, outputTokens: 0) }
        let prefixTokens = min(inputTokens, tokenizer.count(prefix) + media.prefixTokens)
        let key = StableHash.hash([apiKey, request.model, prefix] + media.prefixIdentity)
        let ttl = self.ttl
        let hit = shards[Int(key % 8)].withLock { entries -> Bool in
            let fresh = entries[key].map { now - $0 < ttl } ?? false
            entries[key] = now
            return fresh
        }
        return Usage(
            inputTokens: inputTokens - prefixTokens, outputTokens: 0,
            cacheCreationInputTokens: hit ? 0 : prefixTokens, cacheReadInputTokens: hit ? prefixTokens : 0
        )
    }

    func reset() { for shard in shards { shard.withLock { $0.removeAll() } } }
}
