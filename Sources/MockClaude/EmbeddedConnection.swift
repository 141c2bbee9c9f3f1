import NIOCore
import NIOEmbedded
import NIOHTTP1

/// One connection to the mock held in memory: request bytes in, answer bytes out,
/// through the same decoder and event-loop answering path a socket gets, with no
/// socket, no kernel and no other thread. What the mock itself spends on a request,
/// measured without the noise of a loopback benchmark (the `Benchmarks/` package).
///
/// Only answers the event loop gives at once are returned; a request the fast
/// path hands to the router (a judge's query, a fault that waits) gets none here.
public final class EmbeddedConnection {
    private let channel: EmbeddedChannel

    init(runtime: MockRuntime, serverName: String) throws {
        channel = EmbeddedChannel()
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(HTTPResponseEncoder())
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        try pipeline.addHandler(MessagesFastPath(route: MessagesRoute(runtime: runtime), serverName: serverName))
    }

    /// Feeds `request` (one or more whole HTTP/1.1 requests) and returns what was
    /// written back, flushed as a socket's read would end.
    public func exchange(_ request: ByteBuffer) throws -> ByteBuffer {
        try channel.writeInbound(request)
        var answer = channel.allocator.buffer(capacity: 0)
        while var part = try channel.readOutbound(as: ByteBuffer.self) { answer.writeBuffer(&part) }
        return answer
    }

    deinit { _ = try? channel.finish(acceptAlreadyClosed: true) }
}

extension MockServer {
    /// A connection to this mock held in memory (see ``EmbeddedConnection``).
    public func embeddedConnection() throws -> EmbeddedConnection {
        try EmbeddedConnection(runtime: runtime, serverName: "llmchaos-mock")
    }
}
