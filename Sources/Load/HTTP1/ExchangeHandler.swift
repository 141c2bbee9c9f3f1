import ChaosCore
import NIOCore
import NIOHTTP1

/// One request and where its answer goes. Written into a connection's pipeline,
/// where ``ExchangeHandler`` sends it and collects the answer. A class: it passes
/// through the pipeline boxed, and copying its fields at each step cost more.
final class Exchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer?
    let timeout: Duration
    /// Stamps each piece of a `text/event-stream` body as it arrives, so tokens
    /// are timed when they came, not when the caller got round to them.
    let clock: any ScenarioClock
    let answer: EventLoopPromise<LoadHTTPClient.Response>

    init(head: HTTPRequestHead, body: ByteBuffer?, timeout: Duration, clock: any ScenarioClock, answer: EventLoopPromise<LoadHTTPClient.Response>) {
        self.head = head; self.body = body; self.timeout = timeout; self.clock = clock; self.answer = answer
    }
}

/// Sends one ``Exchange`` at a time on its connection and completes its promise
/// exactly once: with the answer at its end, or with a failure when the deadline
/// passes, the connection closes, or the channel errs. Every completion happens
/// here, on the connection's event loop, so a timeout and an answer cannot race.
///
/// Deadlines are kept by one watchdog timer per connection that is re-armed only
/// when it fires early, not a timer scheduled and cancelled per request (that was
/// 5 % of the load generator's CPU).
final class ExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = Exchange
    typealias OutboundOut = HTTPClientRequestPart

    private var current: Exchange?
    private var response: LoadHTTPClient.Response?
    private var deadline = NIODeadline.distantFuture
    private var watchdog: Scheduled<Void>?
    private var watchdogAt = NIODeadline.distantFuture

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard current == nil else {
            exchange.answer.fail(LoadHTTPClient.Failure.busy)
            promise?.fail(LoadHTTPClient.Failure.busy)
            return
        }
        current = exchange
        response = nil
        deadline = .now() + .nanoseconds(Int64(exchange.timeout.seconds * 1e9))
        if watchdog == nil || watchdogAt > deadline {
            watchdog?.cancel()
            armWatchdog(context)
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

    func handlerRemoved(context: ChannelHandlerContext) {
        watchdog?.cancel()
        watchdog = nil
    }

    /// Fires at the current deadline; by then the connection may have moved on to
    /// a later request with a later deadline, which it then waits for.
    private func armWatchdog(_ context: ChannelHandlerContext) {
        watchdogAt = deadline
        watchdog = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            watchdog = nil
            guard let exchange = current else { return }
            guard NIODeadline.now() >= deadline else { return armWatchdog(context) }
            finish(.failure(LoadHTTPClient.Failure.timedOut(exchange.timeout)))
            context.close(promise: nil)
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
        exchange.answer.completeWith(result)
    }
}
