import ChaosCore
import NIOCore

/// Plays an answer's script on its connection's event loop, for the fast path: a
/// stream's ``StreamScript`` or a breaking JSON body's ``BrokenBodyScript``, the
/// same steps the route plays in Hummingbird's body writer.
///
/// Why: a stream held in the body writer kept an async task suspended in it, about
/// 26 KiB a stream when ten thousand slow streams were open. Here a stream costs
/// its script and one scheduled callback. Pauses are scheduled in real time
/// through the clock's scale, so only a ``ScaledClock`` allows it; with any other
/// clock (a test's `ManualClock`) streams go to the route.
///
/// Everything here runs on the event loop.
final class LoopStream: LoopPlayer, NIOScheduledCallbackHandler {
    private enum State { case beforeHead, playing, stalled, over }

    private var script: any AnswerScript
    private let renderer: AnswerRenderer
    /// Scenario time before the head: a stream's `before_headers`, a JSON answer's whole latency.
    private let headWait: Duration
    /// The response encoder's context: what is written from it goes straight to the socket.
    private let wire: ChannelHandlerContext
    private let head: () -> ByteBuffer
    /// Called once the body has ended properly, with the future of its last write;
    /// not when the stream breaks the connection or its client leaves.
    private let ended: (EventLoopFuture<Void>) -> Void
    private var state = State.beforeHead
    private var timer: NIOScheduledCallback?
    let servesHalfClosedClients = true

    init(renderer: AnswerRenderer, script: any AnswerScript, headWait: Duration, wire: ChannelHandlerContext,
         head: @escaping () -> ByteBuffer, ended: @escaping (EventLoopFuture<Void>) -> Void) {
        self.script = script
        self.renderer = renderer
        self.headWait = headWait
        self.wire = wire
        self.head = head
        self.ended = ended
    }

    func start() {
        if headWait > .zero { return schedule(headWait) }
        handleScheduledCallback(eventLoop: wire.eventLoop)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        switch state {
        case .beforeHead:
            state = .playing
            wire.write(NIOAny(head()), promise: nil)
            play()
        case .playing:
            play()
        case .stalled:
            state = .over
            wire.close(promise: nil)
        case .over:
            break
        }
    }

    /// The connection closed under the stream: journaled as the client's leaving
    /// unless the stream had already ended its own way.
    func connectionClosed() {
        if let timer { wire.eventLoop.assumeIsolated().cancelScheduledCallback(timer) }
        timer = nil
        if state == .beforeHead || state == .playing { renderer.finish(ending: "client_gone") }
        state = .over
    }

    private func play() {
        while true {
            switch script.next() {
            case let .write(bytes):
                writeChunk(bytes)
            case let .pause(duration):
                wire.flush()
                return schedule(duration)
            case let .end(.finish(ending, errorType)):
                state = .over
                let written = wire.eventLoop.makePromise(of: Void.self)
                wire.writeAndFlush(NIOAny(ByteBuffer(staticString: "0\r\n\r\n")), promise: written)
                renderer.finish(ending: ending, errorType: errorType)
                return ended(written.futureResult)
            case let .end(.stall(cap)):
                wire.flush()
                state = .stalled
                renderer.finish(ending: "stalled")
                return schedule(cap)
            case let .end(.disconnect(reset)):
                state = .over
                renderer.finish(ending: reset ? "reset" : "disconnected")
                // Closed once what was written has gone: closing now would discard it.
                let written = wire.eventLoop.makePromise(of: Void.self)
                wire.writeAndFlush(NIOAny(ByteBuffer()), promise: written)
                let channel = wire.channel
                written.futureResult.whenComplete { _ in ConnectionBreaker.close(channel, reset: reset) }
                return
            }
        }
    }

    /// One HTTP/1.1 chunk, framed as NIO's encoder frames a body part.
    private func writeChunk(_ bytes: ByteBuffer) {
        var chunk = wire.channel.allocator.buffer(capacity: bytes.readableBytes + 12)
        chunk.writeString(String(bytes.readableBytes, radix: 16))
        chunk.writeStaticString("\r\n")
        chunk.writeImmutableBuffer(bytes)
        chunk.writeStaticString("\r\n")
        wire.write(NIOAny(chunk), promise: nil)
    }

    private func schedule(_ duration: Duration) {
        let real = TimeAmount(renderer.runtime.clock.realDuration(of: duration))
        do {
            timer = try wire.eventLoop.assumeIsolated().scheduleCallback(in: real, handler: self)
        } catch {
            // The event loop is shutting down: so is the connection.
            connectionClosed()
            wire.close(promise: nil)
        }
    }
}
