import ChaosCore
import NIOCore

/// What the fast path plays on the event loop over time: a stream or a breaking
/// JSON body (``LoopStream``), or a reply that waits (``LoopReply``). Requests behind it on the connection
/// wait for it to end.
protocol LoopPlayer: AnyObject {
    /// Whether a client that has shut its sending side is still answered. A
    /// client's FIN may be a half-close (`nc -N`) or its leaving; only a write can
    /// tell. A stream writes as it goes and finds out; a reply that waits in
    /// silence cannot, so it takes the FIN as the client leaving, as nginx does.
    var servesHalfClosedClients: Bool { get }
    /// The connection closed under it.
    func connectionClosed()
}

/// A reply that is whole once a wait has passed (an error after `before_headers`,
/// a hang's 504 at its cap, a JSON answer after its latency), sent from the event
/// loop when the wait ends. The route sleeps a task for the same wait; here it is
/// one scheduled callback, as for ``LoopStream``.
final class LoopReply: LoopPlayer, NIOScheduledCallbackHandler {
    private let delayed: MessagesRoute.Delayed
    private let eventLoop: any EventLoop
    /// Journals the request as its client's leaving.
    private let abandon: () -> Void
    private let send: (Reply) -> Void
    private var timer: NIOScheduledCallback?
    let servesHalfClosedClients = false

    init(_ delayed: MessagesRoute.Delayed, eventLoop: any EventLoop, abandon: @escaping () -> Void, send: @escaping (Reply) -> Void) {
        self.delayed = delayed
        self.eventLoop = eventLoop
        self.abandon = abandon
        self.send = send
    }

    func start(clock: any ScenarioClock) {
        do {
            timer = try eventLoop.assumeIsolated().scheduleCallback(in: TimeAmount(clock.realDuration(of: delayed.wait)), handler: self)
        } catch {
            // The event loop is shutting down, and the connection with it.
            abandon()
        }
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        send(delayed.reply())
    }

    /// Before the wait ended: the client gave up (a timeout, say) or the server is
    /// stopping. The reply was never sent, and is journaled as such.
    func connectionClosed() {
        guard let timer else { return }
        eventLoop.assumeIsolated().cancelScheduledCallback(timer)
        self.timer = nil
        abandon()
    }
}
