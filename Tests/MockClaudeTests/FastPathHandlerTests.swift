import ChaosCore
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
import Workload
@testable import MockClaude

/// The fast path's handler alone in a pipeline, driven part by part: what it
/// hands on, what it answers, and what it leaves in the journal when the client
/// goes before the route has taken a request over.
@Suite("Fast path handler on an embedded channel")
struct FastPathHandlerTests {
    static let faults = "- { name: slow, inject: { latency: { before_headers: 30ms } }, match: { header: { x-case: slow } } }"

    static func send(_ channel: EmbeddedChannel, _ extra: [(String, String)] = []) throws {
        let body = MockFixture.body(GoldenQuestions.all[0].question)
        let headers = HTTPHeaders([("x-api-key", "sk-test"), ("content-type", "application/json"), ("x-llmchaos-handoff", "7")] + extra)
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/messages", headers: headers)))
        try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: body)))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    @Test func aRequestThatMustWaitIsHandedOnWithAFreshTokenAndJournaledWhenItsClientLeaves() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            let runtime = mock.running.server.runtime
            let channel = EmbeddedChannel(handler: MessagesFastPath(route: MessagesRoute(runtime: runtime), serverName: "test"))
            try Self.send(channel, [("x-case", "slow")])

            guard case let .head(head)? = try channel.readInbound(as: HTTPServerRequestPart.self) else {
                Issue.record("no head handed on")
                return
            }
            let tokens = head.headers["x-llmchaos-handoff"]
            #expect(tokens.count == 1)
            #expect(tokens.first != "7")
            #expect(runtime.handoffs.count == 1)
            guard case .end? = try channel.readInbound(as: HTTPServerRequestPart.self) else {
                Issue.record("no end handed on: the body was read and is not sent twice")
                return
            }
            #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)

            _ = try channel.finish(acceptAlreadyClosed: true)
            #expect(runtime.handoffs.count == 0)
            let entries = mock.journal.entries()
            #expect(entries.count == 1)
            #expect(entries.first?.ending == "client_gone")
            #expect(entries.first?.faults == ["slow"])
        }
    }

    /// Without NIO's response encoder before it (another server's pipeline), the
    /// handler answers in HTTP parts rather than bytes.
    @Test func aRequestAnsweredAtOnceIsWrittenAsPartsWhenThereIsNoEncoder() async throws {
        try await MockFixture.with(faults: Self.faults) { mock in
            let runtime = mock.running.server.runtime
            let channel = EmbeddedChannel(handler: MessagesFastPath(route: MessagesRoute(runtime: runtime), serverName: "test"))
            try Self.send(channel)

            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
            guard case let .head(head)? = try channel.readOutbound(as: HTTPServerResponsePart.self),
                  case let .body(.byteBuffer(body))? = try channel.readOutbound(as: HTTPServerResponsePart.self),
                  case .end? = try channel.readOutbound(as: HTTPServerResponsePart.self)
            else {
                Issue.record("no head, body and end")
                return
            }
            #expect(head.status == .ok)
            #expect(head.headers["content-length"] == [String(body.readableBytes)])
            #expect(head.headers["server"] == ["test"])
            #expect(String(buffer: body).contains(GoldenQuestions.all[0].sql.replacingOccurrences(of: "\n", with: "\\n")))
            #expect(mock.journal.entries().map(\.ending) == ["complete"])
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    /// Counts the reads that reach the socket's end of the pipeline.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    /// While a stream plays, a request pipelined behind it waits, and the handler
    /// stops asking the socket for more: a client that pipelines without end would
    /// otherwise have it buffered without bound. Once the stream ends, the request
    /// is answered and reading goes on.
    @Test func readingStopsWhileARequestWaitsBehindAStream() async throws {
        try await MockFixture.with(faults: "- inject: { latency: { per_token: 1s } }") { mock in
            let counter = ReadCounter()
            let channel = EmbeddedChannel()
            let fastPath = MessagesFastPath(route: MessagesRoute(runtime: mock.running.server.runtime), serverName: "test")
            try channel.pipeline.syncOperations.addHandlers([counter, HTTPResponseEncoder(), fastPath])
            func request(stream: Bool) throws {
                let headers = HTTPHeaders([("x-api-key", "sk-test"), ("content-type", "application/json")])
                try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/messages", headers: headers)))
                try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: MockFixture.body("first", maxTokens: 5, stream: stream))))
                try channel.writeInbound(HTTPServerRequestPart.end(nil))
            }
            try request(stream: true)
            channel.read()
            #expect(counter.reads == 1, "nothing waits yet")
            try request(stream: false)
            channel.read()
            channel.read()
            #expect(counter.reads == 1, "a request waits behind the stream")

            channel.embeddedEventLoop.advanceTime(by: .seconds(60))
            #expect(counter.reads == 2, "the read put off, once")
            var wire = ""
            while let part = try channel.readOutbound(as: ByteBuffer.self) { wire += String(buffer: part) }
            #expect(wire.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 2)
            #expect(wire.contains("event: message_stop"))
            #expect(wire.hasSuffix("}"), "the waiting request's JSON answer comes last")
            channel.read()
            #expect(counter.reads == 3)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    /// A whole answer's head, written straight out, is the head that setting its
    /// length, date and server on the route's fields gives: after the route's
    /// fields, or in place of one a fault's headers already set.
    @Test(arguments: [
        [(HTTPField.Name.contentType, "application/json"), (HTTPField.Name("request-id")!, "req_1")],
        [(HTTPField.Name.contentType, "application/json"), (HTTPField.Name("x-llmchaos-faults")!, "slow,burst"), (HTTPField.Name("retry-after")!, "3")],
        [(HTTPField.Name.contentType, "application/json"), (HTTPField.Name.date, "Mon, 01 Jan 2024 00:00:00 GMT"), (HTTPField.Name("request-id")!, "req_2")],
        [(HTTPField.Name.server, "someone-else"), (HTTPField.Name.contentType, "text/plain")],
    ])
    func aWholeAnswersHeadIsTheOneTheFieldSettersGive(_ pairs: [(HTTPField.Name, String)]) {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: name, value: value)) }
        for status in [HTTPResponse.Status.ok, .code(529), .code(429)] {
            var direct = ByteBuffer()
            MessagesFastPath.writeHead(status, fields, length: 409, date: "Thu, 03 Dec 2026 10:00:00 GMT", server: "llmchaos-mock", into: &direct)
            var set = fields
            set[.contentLength] = "409"
            set[.date] = "Thu, 03 Dec 2026 10:00:00 GMT"
            set[.server] = "llmchaos-mock"
            var viaSetters = ByteBuffer()
            MessagesFastPath.writeHead(status, set, into: &viaSetters)
            #expect(String(buffer: direct) == String(buffer: viaSetters))
            #expect(String(buffer: direct).hasSuffix("Server: llmchaos-mock\r\n\r\n") == !pairs.contains { $0.0 == .server })
        }
    }
}
