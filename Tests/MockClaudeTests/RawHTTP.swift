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
    /// hangs up as soon as `leaveWhen` is true of it.
    static func post(
        port: Int, path: String, body: String, headers: [(String, String)], progress: (@Sendable (String) -> Void)? = nil,
        leaveWhen: (@Sendable (String) -> Bool)? = nil
    ) async throws -> Exchange {
        var request = "POST \(path) HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n" + body
        return try await send(port: port, request, progress: progress, leaveWhen: leaveWhen)
    }

    /// Writes `request` as it is — several pipelined requests, say — and reads
    /// until the server closes.
    static func send(
        port: Int, _ request: String, progress: (@Sendable (String) -> Void)? = nil, leaveWhen: (@Sendable (String) -> Bool)? = nil
    ) async throws -> Exchange {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        var received = ""
        var failure: (any Error)?
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: request))
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
}
