import AnthropicAPI
import NIOHTTP1

/// A request's header fields as the mock asks for them, the names it asks of
/// every request read in one pass. A lookup through `HTTPHeaders` copies each
/// field's name and value on its way past (some twenty reference counts a
/// lookup, five lookups a request); any other name is still looked up.
///
/// A class: the fields go into the connection's state and into the closure every
/// fault matcher asks through, where a struct of eight strings was copied whole.
final class HeadFields: Sendable {
    let headers: HTTPHeaders
    let apiKey, authorization, anthropicBeta, stainlessRetryCount, llmchaosRequest, llmchaosAttempt, expect: String?

    init(_ headers: HTTPHeaders) {
        var apiKey, authorization, anthropicBeta, stainlessRetryCount, llmchaosRequest, llmchaosAttempt, expect: String?
        for (name, value) in headers {
            // By length first: most fields are none of these.
            switch name.utf8.count {
            case 6 where Self.sameName(name, "expect"): Self.join(&expect, value)
            case 9 where Self.sameName(name, HeaderName.apiKey): Self.join(&apiKey, value)
            case 13 where Self.sameName(name, HeaderName.authorization): Self.join(&authorization, value)
            case 14 where Self.sameName(name, HeaderName.anthropicBeta): Self.join(&anthropicBeta, value)
            case 18 where Self.sameName(name, HeaderName.llmchaosRequest): Self.join(&llmchaosRequest, value)
            case 18 where Self.sameName(name, HeaderName.llmchaosAttempt): Self.join(&llmchaosAttempt, value)
            case 23 where Self.sameName(name, HeaderName.stainlessRetryCount): Self.join(&stainlessRetryCount, value)
            default: break
            }
        }
        self.headers = headers
        self.apiKey = apiKey; self.authorization = authorization; self.anthropicBeta = anthropicBeta
        self.stainlessRetryCount = stainlessRetryCount; self.llmchaosRequest = llmchaosRequest
        self.llmchaosAttempt = llmchaosAttempt; self.expect = expect
    }

    /// A field's value as `HTTPFields` gives it: repeated fields joined with ", ".
    func value(of name: String) -> String? {
        switch name {
        case HeaderName.apiKey: apiKey
        case HeaderName.authorization: authorization
        case HeaderName.anthropicBeta: anthropicBeta
        case HeaderName.stainlessRetryCount: stainlessRetryCount
        case HeaderName.llmchaosRequest: llmchaosRequest
        case HeaderName.llmchaosAttempt: llmchaosAttempt
        case "expect": expect
        default: Self.value(of: name, in: headers)
        }
    }

    static func value(of name: String, in headers: HTTPHeaders) -> String? {
        var found: String?
        for (field, value) in headers where sameName(field, name) { join(&found, value) }
        return found
    }

    private static func join(_ found: inout String?, _ value: String) {
        found = found.map { $0 + ", " + value } ?? value
    }

    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x ^ y == 0x20 && (x | 0x20) &- UInt8(ascii: "a") < 26)
        }
    }
}
