import Foundation

/// The one source of time for everything that runs a scenario.
///
/// Every duration a scenario names (fault windows, injected latency, retry delays)
/// is *scenario time*. A clock maps scenario time onto the real world: a
/// ``ScaledClock`` runs `timeScale` times faster than wall time, a ``ManualClock``
/// only moves when a test moves it. Code that needs "now" or "wait" asks a clock,
/// never `Date()` or `Task.sleep`, so time compression and replays work everywhere.
///
/// ```
/// scenario: |---- 2m ----|---- fault window 2m ----|
/// real @60: |--- 2s ---|--------- 2s -------|
/// ```
public protocol ScenarioClock: Sendable {
    /// How many scenario seconds pass per real second.
    var timeScale: Double { get }

    /// Scenario time elapsed since the clock started.
    func now() -> Duration

    /// Suspends for `duration` of scenario time. Throws `CancellationError` when the
    /// task is cancelled.
    func sleep(for duration: Duration) async throws

    /// The wall-clock date at which scenario time `offset` happens; for wire formats
    /// that carry absolute times (RFC 3339 rate-limit resets).
    func wallDate(at offset: Duration) -> Date
}

extension ScenarioClock {
    /// The real duration that `scenarioDuration` takes on this clock.
    public func realDuration(of scenarioDuration: Duration) -> Duration {
        timeScale == 1 ? scenarioDuration : scenarioDuration / timeScale
    }

    /// The scenario duration that passes during `realDuration` of wall time.
    public func scenarioDuration(ofReal realDuration: Duration) -> Duration {
        timeScale == 1 ? realDuration : realDuration * timeScale
    }

    /// Suspends until scenario time reaches `offset`; returns at once if it has passed.
    public func sleep(until offset: Duration) async throws {
        let remaining = offset - now()
        if remaining > .zero { try await sleep(for: remaining) }
    }
}

extension Duration {
    /// The duration as a floating-point number of seconds.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }

    /// The duration as a floating-point number of milliseconds.
    public var milliseconds: Double { seconds * 1000 }
}
