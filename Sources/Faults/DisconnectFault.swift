import ChaosCore
import Scenario

/// The connection drops mid-answer: after `after_deltas` deltas (or `after` a share;
/// default half), closed with a FIN (`mode: close`, the default) or reset with an
/// RST (`mode: reset`). `after_deltas: 0` drops it before any byte is sent.
public struct DisconnectFault: Fault {
    public static let kind = "disconnect"
    public let at: FaultEffect.BreakPoint
    public let reset: Bool

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems),
              let at = FaultParameters.breakPoint(reader, kind: Self.kind) else { return nil }
        var reset = false
        if let mode = reader.optional("mode") {
            switch mode.scalarText {
            case "close": reset = false
            case "reset": reset = true
            default:
                problems.add("inject.disconnect.mode must be close or reset, found \(mode.kindDescription)", at: mode)
                return nil
            }
        }
        reader.finish()
        self.at = at; self.reset = reset
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.endpoint == .messages else { return nil }
        return FaultEffect(outcome: .broken(.disconnect(reset: reset), at: at))
    }
}
