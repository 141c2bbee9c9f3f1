import ChaosCore
import Synchronization

/// Collects a run's events from many tasks and writes them to the ``RunStore`` in
/// batches: recording is a lock and an append, so it never waits on SQLite, and
/// ``flush()`` (on a timer, and at the end) writes what has gathered in one
/// transaction.
public final class RunRecorder: Sendable {
    public let runID: String
    let store: RunStore
    private let pending = Mutex<[RunEvent]>([])
    private let written: Mutex<RunLog>
    private let failure = Mutex<String?>(nil)

    public init(store: RunStore, info: RunInfo) {
        self.store = store
        self.runID = info.runID
        self.written = Mutex(RunLog(info: info))
    }

    /// Takes the event over: a copy of a request's record retains each of its
    /// strings, and this is once per request.
    public func record(_ event: consuming RunEvent) {
        var event = Optional(event)
        pending.withLock { $0.append(event.take()!) }
    }

    /// Writes everything recorded so far.
    public func flush() async {
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        do { try await store.append(batch, runID: runID) } catch {
            failure.withLock { $0 = $0 ?? "\(error)" }
        }
        // Moved into the log, not copied (see `record`): the batch is taken apart
        // from its end, so it is reversed first to keep the order.
        var events = consume batch
        events.reverse()
        written.withLock { log in while let event = events.popLast() { log.add(event) } }
    }

    /// Everything flushed so far, as a log (the verdicts judge this, and the
    /// stored copy is identical, so `llmchaos report` judges the same).
    public var log: RunLog { written.withLock { $0 } }

    /// The first error writing to the store, if any.
    public var writeError: String? { failure.withLock { $0 } }
}
