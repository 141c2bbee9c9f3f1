import AnthropicAPI
import ChaosCore
import Scenario

/// 529 `overloaded_error`: what the API answers when a model has no capacity.
public struct OverloadedFault: Fault {
    public static let kind = "overloaded"
    public let message: String?

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        message = reader.optional("message")?.string(problems, what: "inject.overloaded.message")
        reader.finish()
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        FaultEffect(outcome: .error(InjectedError(status: 529, type: .overloaded, message: message)))
    }
}
