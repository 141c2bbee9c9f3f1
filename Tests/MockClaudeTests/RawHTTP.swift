import NIOCore
import NIOPosix

/// Exactly the bytes a server sends, read off the socket until it closes: what a
/// fault put on the wire, without an HTTP client's own handling of broken bodies.
enum RawHTTP {
    struct Exchange {
        var bytes: String
        /// How the connection ended, when not with a clean close.
        var error: (any Error)?
        func count(_ needle: String) -> Int { bytes.components(separatedBy: needle).count - 1 }
    }

    /// `progress` sees everything received so far, after each read; the client
    /// hangs up as soon as `leaveWhen` is true of it. With `halfClose` the client
    /// shuts its side down once the request is sent, as `nc -N` does.
    static func post(
        port: Int, path: String, body: String, headers: [(String, String)], progress: (@Sendable (String) -> Void)? = nil,
        leaveWhen: (@Sendable (String) -> Bool)? = nil, halfClose: Bool = false
    ) async throws -> Exchange {
        var request = "POST \(path) HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n" + body
        return try await send(port: port, request, progress: progress, leaveWhen: leaveWhen, halfClose: halfClose)
    }

    /// One keep-alive `POST` as bytes, for writing several back to back (pipelined);
    /// `extra` is more header lines, each ending in CRLF.
    static func request(_ path: String, _ body: String, _ extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: sk-test\r\ncontent-type: application/json\r\n"
            + "content-length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    /// Writes `request` as it is — several pipelined requests, say — and reads
    /// until the server closes.
    static func send(
        port: Int, _ request: String, progress: (@Sendable (String) -> Void)? = nil, leaveWhen: (@Sendable (String) -> Bool)? = nil,
        halfClose: Bool = false
    ) async throws -> Exchange {
        let channel = try await connect(port: port, halfClose: halfClose)
        var received = ""
        var failure: (any Error)?
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: request))
                if halfClose { outbound.finish() }
                for try await buffer in inbound {
                    received += String(buffer: buffer)
                    progress?(received)
                    if leaveWhen?(received) == true { break }
                }
            }
        } catch {
            failure = error
        }
        return Exchange(bytes: received, error: failure)
    }

    /// Sends `first`, reads until `ready` is true of what came back, then sends
    /// `second` and reads until the server closes: a client that waits for leave to
    /// send a body. Past `patience` the connection is closed whatever was said, so
    /// a server that never says what `ready` waits for fails a test, not hangs it.
    static func converse(
        port: Int, _ first: String, until ready: @escaping @Sendable (String) -> Bool, then second: String,
        patience: TimeAmount = .seconds(10)
    ) async throws -> (beforeSecond: String, exchange: Exchange) {
        let channel = try await connect(port: port, halfClose: false)
        let giveUp = channel.channel.eventLoop.scheduleTask(in: patience) { channel.channel.close(promise: nil) }
        defer { giveUp.cancel() }
        var received = ""
        var beforeSecond = ""
        var failure: (any Error)?
        do {
            try await channel.executeThenClose { inbound, outbound in
                var answers = inbound.makeAsyncIterator()
                try await outbound.write(ByteBuffer(string: first))
                while !ready(received), let buffer = try await answers.next() { received += String(buffer: buffer) }
                beforeSecond = received
                try await outbound.write(ByteBuffer(string: second))
                while let buffer = try await answers.next() { received += String(buffer: buffer) }
            }
        } catch {
            failure = error
        }
        return (beforeSecond, Exchange(bytes: received, error: failure))
    }

    private static func connect(port: Int, halfClose: Bool) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: halfClose)
                    )
                }
            }
    }
}
