import Hummingbird
import NIOCore

/// The request context of the mock: the basic one plus the connection, which the
/// disconnect fault closes or resets and the control API checks for loopback.
public struct MockRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Bodies are read with the configured limit by the handlers themselves.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}
