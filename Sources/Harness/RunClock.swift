import ChaosCore
import Foundation
import Synchronization

/// A scaled clock whose zero is set when the run starts, not when it is made: the
/// mock and the pipeline need a clock before they exist, and setting them up must
/// not eat the first seconds of the scenario. Before ``start()`` it reads zero.
final class RunClock: ScenarioClock {
    let timeScale: Double
    private let base = ContinuousClock.now
    private let baseDate = Date()
    /// Nanoseconds from `base` to scenario time zero; -1 until started.
    private let originNanos = Atomic<Int64>(-1)

    init(timeScale: Double) {
        precondition(timeScale > 0, "time scale must be positive")
        self.timeScale = timeScale
    }

    /// Makes now scenario time zero.
    func start() {
        let elapsed = ContinuousClock.now - base
        originNanos.store(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000, ordering: .relaxed)
    }

    private var origin: Duration? {
        let nanos = originNanos.load(ordering: .relaxed)
        return nanos < 0 ? nil : .nanoseconds(nanos)
    }

    func now() -> Duration {
        guard let origin else { return .zero }
        return scenarioDuration(ofReal: (ContinuousClock.now - base) - origin)
    }

    func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return try Task.checkCancellation() }
        try await Task.sleep(for: realDuration(of: duration))
    }

    func wallDate(at offset: Duration) -> Date {
        let origin = origin ?? (ContinuousClock.now - base)
        return baseDate.addingTimeInterval((origin + realDuration(of: offset)).seconds)
    }
}
