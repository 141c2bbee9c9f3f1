import AnthropicAPI
import ChaosCore
import Scenario

/// An SSE `event: error` after some deltas, with HTTP status 200 — the failure that
/// clients most often log as a success. Streaming requests only. Default type
/// `overloaded_error`, after half of the answer.
public struct StreamErrorFault: Fault {
    public static let kind = "stream_error"
    public let at: FaultEffect.BreakPoint
    public let type: APIErrorType
    public let message: String?

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems),
              let at = FaultParameters.breakPoint(reader, kind: Self.kind) else { return nil }
        var type = APIErrorType.overloaded
        if let node = reader.optional("type"), let raw = node.string(problems, what: "inject.stream_error.type") {
            guard let parsed = APIErrorType(rawValue: raw) else {
                problems.add("inject.stream_error.type '\(raw)' is not an API error type; use one of \(APIErrorType.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
                return nil
            }
            type = parsed
        }
        message = reader.optional("message")?.string(problems, what: "inject.stream_error.message")
        reader.finish()
        self.at = at; self.type = type
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard request.facts.endpoint == .messages, request.facts.stream else { return nil }
        return FaultEffect(outcome: .broken(.error(type, message: message ?? type.defaultMessage), at: at))
    }
}
