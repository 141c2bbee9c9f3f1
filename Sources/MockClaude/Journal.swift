import ChaosCore
import Synchronization

/// Every attempt the mock served, in completion order, for `/_chaos/journal` and
/// the harness's RunLog. Bounded: past `capacity` the oldest entries go and are
/// counted as dropped, so a long soak cannot exhaust memory.
///
/// Appends take one of several shard locks chosen by sequence number, so
/// concurrent requests rarely meet on the same lock.
public final class Journal: Sendable {
    private static let shardCount = 8
    private let sequence = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let shards: [Locked<[UpstreamAttempt]>]
    private let capacityPerShard: Int

    public init(capacity: Int) {
        capacityPerShard = max(1, capacity / Self.shardCount)
        shards = (0..<Self.shardCount).map { _ in Locked([]) }
    }

    /// Records an attempt, giving it the next sequence number.
    @discardableResult
    public func append(_ attempt: UpstreamAttempt) -> Int {
        var entry = attempt
        entry.sequence = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        let limit = capacityPerShard
        let overflow = shards[entry.sequence % Self.shardCount].withLock { shard -> Bool in
            shard.append(entry)
            guard shard.count > limit else { return false }
            // Drop the oldest eighth at once so trimming is rare, not per append.
            shard.removeFirst(max(1, limit / 8))
            return true
        }
        if overflow { dropped.add(max(1, limit / 8), ordering: .relaxed) }
        return entry.sequence
    }

    /// Entries with a sequence number above `after`, oldest first, at most `limit`.
    public func entries(after: Int = 0, limit: Int = .max) -> [UpstreamAttempt] {
        var all: [UpstreamAttempt] = []
        for shard in shards {
            shard.withLock { entries in all.append(contentsOf: entries.lazy.filter { $0.sequence > after }) }
        }
        all.sort { $0.sequence < $1.sequence }
        return Array(all.prefix(limit))
    }

    /// The highest sequence number given so far.
    public var lastSequence: Int { sequence.load(ordering: .relaxed) }
    /// Entries dropped for capacity.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }

    /// Forgets everything; numbering restarts at 1.
    public func reset() {
        for shard in shards { shard.withLock { $0.removeAll() } }
        sequence.store(0, ordering: .relaxed)
        dropped.store(0, ordering: .relaxed)
    }
}
