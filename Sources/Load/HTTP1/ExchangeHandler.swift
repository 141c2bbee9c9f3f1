import ChaosCore
import NIOCore
import NIOHTTP1

/// One request and where its answer goes. Written into a connection's pipeline,
/// where ``ExchangeHandler`` sends it and collects the answer.
struct Exchange: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var timeout: Duration
    /// Stamps each piece of a `text/event-stream` body as it arrives, so tokens
    /// are timed when they came, not when the caller got round to them.
    var clock: any ScenarioClock
    var answer: EventLoopPromise<LoadHTTPClient.Response>
}

/// Sends one ``Exchange`` at a time on its connection and completes its promise
/// exactly once: with the answer at its end, or with a failure when the deadline
/// passes, the connection closes, or the channel errs. Every completion happens
/// here, on the connection's event loop, so a timeout and an answer cannot race.
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var current: Exchange?
    private var response: LoadHTTPClient.Response?
    private var deadline: Scheduled<Void>?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard current == nil else {
            exchange.answer.fail(LoadHTTPClient.Failure.busy)
            promise?.fail(LoadHTTPClient.Failure.busy)
            return
        }
        current = exchange
        response = nil
        let loop = context.eventLoop.assumeIsolated()
        deadline = loop.scheduleTask(in: .nanoseconds(Int64(exchange.timeout.seconds * 1e9))) { [self] in
            finish(.failure(LoadHTTPClient.Failure.timedOut(exchange.timeout)))
            context.close(promise: nil)
        }
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange = current else { return }
        switch unwrapInboundIn(data) {
        case let .head(head):
            // A 1xx is not the answer; the real head follows it.
            guard head.status.code >= 200 else { return }
            let streams = head.headers.first(name: "content-type")?.lowercased().hasPrefix("text/event-stream") == true
            response = LoadHTTPClient.Response(status: Int(head.status.code), headers: head.headers, keepAlive: head.isKeepAlive,
                                               timedChunks: streams ? [] : nil)
        case var .body(buffer):
            guard response != nil else { return }
            response!.bodyBytes += buffer.readableBytes
            guard response!.bodyBytes <= LoadHTTPClient.maxBodyBytes else {
                finish(.failure(LoadHTTPClient.Failure.tooLarge))
                context.close(promise: nil)
                return
            }
            if response!.timedChunks != nil {
                response!.timedChunks!.append((exchange.clock.now(), buffer))
            } else {
                response!.body.writeBuffer(&buffer)
            }
        case .end:
            guard let answer = response else { return }
            finish(.success(answer))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(response == nil ? LoadHTTPClient.Failure.closedBeforeAnswer : LoadHTTPClient.Failure.closedMidAnswer))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError, error == .invalidEOFState {
            // The parser's word for a connection that closed before the answer ended.
            finish(.failure(response == nil ? LoadHTTPClient.Failure.closedBeforeAnswer : LoadHTTPClient.Failure.closedMidAnswer))
        } else {
            finish(.failure(error))
        }
        context.close(promise: nil)
    }

    private func finish(_ result: Result<LoadHTTPClient.Response, any Error>) {
        guard let exchange = current else { return }
        current = nil
        response = nil
        deadline?.cancel()
        deadline = nil
        exchange.answer.completeWith(result)
    }
}
