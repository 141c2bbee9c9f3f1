import AnthropicAPI
import ChaosCore
import Faults
import HTTPTypes
import Hummingbird

extension HTTPFields {
    /// Adds a header by name; names here are constants, so they are valid.
    mutating func add(_ name: String, _ value: String) {
        append(HTTPField(name: HTTPField.Name(name)!, value: value))
    }

    mutating func add(_ headers: [FaultEffect.Header]) {
        for header in headers { add(header.name, header.value) }
    }

    // Checked once: validating a name is a cost paid on every response otherwise.
    private static let requestIDName = HTTPField.Name(HeaderName.requestID)!
    private static let faultsName = HTTPField.Name(HeaderName.llmchaosFaults)!

    /// The headers every response carries: the request id, and which faults shaped it.
    static func base(requestID: String, faults: [String], contentType: String = "application/json") -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(4)
        fields.append(HTTPField(name: .contentType, value: contentType))
        fields.append(HTTPField(name: requestIDName, value: requestID))
        if !faults.isEmpty { fields.append(HTTPField(name: faultsName, value: faults.joined(separator: ","))) }
        return fields
    }
}

extension HTTPResponse.Status {
    /// Statuses by code, with the reason phrases the API's edge uses.
    static func code(_ code: Int) -> HTTPResponse.Status {
        code == 529 ? HTTPResponse.Status(code: 529, reasonPhrase: "Overloaded") : HTTPResponse.Status(code: code)
    }
}

/// Error responses in the API's envelope.
enum ErrorResponse {
    /// - Parameter retryAfter: scenario time; sent as real seconds at the clock's scale
    ///   (`retry-after`, rounded up), and exactly as `retry-after-ms` when time is compressed.
    static func make(
        _ type: APIErrorType, status: Int? = nil, message: String? = nil, requestID: String,
        faults: [String] = [], retryAfter: Duration? = nil, extra: [FaultEffect.Header] = [], details: ErrorDetails? = nil, clock: any ScenarioClock
    ) -> Response {
        reply(type, status: status, message: message, requestID: requestID, faults: faults, retryAfter: retryAfter, extra: extra, details: details, clock: clock).response
    }

    static func reply(
        _ type: APIErrorType, status: Int? = nil, message: String? = nil, requestID: String,
        faults: [String] = [], retryAfter: Duration? = nil, extra: [FaultEffect.Header] = [], details: ErrorDetails? = nil, clock: any ScenarioClock
    ) -> Reply {
        var headers = HTTPFields.base(requestID: requestID, faults: faults)
        headers.add(HeaderName.shouldRetry, type.isRetryable ? "true" : "false")
        if let retryAfter {
            let real = clock.realDuration(of: retryAfter)
            headers.add(HeaderName.retryAfter, String(Int(real.seconds.rounded(.up))))
            if clock.timeScale != 1 { headers.add(HeaderName.retryAfterMs, String(Int(real.milliseconds.rounded(.up)))) }
        }
        headers.add(extra)
        let envelope = ErrorEnvelope(type: type.rawValue, message: message ?? type.defaultMessage, requestID: requestID, details: details)
        return Reply(status: .code(status ?? type.status), headers: headers, body: ByteBuffer(string: envelope.json()))
    }
}
