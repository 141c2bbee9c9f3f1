import Hummingbird
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ends a connection the hard way, for the disconnect and stall faults.
enum ConnectionBreaker {
    /// Thrown from a body writer to make the server close the connection mid-body.
    struct Dropped: Error {}

    /// Waits until what the body writer has handed over is written to the socket.
    ///
    /// An awaited body write only gives the bytes to NIO's async writer, which writes
    /// them in a task it queues on the channel's event loop; tasks there run in order,
    /// so a no-op submitted now completes after those writes.
    static func settle(_ channel: any Channel) async {
        try? await channel.eventLoop.submit {}.get()
    }

    /// Closes the connection now: with a FIN, or with an RST when `reset` (SO_LINGER 0),
    /// which the client sees as "connection reset by peer". Writes not yet flushed are
    /// lost: to end a body after what was sent, throw ``Dropped`` from the writer instead.
    static func drop(_ channel: any Channel, reset: Bool) async {
        try? await channel.eventLoop.flatSubmit {
            let closed = channel.eventLoop.makePromise(of: Void.self)
            close(channel, reset: reset, promise: closed)
            return closed.futureResult
        }.get()
    }

    /// ``drop(_:reset:)`` from the channel's event loop.
    static func close(_ channel: any Channel, reset: Bool, promise: EventLoopPromise<Void>? = nil) {
        guard reset, let provider = channel as? any SocketOptionProvider else { return channel.close(promise: promise) }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: promise) }
    }
}
