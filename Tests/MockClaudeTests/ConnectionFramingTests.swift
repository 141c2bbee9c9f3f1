import Testing

@testable import MockClaude

/// What the mock says on a connection besides its answers: `100 Continue` to a
/// client that holds its body back, and answers framed for the request they answer
/// however long the connection lives.
@Suite struct ConnectionFramingTests {
    static let multipartBody = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n"

    struct Upload: CustomTestStringConvertible, Sendable {
        var path: String
        var contentType: String
        var body: String
        var testDescription: String { path }
    }

    static let uploads = [
        Upload(path: "/v1/messages", contentType: "application/json", body: MockFixture.body("What is the total revenue by region?")),
        Upload(path: "/v1/messages/count_tokens", contentType: "application/json", body: MockFixture.body("Count me")),
        Upload(path: "/v1/messages/batches", contentType: "application/json", body: MessageBatchesTests.batch([MessageBatchesTests.entry("a")])),
        Upload(path: "/v1/files", contentType: "multipart/form-data; boundary=b", body: multipartBody),
    ]

    static func head(_ upload: Upload, version: String = "1.1", extra: String = "") -> String {
        "POST \(upload.path) HTTP/\(version)\r\nhost: 127.0.0.1\r\nx-api-key: sk-test\r\ncontent-type: \(upload.contentType)\r\n"
            + "content-length: \(upload.body.utf8.count)\r\nexpect: 100-continue\r\n\(extra)\r\n"
    }

    @Test(.timeLimit(.minutes(1)), arguments: uploads)
    func aClientHoldingItsBodyBackIsToldToGoOn(_ upload: Upload) async throws {
        try await MockFixture.with { mock in
            let (beforeBody, exchange) = try await RawHTTP.converse(
                port: mock.running.port, Self.head(upload, extra: "connection: close\r\n"), until: { $0.hasSuffix("\r\n\r\n") },
                then: upload.body
            )
            #expect(beforeBody == "HTTP/1.1 100 Continue\r\n\r\n")
            #expect(exchange.error == nil)
            #expect(exchange.count("HTTP/1.1 100 Continue") == 1)
            let final = exchange.bytes.dropFirst(beforeBody.count)
            #expect(final.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(final.prefix(200))")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anHTTP10ClientIsNeverSentA100() async throws {
        try await MockFixture.with { mock in
            let upload = Self.uploads[0]
            let exchange = try await RawHTTP.send(port: mock.running.port, Self.head(upload, version: "1.0") + upload.body)
            #expect(exchange.count("100 Continue") == 0)
            #expect(exchange.bytes.hasPrefix("HTTP/1.1 200 OK\r\n"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func noContinueLandsInsideAnAnswerStillOwed() async throws {
        // The models list is Hummingbird's to answer: it is still owed when the
        // upload's head arrives in the same read.
        try await MockFixture.with { mock in
            let upload = Self.uploads[0]
            let wire = "GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: sk-test\r\n\r\n"
                + Self.head(upload, extra: "connection: close\r\n") + upload.body
            let exchange = try await RawHTTP.send(port: mock.running.port, wire)
            #expect(exchange.count("100 Continue") == 0)
            let answers = exchange.bytes.ranges(of: "HTTP/1.1 200 OK\r\n")
            try #require(answers.count == 2)
            let models = exchange.bytes[answers[0].upperBound..<answers[1].lowerBound]
            #expect(models.hasSuffix("}"), "the models list whole before the next answer")
        }
    }

    /// NIO's decoder tells its response encoder every request's method; answers the
    /// fast path writes never pass the encoder, so with the two paired every routed
    /// answer on a connection was framed for an older request's method, and the list
    /// grew by one an answer for as long as the connection lived.
    @Test(.timeLimit(.minutes(1)))
    func answersAfterFastOnesAreFramedForTheirOwnRequests() async throws {
        try await MockFixture.with { mock in
            let key = "x-api-key: sk-test\r\n"
            let wire = RawHTTP.request("/v1/messages", MockFixture.body("first"))
                + RawHTTP.request("/v1/messages", MockFixture.body("second"))
                + "HEAD /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\n\(key)\r\n"
                + "HEAD /nowhere HTTP/1.1\r\nhost: 127.0.0.1\r\n\(key)\r\n"
                + "GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\n\(key)connection: close\r\n\r\n"
            let exchange = try await RawHTTP.send(port: mock.running.port, wire)
            #expect(exchange.error == nil)
            #expect(mock.running.server.runtime.fastAnswers.load(ordering: .relaxed) == 2)
            let heads = exchange.bytes.ranges(of: "HTTP/1.1 ")
            try #require(heads.count == 5, "\(exchange.bytes)")
            let answers = heads.indices.map { index in
                exchange.bytes[heads[index].lowerBound..<(index + 1 < heads.count ? heads[index + 1].lowerBound : exchange.bytes.endIndex)]
            }
            for head in answers[2...3] {
                #expect(head.hasPrefix("HTTP/1.1 404") && head.hasSuffix("\r\n\r\n"), "a HEAD's answer has no body: \(head)")
            }
            #expect(answers[4].hasPrefix("HTTP/1.1 200 OK") && answers[4].contains("\"data\"") && answers[4].hasSuffix("}"), "the GET's body whole")
        }
    }
}
