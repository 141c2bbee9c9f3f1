import HTTPTypes
import Synchronization

/// Requests the fast path read but could not answer at once (a delay, a stream, a
/// judge's query), waiting for the Hummingbird route to take them over. The fast
/// path forwards such a request with a token in an internal header; what it
/// already did (fingerprint, prompt cache, token buckets) is not done twice.
final class Handoffs: Sendable {
    /// Set only by the fast path; a client's own is removed before routing.
    static let headerName = "x-llmchaos-handoff"
    static let header = HTTPField.Name(headerName)!

    enum Stage: Sendable {
        case received(MessagesRoute.Received)
        case decided(MessagesRoute.Decided)
    }

    private let counter = Atomic<UInt64>(0)
    private let waiting = Mutex<[UInt64: Stage]>([:])

    func put(_ stage: Stage) -> String {
        let token = counter.wrappingAdd(1, ordering: .relaxed).newValue
        waiting.withLock { $0[token] = stage }
        return String(token)
    }

    /// The stage for a token, once: nil when unknown or taken.
    func take(_ token: String) -> Stage? {
        guard let key = UInt64(token) else { return nil }
        return waiting.withLock { $0.removeValue(forKey: key) }
    }

    var count: Int { waiting.withLock { $0.count } }
}
