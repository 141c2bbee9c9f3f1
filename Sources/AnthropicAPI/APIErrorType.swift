import ChaosCore

/// The `error.type` values of the Messages API, each with the HTTP status the API
/// pairs it with.
public enum APIErrorType: String, Codable, Sendable, CaseIterable {
    case invalidRequest = "invalid_request_error"
    case authentication = "authentication_error"
    case billing = "billing_error"
    case permission = "permission_error"
    case notFound = "not_found_error"
    case requestTooLarge = "request_too_large"
    case rateLimit = "rate_limit_error"
    case api = "api_error"
    case timeout = "timeout_error"
    case overloaded = "overloaded_error"

    /// The status code the API answers this type with.
    public var status: Int {
        switch self {
        case .invalidRequest: 400
        case .authentication: 401
        case .billing: 402
        case .permission: 403
        case .notFound: 404
        case .requestTooLarge: 413
        case .rateLimit: 429
        case .api: 500
        case .timeout: 504
        case .overloaded: 529
        }
    }

    /// The type the API uses for a status code; gateway errors (502, 503) are `api_error`.
    public init?(status: Int) {
        switch status {
        case 502, 503: self = .api
        default:
            guard let match = Self.allCases.first(where: { $0.status == status }) else { return nil }
            self = match
        }
    }

    /// Whether a well-behaved client may retry: the API says so in `x-should-retry`.
    public var isRetryable: Bool {
        switch self {
        case .rateLimit, .api, .timeout, .overloaded: true
        default: false
        }
    }

    /// The message the real API sends with this type when nothing more specific applies.
    public var defaultMessage: String {
        switch self {
        case .invalidRequest: "Invalid request"
        case .authentication: "invalid x-api-key"
        case .billing: "Your credit balance is too low to access the Anthropic API."
        case .permission: "Your API key does not have permission to use the specified resource."
        case .notFound: "Not found"
        case .requestTooLarge: "Request exceeds the maximum allowed number of bytes."
        case .rateLimit: "Number of requests has exceeded your rate limit."
        case .api: "Internal server error"
        case .timeout: "Request timed out"
        case .overloaded: "Overloaded"
        }
    }
}

/// `error.details` of an error the API names the cause of: a stable
/// `error_code` (the SDKs raise a class of their own for each, such as
/// `StorageQuotaExceededError`) and what the code says more.
public struct ErrorDetails: Codable, Sendable, Equatable {
    public var errorCode: String
    public var fields: [String: JSONValue]

    public init(_ errorCode: String, _ fields: [String: JSONValue] = [:]) {
        self.errorCode = errorCode; self.fields = fields
    }

    public var json: JSONValue { .object(fields.merging(["error_code": .string(errorCode)]) { _, code in code }) }

    public init(from decoder: any Decoder) throws {
        guard case var .object(fields) = try JSONValue(from: decoder), let code = fields.removeValue(forKey: "error_code")?.string else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "details without an error_code"))
        }
        self.init(code, fields)
    }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// The body of every error: `{"type":"error","error":{"type":…,"message":…},"request_id":…}`,
/// with `error.details` when the error has a code.
public struct ErrorEnvelope: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var type: String
        public var message: String
        public var details: ErrorDetails?

        init(type: String, message: String, details: ErrorDetails?) {
            self.type = type; self.message = message; self.details = details
        }

        enum CodingKeys: String, CodingKey { case type, message, details }

        /// Details of a shape this reader does not know leave the error readable.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            type = try c.decode(String.self, forKey: .type)
            message = try c.decode(String.self, forKey: .message)
            details = try? c.decodeIfPresent(ErrorDetails.self, forKey: .details)
        }
    }

    public var type: String = "error"
    public var error: Detail
    public var requestID: String?

    public init(type: String, message: String, requestID: String?, details: ErrorDetails? = nil) {
        self.error = Detail(type: type, message: message, details: details)
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey {
        case type, error, requestID = "request_id"
    }

    /// The envelope as compact JSON.
    public func json() -> String {
        var out = #"{"type":"error","error":{"type":"#
        out += JSONText.quoted(error.type)
        out += #","message":"#
        out += JSONText.quoted(error.message)
        if let details = error.details { out += #","details":"# + details.json.jsonText }
        out += "}"
        if let requestID { out += #","request_id":"# + JSONText.quoted(requestID) }
        out += "}"
        return out
    }
}
