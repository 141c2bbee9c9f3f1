import NIOCore
import NIOHTTP1

extension MessagesFastPath {
    /// Hummingbird adds its extra handlers after its HTTPTypes codec; this one
    /// belongs before it, where requests are still NIO's: converting each request's
    /// head to `HTTPRequest` cost about 3 µs, a tenth of a whole answer. So
    /// Hummingbird is given this installer, which puts the fast path in place and goes.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Never
        let make: () -> MessagesFastPath

        init(_ make: @escaping () -> MessagesFastPath) { self.make = make }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            // Without the decoder (a Hummingbird that builds its pipeline otherwise)
            // every request simply takes the route.
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try? pipeline.addHandler(make(), position: .after(decoder))
            }
            // Each connection keeps its last receive buffer for the next read. NIO's
            // first is 2 KiB; a Messages request is a few hundred bytes, and ten
            // thousand held streams kept 1 KiB each too many (measured). The buffer
            // still grows for large bodies.
            try? context.channel.syncOptions?.setOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 65536)
            )
            pipeline.removeHandler(context: context, promise: nil)
        }
    }
}
