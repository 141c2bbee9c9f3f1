import AnthropicAPI
import Faults
import Foundation

/// A Message Batch as the mock keeps it. Every request's fate is decided when
/// the batch is created (its faults are a function of the seed, the request and
/// its attempt); what the batch shows at a moment follows from those fates, the
/// moment and a cancel, so polling never changes an outcome.
///
/// ```
/// created ──item ends (its latency)──…──last item ends = ended      (≤ expires, +24h)
///         ──cancel at c──→ ended at c: items not over by c are canceled
/// ```
struct StoredBatch: Owned {
    /// One request of the batch and what it comes to, unless a cancel comes first.
    struct Item: Sendable {
        var customID: String
        var result: BatchResult
        /// Scenario time its processing is over: its answer's latency after the
        /// batch was created, the batch's expiry for a request that hangs.
        var end: Duration
        /// What the journal records once the batch ends; nil once it has.
        var record: Record?
    }

    struct Record: Sendable {
        var exchange: MessagesRoute.Exchange
        var decision: FaultDecision
        var answer: PlannedAnswer?
    }

    let id: String
    let apiKey: String
    let created: Duration
    let expires: Duration
    var items: [Item]
    private(set) var cancelInitiated: Duration?
    /// `http://host[/p/provider]`, where the results are fetched from.
    let base: String
    /// When processing ends: the last request's end, the expiry, or a cancel.
    /// Kept, not worked out per question: every item's result asks it.
    private(set) var end: Duration

    init(id: String, apiKey: String, created: Duration, expires: Duration, items: [Item], base: String) {
        self.id = id; self.apiKey = apiKey; self.created = created; self.expires = expires
        self.items = items; self.base = base
        self.end = min(expires, items.map(\.end).max() ?? created)
    }

    /// Ends the batch at `now`: what is still processing is canceled.
    mutating func cancel(at now: Duration) {
        cancelInitiated = now
        end = min(end, now)
    }

    func hasEnded(at now: Duration) -> Bool { now >= end }

    /// Whether its requests are in the journal: their records go once they are.
    var journaled: Bool { items.first?.record == nil }

    /// An item's result as the batch ends: canceled when the cancel came first.
    func finalResult(_ item: Item) -> BatchResult {
        item.end <= end || cancelInitiated == nil ? item.result : .canceled
    }

    func counts(at now: Duration) -> MessageBatch.RequestCounts {
        guard hasEnded(at: now) else { return MessageBatch.RequestCounts(processing: items.count) }
        var counts = MessageBatch.RequestCounts()
        for item in items {
            switch finalResult(item) {
            case .succeeded: counts.succeeded += 1
            case .errored: counts.errored += 1
            case .canceled: counts.canceled += 1
            case .expired: counts.expired += 1
            }
        }
        return counts
    }

    /// The batch as the API shows it at `now`; `canceling` only for the answer to
    /// the cancel itself, since the mock's cancel ends the batch at once.
    func wire(at now: Duration, wallDate: (Duration) -> Date, canceling: Bool = false) -> MessageBatch {
        let ended = hasEnded(at: now) && !canceling
        return MessageBatch(
            id: id, processingStatus: ended ? .ended : canceling ? .canceling : .inProgress,
            requestCounts: canceling ? MessageBatch.RequestCounts(processing: items.count) : counts(at: now),
            createdAt: Self.rfc3339(wallDate(created)), expiresAt: Self.rfc3339(wallDate(expires)),
            endedAt: ended ? Self.rfc3339(wallDate(end)) : nil,
            cancelInitiatedAt: cancelInitiated.map { Self.rfc3339(wallDate($0)) },
            resultsURL: ended ? "\(base)/v1/messages/batches/\(id)/results" : nil
        )
    }

    /// The results file: one line per request, in the order they were sent (the
    /// API promises no order; clients join on `custom_id`).
    func results() -> [UInt8] {
        var out: [UInt8] = []
        for item in items { out += finalResult(item).line(customID: item.customID) }
        return out
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
