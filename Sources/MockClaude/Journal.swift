import ChaosCore
import Synchronization

/// Every attempt the mock served, in completion order, for `/_chaos/journal` and
/// the harness's RunLog. Bounded: past `capacity` the oldest entries go and are
/// counted as dropped, so a long soak cannot exhaust memory.
///
/// Appends take one of several shard locks chosen by sequence number, so
/// concurrent requests rarely meet on the same lock. Each shard is a ring kept in
/// sequence order: dropping the oldest moves nothing (removing the first entries
/// of an array moved every kept one, megabytes under the lock, each time a full
/// journal dropped some), and a read of the new entries, which the harness makes
/// four times a second, finds them by binary search instead of looking at every entry.
public final class Journal: Sendable {
    private static let shardCount = 8
    private let sequence = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let shards: [Locked<Shard>]
    private let capacityPerShard: Int

    public init(capacity: Int) {
        capacityPerShard = max(1, capacity / Self.shardCount)
        shards = (0..<Self.shardCount).map { _ in Locked(Shard()) }
    }

    /// Oldest first from `head`: the array grows to the shard's capacity, then each
    /// new entry takes the oldest one's place. An array, not swift-collections'
    /// `Deque`, whose `append` copies the entry (twenty fields) where an array's
    /// append and assignment take it over.
    private struct Shard: Sendable {
        var ring: [UpstreamAttempt] = []
        var head = 0

        var count: Int { ring.count }

        /// The position in `ring` of the `i`th oldest entry.
        func slot(_ i: Int) -> Int {
            let slot = head + i
            return slot < ring.count ? slot : slot - ring.count
        }

        /// Keeps `entry`, in order; true when the oldest went to make room.
        mutating func keep(_ entry: consuming UpstreamAttempt, limit: Int) -> Bool {
            let number = entry.sequence, last = ring.isEmpty ? 0 : ring[slot(count - 1)].sequence
            let full = ring.count >= limit
            // Older than all a full shard keeps: it is the oldest, and goes.
            if full, number < last, number < ring[head].sequence { return true }
            if full {
                ring[head] = entry
                head = head + 1 == ring.count ? 0 : head + 1
            } else {
                ring.append(entry)
            }
            guard number < last else { return full }
            var i = count - 1
            while i > 0, ring[slot(i - 1)].sequence > number {
                ring.swapAt(slot(i - 1), slot(i))
                i -= 1
            }
            return full
        }

        /// How many of the oldest entries are numbered `after` or below.
        func countThrough(_ after: Int) -> Int {
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                if ring[slot(middle)].sequence > after { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }

    /// Records an attempt, giving it the next sequence number.
    @discardableResult
    public func append(_ attempt: consuming UpstreamAttempt) -> Int {
        let number = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        attempt.sequence = number
        store(attempt)
        return number
    }

    /// Keeps an attempt already numbered, in its shard's order. A request can take
    /// its number and be overtaken to the lock by one numbered after it.
    func store(_ attempt: consuming UpstreamAttempt) {
        let limit = capacityPerShard, shard = shards[attempt.sequence % Self.shardCount]
        // Moved into the lock's closure, not copied.
        var entry = Optional(attempt)
        if shard.withLock({ $0.keep(entry.take()!, limit: limit) }) { dropped.add(1, ordering: .relaxed) }
    }

    /// Entries with a sequence number above `after`, oldest first, at most `limit`.
    public func entries(after: Int = 0, limit: Int = .max) -> [UpstreamAttempt] {
        var all: [UpstreamAttempt] = []
        for shard in shards {
            shard.withLock { shard in
                // The oldest `limit` of all are among the oldest `limit` of each shard.
                let first = shard.countThrough(after), end = first + min(limit, shard.count - first)
                for i in first..<end { all.append(shard.ring[shard.slot(i)]) }
            }
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
        for shard in shards { shard.withLock { $0 = Shard() } }
        sequence.store(0, ordering: .relaxed)
        dropped.store(0, ordering: .relaxed)
    }
}
