import ChaosCore

/// Three token buckets — requests, input tokens, output tokens per minute — that
/// refill continuously in scenario time. A request passes only if all three hold
/// enough; otherwise nothing is taken and the wait until they would is returned.
struct TokenBucketSet: Sendable {
    struct Need { var requests: Int; var input: Int; var output: Int }

    struct Level: Sendable, Equatable {
        var name: String
        var limit: Int
        var remaining: Int
        var untilFull: Duration
        var fractionLeft: Double { limit == 0 ? 0 : Double(remaining) / Double(limit) }
    }

    struct Verdict {
        /// Nil when the request passed.
        var wait: Duration?
        /// The level that ran out, when one did.
        var binding: Level?
        var snapshot: [Level]
    }

    private var limits: [Double]
    private var available: [Double]
    private var last: Duration
    private static let names = ["requests", "input tokens", "output tokens"]

    init(limits: RateLimitFault.Limits, at now: Duration) {
        self.limits = [Double(limits.requestsPerMinute), Double(limits.inputTokensPerMinute), Double(limits.outputTokensPerMinute)]
        self.available = self.limits
        self.last = now
    }

    mutating func take(_ need: Need, at now: Duration) -> Verdict {
        refill(to: now)
        let needs = [Double(need.requests), Double(need.input), Double(need.output)]
        var wait: Duration = .zero
        var binding: Int?
        for i in 0..<3 where needs[i] > available[i] {
            // A request larger than a whole bucket waits for a full bucket and is
            // refused again: the API refuses such requests too.
            let deficit = min(needs[i], limits[i]) - available[i]
            let seconds = deficit / (limits[i] / 60)
            let w = Duration.milliseconds(max(1, (seconds * 1000).rounded(.up)))
            if w > wait || binding == nil { wait = max(wait, w); binding = i }
        }
        if binding == nil {
            for i in 0..<3 { available[i] -= needs[i] }
        }
        let levels = snapshot(at: now)
        return Verdict(wait: binding == nil ? nil : wait, binding: binding.map { levels[$0] }, snapshot: levels)
    }

    func snapshot(at now: Duration) -> [Level] {
        (0..<3).map { i in
            let missing = limits[i] - available[i]
            return Level(
                name: Self.names[i], limit: Int(limits[i]), remaining: max(0, Int(available[i].rounded(.down))),
                untilFull: .milliseconds((missing / (limits[i] / 60) * 1000).rounded(.up))
            )
        }
    }

    private mutating func refill(to now: Duration) {
        let elapsed = (now - last).seconds
        guard elapsed > 0 else { return }
        for i in 0..<3 { available[i] = min(limits[i], available[i] + elapsed * limits[i] / 60) }
        last = now
    }
}
