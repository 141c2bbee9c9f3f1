/// Turns a `DecodingError` into the API's `field.path: problem` form, so a client
/// with a malformed body learns which field is wrong.
public enum RequestProblem {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else {
            return "The request body is not valid JSON"
        }
        switch error {
        case let .keyNotFound(key, context):
            return path(context.codingPath + [key]) + ": Field required"
        case let .typeMismatch(type, context):
            return path(context.codingPath) + ": Input should be " + article(type)
        case let .valueNotFound(type, context):
            return path(context.codingPath) + ": Input should be " + article(type) + ", not null"
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "The request body is not valid JSON" }
            return path(context.codingPath) + ": " + context.debugDescription
        @unknown default:
            return "The request body could not be read"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "body" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private static func article(_ type: Any.Type) -> String {
        if type is String.Type { return "a valid string" }
        if type is Int.Type { return "a valid integer" }
        if type is Bool.Type { return "a valid boolean" }
        if type is Double.Type { return "a valid number" }
        return String(describing: type).hasPrefix("Array") ? "a valid list" : "a valid dictionary"

    }
}
