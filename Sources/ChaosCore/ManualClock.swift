import Foundation
import Synchronization

/// A clock that moves only when told to: tests advance it and every sleeper whose
/// deadline has passed wakes up, in deadline order. No test waits for real time.
public final class ManualClock: ScenarioClock {
    public let timeScale: Double

    private struct Sleeper {
        let id: UInt64
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var cancelled: Set<UInt64> = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// Waiters whose count of sleepers is reached; removed from the list.
        mutating func readyWaiters() -> [CheckedContinuation<Void, Never>] {
            let n = sleepers.count
            let ready = waiters.filter { $0.count <= n }.map(\.continuation)
            waiters.removeAll { $0.count <= n }
            return ready
        }
    }

    private let state = Mutex(State())
    private let originDate: Date

    /// - Parameters:
    ///   - timeScale: reported scale, for code that converts to real durations.
    ///   - originDate: the wall date of scenario time zero.
    public init(timeScale: Double = 1, originDate: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        self.timeScale = timeScale
        self.originDate = originDate
    }

    public func now() -> Duration { state.withLock { $0.now } }

    /// How many tasks are suspended in `sleep`; lets a test wait until a sleeper
    /// has arrived before it advances.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let (resumeNow, ready) = state.withLock { s -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    if s.cancelled.remove(id) != nil { return (.failure(CancellationError()), []) }
                    if duration <= .zero { return (.success(()), []) }
                    s.sleepers.append(Sleeper(id: id, deadline: s.now + duration, continuation: c))
                    return (nil, s.readyWaiters())
                }
                for waiter in ready { waiter.resume() }
                if let resumeNow { c.resume(with: resumeNow) }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { s in
                if let i = s.sleepers.firstIndex(where: { $0.id == id }) { return s.sleepers.remove(at: i) }
                s.cancelled.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns once at least `count` tasks are suspended in `sleep`: a test starts
    /// work, waits for it to reach its sleep, then advances — no real waiting.
    public func sleepers(atLeast count: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if s.sleepers.count >= count { return true }
                s.waiters.append((count, c))
                return false
            }
            if now { c.resume() }
        }
    }

    /// Moves time forward by `duration` and wakes every sleeper that is due.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { s in
            s.now += duration
            let now = s.now
            let ready = s.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= now }
            return ready
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func wallDate(at offset: Duration) -> Date {
        originDate.addingTimeInterval(offset.seconds)
    }
}
