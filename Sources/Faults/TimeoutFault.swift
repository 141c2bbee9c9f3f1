import ChaosCore
import Scenario

/// The request hangs: no headers, no bytes, until the client gives up; if it never
/// does, a 504 `timeout_error` after `cap` (default 10m) so nothing hangs forever.
public struct TimeoutFault: Fault {
    public static let kind = "timeout"
    public let cap: Duration

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems),
              let cap = FaultParameters.duration(reader, "cap", kind: Self.kind, default: .seconds(600)) else { return nil }
        reader.finish()
        self.cap = cap
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        FaultEffect(outcome: .hang(cap))
    }
}
