import ChaosCore
import NIOCore

/// One request and where its answer goes. Written into a connection's pipeline,
/// where ``ExchangeHandler`` sends it and collects the answer. A class: it passes
/// through the pipeline boxed, and copying its fields at each step cost more.
final class Exchange: Sendable {
    /// The whole request as ``RequestBytes`` wrote it.
    let request: ByteBuffer
    let answersHead: Bool
    let timeout: Duration
    /// Stamps each piece of a `text/event-stream` body as it arrives, so tokens
    /// are timed when they came, not when the caller got round to them.
    let clock: any ScenarioClock
    let answer: EventLoopPromise<LoadHTTPClient.Response>

    init(request: ByteBuffer, answersHead: Bool, timeout: Duration, clock: any ScenarioClock, answer: EventLoopPromise<LoadHTTPClient.Response>) {
        self.request = request; self.answersHead = answersHead; self.timeout = timeout; self.clock = clock; self.answer = answer
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
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Exchange
    typealias OutboundOut = ByteBuffer

    private var current: Exchange?
    private var parser = ResponseParser()
    /// Bytes read but not yet parsed: the start of a head or chunk line.
    private var unread: ByteBuffer?
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
        parser = ResponseParser()
        parser.answersHead = exchange.answersHead
        deadline = .now() + .nanoseconds(Int64(exchange.timeout.seconds * 1e9))
        if watchdog == nil || watchdogAt > deadline {
            watchdog?.cancel()
            armWatchdog(context)
        }
        context.write(wrapOutboundOut(exchange.request), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard current != nil else {
            // Bytes no request asked for: whatever the server means by them, the
            // connection can no longer tell which answer is whose.
            context.close(promise: nil)
            return
        }
        var buffer = unwrapInboundIn(data)
        if var held = unread.take() {
            held.writeBuffer(&buffer)
            buffer = held
        }
        do {
            while current != nil, let part = try parser.next(&buffer) { take(part, context: context) }
        } catch {
            finish(.failure(error))
            context.close(promise: nil)
            return
        }
        if buffer.readableBytes > 0 {
            if current == nil { context.close(promise: nil) } else { unread = buffer }
        }
    }

    private func take(_ part: ResponseParser.Part, context: ChannelHandlerContext) {
        switch part {
        case let .head(status, headers, keepAlive, eventStream):
            response = LoadHTTPClient.Response(status: status, headers: headers, keepAlive: keepAlive, timedChunks: eventStream ? [] : nil)
        case let .body(piece):
            response!.bodyBytes += piece.readableBytes
            guard response!.bodyBytes <= LoadHTTPClient.maxBodyBytes else {
                finish(.failure(LoadHTTPClient.Failure.tooLarge))
                context.close(promise: nil)
                return
            }
            if response!.timedChunks != nil {
                // Copied: a stream is held for its whole length, and a slice would
                // keep each read's whole receive buffer (2 KiB or more) alive with it.
                response!.timedChunks!.append((current!.clock.now(), ByteBuffer(bytes: piece.readableBytesView)))
            } else if response!.body.readableBytes == 0 {
                // Most bodies arrive whole: keep the read's slice rather than copy it.
                response!.body = piece
            } else {
                var piece = piece
                response!.body.writeBuffer(&piece)
            }
        case .end:
            finish(.success(response!))
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
        if let answer = response, parser.endsWithConnection {
            // An answer without a length ends with its connection.
            finish(.success(answer))
        } else {
            finish(.failure(response == nil ? LoadHTTPClient.Failure.closedBeforeAnswer : LoadHTTPClient.Failure.closedMidAnswer))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<LoadHTTPClient.Response, any Error>) {
        guard let exchange = current else { return }
        current = nil
        response = nil
        unread = nil
        exchange.answer.completeWith(result)
    }
}
