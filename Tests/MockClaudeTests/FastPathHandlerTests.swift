import ChaosCore
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
}
