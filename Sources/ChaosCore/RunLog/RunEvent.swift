/// One entry of a RunLog as it is written while the run goes.
public enum RunEvent: Sendable, Equatable {
    case upstreamAttempt(UpstreamAttempt)
    case requestFinished(RequestRecord)
    case alert(AlertRecord)
    case qualitySample(QualityRecord)
    case phase(PhaseRecord)

    /// The name stored with the event.
    public var kind: String {
        switch self {
        case .upstreamAttempt: "upstreamAttempt"
        case .requestFinished: "requestFinished"
        case .alert: "alert"
        case .qualitySample: "qualitySample"
        case .phase: "phase"
        }
    }

    /// Scenario time of the event (a request's end; a phase's start).
    public var at: Duration {
        switch self {
        case let .upstreamAttempt(event): event.at
        case let .requestFinished(event): event.finished
        case let .alert(event): event.at
        case let .qualitySample(event): event.at
        case let .phase(event): event.start
        }
    }
}

extension RunLog {
    /// Adds an event to the arrays it belongs in.
    public mutating func add(_ event: consuming RunEvent) {
        switch consume event {
        case let .upstreamAttempt(event): attempts.append(event)
        case let .requestFinished(event): requests.append(event)
        case let .alert(event): alerts.append(event)
        case let .qualitySample(event): quality.append(event)
        case let .phase(event): phases.append(event)
        }
    }
}
