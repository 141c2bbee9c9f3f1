import AnthropicAPI
import ChaosCore

/// Why one model call did not produce an answer.
public enum CallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// An HTTP error with the API's envelope.
    case http(status: Int, type: String, message: String, retryAfter: Duration?)
    /// No complete answer within the tier's timeout (scenario time).
    case timeout(Duration)
    /// An `event: error` inside a 200 stream.
    case streamError(type: String, message: String)
    /// The body ended without its last event, or was not a valid message.
    case truncated(String)
    /// The connection failed or was cut.
    case connection(String)

    /// Permanent errors are not retried: the same request would fail the same way.
    /// A 429 that says the spending limit is reached is permanent too.
    public var isRetryable: Bool {
        switch self {
        case let .http(status, _, message, _):
            if status == 429 { return !message.lowercased().contains("spend") }
            return status == 408 || status == 409 || status >= 500
        case .timeout, .streamError, .truncated, .connection:
            return true
        }
    }

    /// The wait the server asked for, in scenario time.
    public var retryAfter: Duration? {
        if case let .http(_, _, _, retryAfter) = self { return retryAfter }
        return nil
    }

    public var description: String {
        switch self {
        case let .http(status, type, _, _): "\(status) \(type)"
        case let .timeout(limit): "no answer within \(DurationText.format(limit))"
        case let .streamError(type, _): "stream error \(type)"
        case let .truncated(why): "truncated: \(why)"
        case let .connection(why): "connection: \(why)"
        }
    }
}
