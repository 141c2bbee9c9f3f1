import ChaosCore
import NIOCore

/// Sends one request at a time on its connection and answers it exactly once: with
/// the response at its end, or with a failure when the deadline passes, the
/// connection closes, or the channel errs. Every answer is given here, on the
/// connection's event loop, so a timeout and a response cannot race.
///
/// A request is handed to ``start(_:answersHead:timeout:clock:answer:)`` on the
/// loop, not written into the pipeline: a value written there is boxed in `NIOAny`
/// by generic code that casts it at run time, and with the two futures (the
/// write's and the answer's) and their generic metadata, that was some 6 % of the
/// load generator's CPU.
///
/// Deadlines are kept by one watchdog timer per connection that is re-armed only
/// when it fires early, not a timer scheduled and cancelled per request (that was
/// 5 % of the load generator's CPU).
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias Answer = UnsafeContinuation<LoadHTTPClient.Response, any Error>

    /// Nil once the connection has closed: a request handed over then is answered at once.
    private var context: ChannelHandlerContext?
    /// Where the request in flight is answered: resumed exactly once, by ``finish(_:)``.
    private var answer: Answer?
    private var timeout = Duration.zero
    /// Stamps each piece of a `text/event-stream` body as it arrives, so tokens
    /// are timed when they came, not when the caller got round to them.
    private var clock: (any ScenarioClock)?
    private var parser = ResponseParser()
    /// Bytes read but not yet parsed: the start of a head or chunk line.
    private var unread: ByteBuffer?
    private var response: LoadHTTPClient.Response?
    private var deadline = NIODeadline.distantFuture
    private var watchdog: Scheduled<Void>?
    private var watchdogAt = NIODeadline.distantFuture

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Sends `request` (the whole request as ``RequestBytes`` wrote it) and answers
    /// `answer` when it is done. On the connection's loop only.
    func start(_ request: ByteBuffer, answersHead: Bool, timeout: Duration, clock: any ScenarioClock, answer: Answer) {
        guard let context else { return answer.resume(throwing: LoadHTTPClient.Failure.closedBeforeAnswer) }
        guard self.answer == nil else { return answer.resume(throwing: LoadHTTPClient.Failure.busy) }
        self.answer = answer
        self.timeout = timeout
        self.clock = clock
        response = nil
        parser = ResponseParser()
        parser.answersHead = answersHead
        deadline = .now() + .nanoseconds(Int64(timeout.seconds * 1e9))
        if watchdog == nil || watchdogAt > deadline {
            watchdog?.cancel()
            armWatchdog(context)
        }
        // No promise: a write that fails closes the connection, and its closing
        // answers the request (`channelInactive`).
        context.writeAndFlush(NIOAny(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard answer != nil else {
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
            while answer != nil, let part = try parser.next(&buffer) { take(part, context: context) }
        } catch {
            finish(.failure(error))
            context.close(promise: nil)
            return
        }
        if buffer.readableBytes > 0 {
            if answer == nil { context.close(promise: nil) } else { unread = buffer }
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
                response!.timedChunks!.append((clock!.now(), ByteBuffer(bytes: piece.readableBytesView)))
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
        self.context = nil
        finish(.failure(LoadHTTPClient.Failure.closedBeforeAnswer))
    }

    /// Fires at the current deadline; by then the connection may have moved on to
    /// a later request with a later deadline, which it then waits for.
    private func armWatchdog(_ context: ChannelHandlerContext) {
        watchdogAt = deadline
        watchdog = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            watchdog = nil
            guard answer != nil else { return }
            guard NIODeadline.now() >= deadline else { return armWatchdog(context) }
            finish(.failure(LoadHTTPClient.Failure.timedOut(timeout)))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
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
        guard let answer else { return }
        self.answer = nil
        clock = nil
        response = nil
        unread = nil
        answer.resume(with: result)
    }
}
