import Foundation

/// Real time multiplied by a scale: at `timeScale` 60, one real second is one
/// scenario minute. Starts at scenario time zero when created.
public struct ScaledClock: ScenarioClock {
    public let timeScale: Double
    private let origin: ContinuousClock.Instant
    // The only reading of the wall clock: it anchors scenario time to dates for
    // headers that carry absolute times. Everything else runs on `origin`.
    private let originDate: Date

    /// - Parameter timeScale: scenario seconds per real second; must be > 0.
    public init(timeScale: Double = 1) {
        precondition(timeScale > 0, "time scale must be positive")
        self.timeScale = timeScale
        self.origin = ContinuousClock.now
        self.originDate = Date()
    }

    public func now() -> Duration {
        scenarioDuration(ofReal: ContinuousClock.now - origin)
    }

    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return try Task.checkCancellation() }
        try await Task.sleep(for: realDuration(of: duration))
    }

    public func wallDate(at offset: Duration) -> Date {
        originDate.addingTimeInterval(realDuration(of: offset).seconds)
    }
}
