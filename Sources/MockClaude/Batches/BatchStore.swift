import ChaosCore
import Foundation

/// The Message Batches a mock holds, and when each ends: a timer on the scenario
/// clock journals a batch's requests as it ends (or at once when it is canceled),
/// so a run's journal holds every batch that ended, polled or not.
final class BatchStore: Sendable {
    private struct State: Sendable {
        var batches = OwnedItems<StoredBatch>()
        var created = 0
        /// Times each request (custom id and params) was sent in a batch: a
        /// request sent again is its next attempt, and gets the next draw of the
        /// weather, however long after.
        var attempts: [UInt64: Int] = [:]
        var timers: [String: Task<Void, Never>] = [:]
    }

    private let state = Locked(State())
    /// Requests in batches still processing (their exchanges' tickets, held
    /// until the batch is journaled): `/_chaos/health` shows them beside the
    /// HTTP requests in flight.
    let pending = InFlight()

    /// The next batch's number, from 1.
    func nextNumber() -> Int { state.withLock { $0.created += 1; return $0.created } }

    func nextAttempt(_ fingerprint: UInt64) -> Int {
        state.withLock { state in
            state.attempts[fingerprint, default: 0] += 1
            return state.attempts[fingerprint]!
        }
    }

    /// Keeps a new batch and starts the timer that journals it as it ends.
    func add(_ batch: StoredBatch, clock: any ScenarioClock, journal: @escaping @Sendable (StoredBatch) -> Void) {
        let id = batch.id, end = batch.end
        state.withLock { state in
            state.batches.add(batch)
            state.timers[id] = Task { [weak self] in
                do { try await clock.sleep(until: end) } catch { return }
                self?.ended(id, journal: journal)
            }
        }
    }

    func batch(_ id: String, apiKey: String) -> StoredBatch? { state.withLock { $0.batches.item(id, apiKey: apiKey) } }

    /// The key's batches, newest first.
    func list(apiKey: String) -> [StoredBatch] { state.withLock { $0.batches.newestFirst(apiKey: apiKey) } }

    /// Cancels a batch still processing and journals it as ended now. Nil when
    /// there is no such batch; the batch as it was when it has ended already.
    func cancel(_ id: String, apiKey: String, at now: Duration, journal: @Sendable (StoredBatch) -> Void) -> (batch: StoredBatch, canceled: Bool)? {
        let outcome: (StoredBatch, Bool)? = state.withLock { state in
            guard var batch = state.batches.item(id, apiKey: apiKey) else { return nil }
            guard !batch.hasEnded(at: now), batch.cancelInitiated == nil else { return (batch, false) }
            batch.cancel(at: now)
            state.batches[id] = batch
            state.timers.removeValue(forKey: id)?.cancel()
            return (batch, true)
        }
        if let (batch, canceled) = outcome, canceled { ended(batch.id, journal: journal) }
        return outcome
    }

    enum Deletion { case deleted, missing, processing }

    /// Deletes a batch that has ended, journaled first if its timer has not yet
    /// run (a client that deletes the moment it ends).
    func delete(_ id: String, apiKey: String, at now: Duration, journal: (StoredBatch) -> Void) -> Deletion {
        let found: Deletion = state.withLock { state in
            guard let batch = state.batches.item(id, apiKey: apiKey) else { return .missing }
            return batch.hasEnded(at: now) ? .deleted : .processing
        }
        guard found == .deleted else { return found }
        ended(id, journal: journal)
        _ = state.withLock { $0.batches.remove(id) }
        return .deleted
    }

    /// Journals a batch once, as it ends; its requests stop being pending.
    private func ended(_ id: String, journal: (StoredBatch) -> Void) {
        let batch: StoredBatch? = state.withLock { state in
            state.timers[id] = nil
            guard let batch = state.batches[id], !batch.journaled else { return nil }
            // The records hold the requests' tickets; the results need only the results.
            for index in batch.items.indices { state.batches[id]!.items[index].record = nil }
            return batch
        }
        if let batch { journal(batch) }
    }

    /// Forgets the attempts counted (the control API's reset); batches stay.
    func resetAttempts() { state.withLock { $0.attempts.removeAll() } }

    /// Stops the timers: a mock that stops journals nothing more.
    func stop() {
        let timers = state.withLock { state in
            defer { state.timers.removeAll() }
            return Array(state.timers.values)
        }
        for timer in timers { timer.cancel() }
    }
}
