/// Everything one scenario run recorded: the single source of truth of every
/// verdict and report. Verdicts are pure functions of it, so a stored run can be
/// judged again later, and a hand-written one makes a verdict test exact.
public struct RunLog: Codable, Sendable, Equatable {
    public var info: RunInfo
    public var attempts: [UpstreamAttempt]
    public var requests: [RequestRecord]
    public var alerts: [AlertRecord]
    public var quality: [QualityRecord]
    public var phases: [PhaseRecord]

    public init(
        info: RunInfo, attempts: [UpstreamAttempt] = [], requests: [RequestRecord] = [],
        alerts: [AlertRecord] = [], quality: [QualityRecord] = [], phases: [PhaseRecord] = []
    ) {
        self.info = info; self.attempts = attempts; self.requests = requests
        self.alerts = alerts; self.quality = quality; self.phases = phases
    }

    /// The window of the named fault, if the run had it.
    public func faultWindow(_ name: String) -> PhaseRecord? {
        phases.first { $0.kind == .fault && $0.name == name }
    }

    /// Attempts at generating an answer (`/v1/messages`, not token counts or model lists).
    public var messageAttempts: [UpstreamAttempt] {
        attempts.filter { $0.path.hasSuffix("/v1/messages") }
    }
}

/// What a run was: its scenario, seed, clock, and how it ended.
public struct RunInfo: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case running, completed, aborted
        /// The target (or the mock) could not be started: nothing was sent.
        case notStarted = "not_started"
        /// It completed and failed while the harness was short of CPU, and was run
        /// again: a later attempt's verdicts are the ones that count.
        case superseded
    }

    /// Why an aborted run stopped: a sweep reads a level cut short by Ctrl-C as
    /// unmeasured, but one stopped over its time budget as the load it could not carry.
    public enum StopCause: String, Codable, Sendable {
        case interrupted
        case overBudget = "over_budget"

        public var description: String {
            switch self {
            case .interrupted: "interrupted"
            case .overBudget: "stopped over its time budget"
            }
        }
    }

    /// `<invocation>/<scenario name>`, and `#2`, `#3` after it for the attempts of a
    /// run that failed while the harness was short of CPU.
    public var runID: String
    public var scenario: String
    public var file: String
    public var seed: UInt64
    public var timeScale: Double
    @Milliseconds public var duration: Duration
    /// `builtin`, or the external target's URL.
    public var target: String
    public var status: Status
    /// Requests the open model could not send because too many were in flight.
    public var droppedRequests: Int
    /// Journal entries the mock dropped for capacity (the RunLog then misses them).
    public var droppedAttempts: Int
    /// Why a `notStarted` run did not start, with the target's last output.
    public var startProblem: String?
    /// How late the harness's timers woke while the run played; nil for a run that
    /// did not play (or was stored before it was measured).
    public var timerLateness: TimerLateness?
    /// Set when the run was aborted; nil for runs stored before it was recorded.
    public var stopCause: StopCause?
    /// 2 and on for a scenario run again because it failed while the harness was
    /// short of CPU; nil for a first attempt.
    public var attempt: Int?

    public init(
        runID: String, scenario: String, file: String = "", seed: UInt64 = 0, timeScale: Double = 1,
        duration: Duration, target: String = "builtin", status: Status = .completed,
        droppedRequests: Int = 0, droppedAttempts: Int = 0, startProblem: String? = nil
    ) {
        self.runID = runID; self.scenario = scenario; self.file = file; self.seed = seed
        self.timeScale = timeScale; self.duration = duration; self.target = target; self.status = status
        self.droppedRequests = droppedRequests; self.droppedAttempts = droppedAttempts; self.startProblem = startProblem
    }

    /// What every report says of a run that did not complete; nil when it did.
    public var incompletion: String? {
        switch status {
        case .completed: nil
        case .running: "the run was \(status.rawValue) and did not complete; its verdicts judge a partial log"
        case .aborted: "the run was aborted\(stopCause.map { " (\($0.description))" } ?? "") and did not complete; its verdicts judge a partial log"
        case .notStarted: "the target could not be started: " + (startProblem ?? "no reason was recorded")
        case .superseded: "the run failed while the harness was short of CPU and was run again; a later attempt has the verdicts that count"
        }
    }

    /// The warning every report gives when the machine may have set the latencies.
    public var saturation: String? { timerLateness?.warning(timeScale: timeScale) }

    /// How far apart two scenario times may be and still count as one: real-time
    /// scheduling noise (tens of milliseconds on a loaded machine) grows by the
    /// time scale when read on the scenario clock.
    public var timeTolerance: Duration {
        max(.milliseconds(50), .milliseconds(15) * timeScale)
    }
}

extension Array where Element == Duration {
    /// Nearest-rank percentile of values sorted ascending: the smallest value with
    /// at least `p`% of the values at or below it; zero when there are none.
    public func percentile(_ p: Double) -> Duration {
        guard !isEmpty else { return .zero }
        let rank = Int((p / 100 * Double(count)).rounded(.up))
        return self[Swift.min(count - 1, Swift.max(0, rank - 1))]
    }
}
