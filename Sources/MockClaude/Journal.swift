import ChaosCore
import DequeModule
import Synchronization

/// Every attempt the mock served, in completion order, for `/_chaos/journal` and
/// the harness's RunLog. Bounded: past `capacity` the oldest entries go and are
/// counted as dropped, so a long soak cannot exhaust memory.
///
/// Appends take one of several shard locks chosen by sequence number, so
/// concurrent requests rarely meet on the same lock. Each shard is a ring (a
/// `Deque`) kept in sequence order: dropping the oldest moves nothing (an array
/// moved every kept entry, megabytes under the lock, each time a full journal
/// dropped some), and a read of the new entries, which the harness makes four
/// times a second, finds them by binary search instead of looking at every entry.
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

    private struct Shard: Sendable {
        var entries = Deque<UpstreamAttempt>()
        /// The highest number appended: an entry numbered above it is simply appended
        /// (reading the last entry's number would copy the whole entry).
        var highest = 0
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
        // Moved into the lock's closure, not copied: an entry is twenty fields.
        var entry = Optional(attempt)
        let overflow = shard.withLock { shard -> Bool in
            Self.insertInOrder(entry.take()!, into: &shard)
            guard shard.entries.count > limit else { return false }
            // One at a time: a ring drops its oldest without moving the rest.
            shard.entries.removeFirst()
            return true
        }
        if overflow { dropped.add(1, ordering: .relaxed) }
    }

    /// Appends, then moves the entry back past any later-numbered one.
    private static func insertInOrder(_ entry: consuming UpstreamAttempt, into shard: inout Shard) {
        let number = entry.sequence
        shard.entries.append(entry)
        guard number < shard.highest else { shard.highest = number; return }
        var index = shard.entries.count - 1
        while index > 0, shard.entries[index - 1].sequence > number {
            shard.entries.swapAt(index - 1, index)
            index -= 1
        }
    }

    /// Entries with a sequence number above `after`, oldest first, at most `limit`.
    public func entries(after: Int = 0, limit: Int = .max) -> [UpstreamAttempt] {
        var all: [UpstreamAttempt] = []
        for shard in shards {
            shard.withLock { shard in
                let first = Self.firstIndex(in: shard.entries, after: after)
                // The oldest `limit` of all are among the oldest `limit` of each shard.
                all.append(contentsOf: shard.entries[first...].prefix(limit))
            }
        }
        all.sort { $0.sequence < $1.sequence }
        return Array(all.prefix(limit))
    }

    /// The first position in a shard holding a sequence number above `after`.
    private static func firstIndex(in entries: Deque<UpstreamAttempt>, after: Int) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].sequence > after { high = middle } else { low = middle + 1 }
        }
        return low
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
