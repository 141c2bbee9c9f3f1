import ChaosCore

/// The judgement of one expectation: pass or fail, what was measured, and the
/// evidence an engineer needs to open the RunLog at the right spot.
public struct Verdict: Codable, Sendable, Equatable {
    public var kind: String
    /// The expectation as written (``Expectation/summary``).
    public var expectation: String
    public var passed: Bool
    /// The measurement, in one line: "46 of 50 (92%) served by claude-sonnet-4-6".
    public var measured: String
    /// Further lines: the window, the counts, why it failed.
    public var evidence: [String]
    /// The first requests that broke it, oldest first.
    public var offenders: [Offender]
    /// The slack allowed for clock noise, when the check compares times.
    public var tolerance: String?

    public init(kind: String, expectation: String, passed: Bool, measured: String, evidence: [String] = [], offenders: [Offender] = [], tolerance: String? = nil) {
        self.kind = kind; self.expectation = expectation; self.passed = passed; self.measured = measured
        self.evidence = evidence; self.offenders = offenders; self.tolerance = tolerance
    }

    /// How many offenders a verdict lists; the counts say how many there were.
    public static let offenderLimit = 5
}

/// A request (or alert) that broke an expectation.
public struct Offender: Codable, Sendable, Equatable, CustomStringConvertible {
    public var requestID: String
    @Milliseconds public var at: Duration
    public var reason: String

    public init(requestID: String, at: Duration, reason: String) {
        self.requestID = requestID; self.at = at; self.reason = reason
    }

    public var description: String { "\(requestID) at \(DurationText.format(at)): \(reason)" }
}

extension Expectation {
    /// A verdict for this expectation.
    func verdict(_ passed: Bool, _ measured: String, evidence: [String] = [], offenders: [Offender] = [], tolerance: Duration? = nil) -> Verdict {
        Verdict(
            kind: Self.kind, expectation: summary, passed: passed, measured: measured, evidence: evidence,
            offenders: Array(offenders.prefix(Verdict.offenderLimit)), tolerance: tolerance.map { "±" + DurationText.format($0) }
        )
    }
}
