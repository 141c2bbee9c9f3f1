import AnthropicAPI
import ChaosCore
import Scenario

/// An HTTP error with the API's error envelope: `status: 503`, or
/// `status: { code: 400, type: invalid_request_error, message: "…" }`.
public struct StatusFault: Fault {
    public static let kind = "status"
    public let error: InjectedError

    public init(error: InjectedError) { self.error = error }

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        let what = "inject.status"
        var code: Int?
        var type: APIErrorType?
        var message: String?
        if let parameters, parameters.scalarText != nil {
            code = parameters.int(problems, what: what)
        } else if let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) {
            code = reader.required("code")?.int(problems, what: "\(what).code")
            if let node = reader.optional("type"), let raw = node.string(problems, what: "\(what).type") {
                type = APIErrorType(rawValue: raw)
                if type == nil {
                    problems.add("\(what).type '\(raw)' is not an API error type; use one of \(APIErrorType.allCases.map(\.rawValue).joined(separator: ", "))", at: node)
                    return nil
                }
            }
            message = reader.optional("message")?.string(problems, what: "\(what).message")
            reader.finish()
        }
        guard let code else { return nil }
        guard (400...599).contains(code), let resolved = type ?? APIErrorType(status: code) else {
            problems.add("\(what): \(code) is not an error status the API sends; use 400, 401, 402, 403, 404, 413, 429, 500, 502, 503, 504 or 529, or name a type", at: parameters?.location ?? SourceLocation(file: "", line: 0))
            return nil
        }
        self.error = InjectedError(status: code, type: resolved, message: message)
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        FaultEffect(outcome: .error(error))
    }
}
