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

    /// Closes the connection: with a FIN, or with an RST when `reset` (SO_LINGER 0),
    /// which the client sees as "connection reset by peer".
    static func drop(_ channel: any Channel, reset: Bool) async {
        if reset, let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}
