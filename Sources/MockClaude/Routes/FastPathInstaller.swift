import HummingbirdCore
import NIOCore
import NIOHTTP1

extension MessagesFastPath {
    /// Hummingbird adds its extra handlers after its HTTPTypes codec; this one
    /// belongs before it, where requests are still NIO's: converting each request's
    /// head to `HTTPRequest` cost about 3 µs, a tenth of a whole answer. So
    /// Hummingbird is given this installer, which puts the fast path in place and goes.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = Never
        let decoderLimits: NIOHTTPDecoderLimitConfiguration
        let make: () -> MessagesFastPath

        init(decoder: HTTP1Channel.Configuration.DecoderConfiguration, _ make: @escaping () -> MessagesFastPath) {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = decoder.maxHeaderFieldSize
            limits.maxHeaderListSize = decoder.maxHeaderListSize
            limits.maxHeaderFieldCount = decoder.maxHeaderFieldCount
            self.decoderLimits = limits
            self.make = make
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            // Without the decoder (a Hummingbird that builds its pipeline otherwise)
            // every request simply takes the route.
            if let paired = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                // NIO's server pipeline pairs its decoder with the response encoder: the
                // decoder queues each request's method there, and each response head the
                // encoder writes takes one off, to frame answers to HEAD without a body.
                // The answers this path writes as bytes never pass the encoder, so on a
                // keep-alive connection the queue grew by one method an answer (measured:
                // 16 MB after 643,000 requests on one connection) and a later response
                // was framed for an earlier request's method. An unpaired decoder (as NIO
                // had before the pairing) leaves framing to the status, and HEAD to
                // Hummingbird, which sends its HEAD answers bodiless itself.
                let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: decoderLimits))
                // Never without a decoder: the paired one goes only once its
                // replacement is in place.
                let inPlace = (try? pipeline.addHandler(decoder, position: .after(paired))) != nil
                if inPlace { pipeline.removeHandler(paired, promise: nil) }
                try? pipeline.addHandler(make(), position: .after(inPlace ? decoder : paired))
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
