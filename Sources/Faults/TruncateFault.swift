import ChaosCore
import Scenario

/// The body ends cleanly but too early: a stream without `content_block_stop`,
/// `message_delta` and `message_stop`, or a JSON document cut in half.
public struct TruncateFault: Fault {
    public static let kind = "truncate"
    public let at: FaultEffect.BreakPoint

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems),
              let at = FaultParameters.breakPoint(reader, kind: Self.kind) else { return nil }
        reader.finish()
        self.at = at
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        // A body cut short on the wire: a batch's requests have no wire.
        guard request.facts.endpoint == .messages else { return nil }
        return FaultEffect(outcome: .broken(.truncate, at: at))
    }
}
