import ChaosCore
import Scenario

/// The answer starts, then stops: after `after_deltas` deltas (or `after` a share
/// of the answer; default half) nothing more is sent — no pings either — for `cap`
/// (default 10m), then the connection closes. A JSON answer stops half-way
/// through its body.
public struct StallFault: Fault {
    public static let kind = "stall"
    public let at: FaultEffect.BreakPoint
    public let cap: Duration

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems),
              let at = FaultParameters.breakPoint(reader, kind: Self.kind),
              let cap = FaultParameters.duration(reader, "cap", kind: Self.kind, default: .seconds(600)) else { return nil }
        reader.finish()
        self.at = at; self.cap = cap
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.endpoint == .messages else { return nil }
        return FaultEffect(outcome: .broken(.stall(cap), at: at))
    }
}
