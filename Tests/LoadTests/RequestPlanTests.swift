import NIOCore
import NIOHTTP1
import Testing
@testable import Load

/// A target's requests, written from its plan, are the bytes the general encoder
/// writes for the same template filled in as strings: the way HTTPTarget built
/// them before it had a plan.
@Suite struct RequestPlanTests {
    struct Template: CustomTestStringConvertible, Sendable {
        var method: HTTPMethod = .POST
        var headers: [(String, String)]
        var body: String?
        var testDescription: String { "\(method) \(headers.map(\.0)) body: \(body ?? "none")" }
    }

    static let templates: [Template] = [
        Template(headers: [("x-api-key", "sk"), ("anthropic-version", "2023-06-01")],
                 body: #"{"model":"claude-opus-4-7","messages":[{"role":"user","content":"{{question}}"}],"id":"{{request_id}}"}"#),
        Template(headers: [("X-Tenant", "t={{tenant}};q"), ("X-LLMChaos-Request", "{{request_id}}-mine"), ("Content-Type", "text/plain"), ("Host", "example.test")],
                 body: "{{question}} / {{tenant}} / {{question}}"),
        Template(headers: [("Content-Length", "999"), ("transfer-encoding", "chunked"), ("accept", "*/*")], body: "{}"),
        Template(headers: [], body: nil),
        Template(method: .GET, headers: [("accept", "application/json")], body: nil),
        Template(headers: [("x-q", "{{question}}")], body: ""),
    ]

    static let values: [TemplateText.Values] = [
        .init(question: "What is the total revenue by region?", requestID: "r7-000001", tenant: "acme"),
        .init(question: "Say \"hi\"\\ then\ttab — ünïcödé {{tenant}}", requestID: "r7-000002", tenant: "b"),
        .init(question: "", requestID: "r7-000003", tenant: ""),
    ]

    /// HTTPTarget's way before the plan: fill in strings, collect headers, encode.
    static func reference(_ template: Template, _ values: TemplateText.Values, url: RequestURL) throws(LoadHTTPClient.Failure) -> ByteBuffer {
        var headers = HTTPHeaders()
        for (name, value) in template.headers { headers.add(name: name, value: TemplateText(value).fill(values, escape: { $0 })) }
        if !headers.contains(name: "x-llmchaos-request") { headers.add(name: "x-llmchaos-request", value: values.requestID) }
        var body: ByteBuffer?
        if let text = template.body {
            body = ByteBuffer(string: TemplateText(text).fill(values, escape: TemplateText.jsonEscape))
            if !headers.contains(name: "content-type") { headers.add(name: "content-type", value: "application/json") }
        }
        return try RequestBytes.encode(method: template.method, url: url, headers: headers, body: body)
    }

    static func plan(_ template: Template) -> RequestPlan {
        RequestPlan(method: template.method, headers: template.headers.map { ($0.0, TemplateText($0.1)) }, body: template.body.map(TemplateText.init))
    }

    @Test(arguments: templates)
    func aPlannedRequestIsTheEncodersBytes(template: Template) throws {
        let plan = Self.plan(template)
        for url in [try RequestURL("http://127.0.0.1:9000/v1/messages?beta=true"), try RequestURL("https://[::1]/")] {
            for values in Self.values {
                let planned = try plan.encode(values, url: url)
                let expected = try Self.reference(template, values, url: url)
                #expect(String(buffer: planned) == String(buffer: expected))
            }
        }
    }

    @Test func aBodyValueIsEscapedAndCountedInItsLength() throws {
        let plan = Self.plan(Template(headers: [], body: #"{"q":"{{question}}"}"#))
        let values = TemplateText.Values(question: "a \"b\"\nç", requestID: "r", tenant: "t")
        let text = String(buffer: try plan.encode(values, url: try RequestURL("http://127.0.0.1:1/")))
        let body = #"{"q":"a \"b\"\nç"}"#
        #expect(text.hasSuffix("content-length: \(body.utf8.count)\r\n\r\n" + body))
    }

    @Test(arguments: [
        // A value that breaks the head, filled in per request, in a header sent or left out.
        ([("x-q", "{{question}}")], "x-q"),
        ([("content-length", "{{question}}")], "content-length"),
        // A header that never could be sent; the first bad header in order is named.
        ([("bad name", "v")], "bad name"),
        ([("x-ok", "fine"), ("x-q", "{{question}}"), ("bad name", "v")], "x-q"),
        ([("x-lit", "a\rb"), ("x-q", "{{question}}")], "x-lit"),
    ])
    func aHeaderThatWouldBreakTheHeadFailsTheRequest(headers: [(String, String)], named: String) throws {
        let plan = Self.plan(Template(headers: headers, body: nil))
        let values = TemplateText.Values(question: "two\r\nlines", requestID: "r", tenant: "t")
        let url = try RequestURL("http://127.0.0.1:1/")
        #expect(throws: LoadHTTPClient.Failure.badHeader(named)) { try plan.encode(values, url: url) }
        #expect(throws: LoadHTTPClient.Failure.badHeader(named)) { try Self.reference(Template(headers: headers, body: nil), values, url: url) }
    }
}
