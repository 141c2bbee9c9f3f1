import ChaosCore
import HTTPTypes
import NIOCore
import NIOHTTP1

/// Answers `POST /v1/messages` and `/v1/messages/count_tokens` on the event loop
/// when the answer is whole at once, and, when the clock allows, also what waits:
/// streams and JSON bodies that break (``LoopStream``), and replies whole after a
/// delay (``LoopReply``: a slow JSON answer, an error after its delay, a hang's
/// 504). The rest (a judge's query, a JSON answer dropped before its first byte)
/// goes to the Hummingbird route, which goes on from where this left off
/// (``Handoffs``).
///
/// Why it exists: per request, Hummingbird's async machinery (the connection
/// task, the body stream, the router, the response writer) cost more than the
/// mock's own work, and a request no fault touches is most of every load test.
/// Both paths read, decide and render through the same ``MessagesRoute``
/// functions, so they answer alike byte for byte (tested), `date` aside.
///
/// Order: once a request on a connection has gone to Hummingbird, later ones
/// follow it until its response has ended, so answers never overtake each other;
/// requests that come in while a stream or a delayed reply plays here wait for it.
final class MessagesFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private struct Target { var provider: String; var countTokens: Bool }
    private enum Mode { case idle, collecting(HTTPRequestHead, Target, HeadFields), forwarding, closing }

    private let route: MessagesRoute
    private let serverName: String
    private var mode = Mode.idle
    private var body: ByteBuffer?
    /// Requests given to Hummingbird whose response has not ended yet.
    private var routed = 0
    /// Handoff tokens of this connection not known to be taken.
    private var handedOff: [String] = []
    private var unflushed = false
    private var date = HTTPDate()
    /// The response encoder's context: bytes written from it go straight to the socket.
    private var wire: ChannelHandlerContext?
    /// What waits can be played here only when pauses are real time, scaled.
    private let loopTimed: Bool
    private var playing: (any LoopPlayer)?
    /// Requests pipelined behind what is playing, with a read and the events that
    /// would end the connection, put off until it ends. An array, not NIO's
    /// `CircularBuffer`, which allocates sixteen slots on every connection.
    private var held: [HTTPServerRequestPart] = []
    private var readHeld = false
    private var heldEvents: [Any] = []

    init(route: MessagesRoute, serverName: String) {
        self.route = route
        self.serverName = serverName
        self.loopTimed = route.runtime.clock is ScaledClock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if playing != nil {
            held.append(unwrapInboundIn(data))
        } else {
            handle(unwrapInboundIn(data), context)
        }
    }

    private func handle(_ part: HTTPServerRequestPart, _ context: ChannelHandlerContext) {
        switch (part, mode) {
        case (_, .closing):
            break
        case (.head(var head), _):
            // Only when there: removing copies the fields (the part holds them too).
            if head.headers.contains(name: Handoffs.headerName) { head.headers.remove(name: Handoffs.headerName) }
            let fields = HeadFields(head.headers)
            if routed == 0, Self.asksToContinue(head, fields) { sayContinue(context) }
            if routed == 0, let target = Self.target(of: head) {
                mode = .collecting(head, target, fields)
            } else {
                passOn(.head(head), context)
                mode = .forwarding
            }
        case (.body(var piece), .collecting(let head, _, _)):
            if body == nil {
                body = piece
            } else {
                body!.writeBuffer(&piece)
            }
            if body!.readableBytes > route.runtime.configuration.maxBodyBytes {
                // The route refuses it as it refuses any oversized body.
                passOn(.head(head), context)
                context.fireChannelRead(wrapInboundOut(.body(body.take()!)))
                mode = .forwarding
            }
        case (.end, .collecting(let head, let target, let fields)):
            mode = .idle
            answer(head, target, fields, body.take() ?? ByteBuffer(), context)
        case (.end, .forwarding):
            mode = .idle
            context.fireChannelRead(wrapInboundOut(part))
        default:
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    func read(context: ChannelHandlerContext) {
        // Reading on would buffer without bound what a pipelining client sends.
        if playing != nil, !held.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Hummingbird closes a connection it thinks idle when the server stops or
        // the client half-closes; what plays here ends first, as the route's
        // answers do, unless it cannot tell a half-close from a departure.
        if let playing, event is ChannelShouldQuiesceEvent || ((event as? ChannelEvent) == .inputClosed && playing.servesHalfClosedClients) {
            heldEvents.append(event)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // Never below zero: Hummingbird also answers requests that never passed
            // here (one NIO could not parse), and then the connection closes anyway.
            routed = max(0, routed - 1)
            if routed == 0 { handedOff.removeAll() }
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        playing?.connectionClosed()
        playing = nil
        held.removeAll()
        // Handed off but never taken: the client left before the route began.
        for token in handedOff {
            if let stage = route.runtime.handoffs.take(token) { route.abandon(stage) }
        }
        handedOff.removeAll()
        context.fireChannelInactive()
    }

    /// curl, and other clients, send `Expect: 100-continue` with a large body and
    /// hold the body back until told to go on or for a second, which Hummingbird
    /// would let them wait out on every upload. Only said when nothing is owed on the
    /// connection: with a response still to come, a 100 would land inside it.
    private func sayContinue(_ context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
        context.flush()
    }

    /// HTTP/1.0 clients cannot be sent a 100 (RFC 9110 §10.1.1).
    private static func asksToContinue(_ head: HTTPRequestHead, _ fields: HeadFields) -> Bool {
        guard head.version.major == 1, head.version.minor >= 1, let expect = fields.expect else { return false }
        return expect.lowercased() == "100-continue"
    }

    private func passOn(_ head: HTTPServerRequestPart, _ context: ChannelHandlerContext) {
        routed += 1
        context.fireChannelRead(wrapInboundOut(head))
    }

    private func answer(_ head: HTTPRequestHead, _ target: Target, _ fields: HeadFields, _ body: ByteBuffer, _ context: ChannelHandlerContext) {
        let close = !head.isKeepAlive
        let exchange = route.exchange(provider: target.provider, countTokens: target.countTokens)
        switch route.read(exchange, header: { fields.value(of: $0) }, body: body) {
        case let .refused(refusal):
            send(route.rejectReply(refusal), close: close, context)
        case let .received(received):
            guard let honest = route.runtime.planner.immediateAnswer(received.decoded) else {
                return handOff(.received(received), head, context)
            }
            let decided = route.decide(received, honest: honest)
            guard let reply = route.immediate(decided, channel: context.channel) else {
                if play(decided, close: close, context) { return }
                return handOff(.decided(decided), head, context)
            }
            send(reply, close: close, context)
        }
    }

    private func handOff(_ stage: Handoffs.Stage, _ head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        let token = route.runtime.handoffs.put(stage)
        handedOff.append(token)
        var head = head
        head.headers.replaceOrAdd(name: Handoffs.headerName, value: token)
        passOn(.head(head), context)
        context.fireChannelRead(wrapInboundOut(.end(nil)))
    }

    /// Plays here what waits, if it can be: its pauses on the event loop, its
    /// bytes straight to the socket.
    private func play(_ decided: MessagesRoute.Decided, close: Bool, _ context: ChannelHandlerContext) -> Bool {
        guard loopTimed, let wire else { return false }
        if let delayed = route.delayed(decided, channel: context.channel) {
            let reply = LoopReply(
                delayed, eventLoop: context.eventLoop, abandon: { [route] in route.abandon(.decided(decided)) },
                send: { [weak self] reply in self?.replyReady(reply, close: close, context) }
            )
            playing = reply
            reply.start(clock: route.runtime.clock)
            return true
        }
        let renderer = route.renderer(decided, channel: context.channel)
        let stream = decided.exchange.stream
        let script: any AnswerScript, headWait: Duration
        if stream {
            script = renderer.streamScript()
            headWait = decided.decision.effect.delays.beforeHeaders
        } else if let broken = renderer.brokenBodyScript() {
            script = broken
            headWait = renderer.jsonWait
        } else {
            // A JSON answer dropped before its first byte.
            return false
        }
        let player = LoopStream(
            renderer: renderer, script: script, headWait: headWait, wire: wire,
            head: { [weak self] in self?.chunkedHead(stream ? renderer.streamHeaders : renderer.jsonHeaders) ?? ByteBuffer() },
            ended: { [weak self] written in self?.streamEnded(written, close: close, context) }
        )
        route.runtime.fastAnswers.add(1, ordering: .relaxed)
        playing = player
        player.start()
        return true
    }

    /// Spelt as NIO's encoder adds it to the route's chunked bodies.
    private static let transferEncoding = HTTPField.Name("transfer-encoding")!

    /// Headers in the order the route's chunked answers have them after NIO's encoder.
    private func chunkedHead(_ fields: HTTPFields) -> ByteBuffer {
        var fields = fields
        fields[.date] = date.now()
        fields[.server] = serverName
        fields[Self.transferEncoding] = "chunked"
        var out = ByteBuffer()
        Self.writeHead(.ok, fields, into: &out)
        return out
    }

    private func streamEnded(_ written: EventLoopFuture<Void>, close: Bool, _ context: ChannelHandlerContext) {
        if close {
            mode = .closing
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
        resume(context)
    }

    private func replyReady(_ reply: Reply, close: Bool, _ context: ChannelHandlerContext) {
        send(reply, close: close, context)
        if unflushed {
            unflushed = false
            context.flush()
        }
        resume(context)
    }

    /// What played here has ended: requests that waited behind it go on.
    private func resume(_ context: ChannelHandlerContext) {
        playing = nil
        if case .closing = mode {
            held.removeAll()
            return
        }
        let replayed = !held.isEmpty
        while playing == nil, !held.isEmpty { handle(held.removeFirst(), context) }
        guard playing == nil else { return }
        for event in heldEvents { context.fireUserInboundEventTriggered(event) }
        heldEvents.removeAll()
        if readHeld {
            readHeld = false
            context.read()
        }
        // What was replayed is answered, or handed on, as a read would have it.
        if replayed { channelReadComplete(context: context) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        wire = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        wire = nil
    }

    /// Headers in Hummingbird's order: the route's, length, date, server.
    ///
    /// Written as HTTP/1.1 bytes from the response encoder's place in the pipeline:
    /// building NIO's head from the fields and encoding it cost several microseconds
    /// a request. Safe because the encoder keeps no state across responses, and
    /// Hummingbird's responses never interleave with these (`routed`).
    private func send(_ reply: Reply, close: Bool, _ context: ChannelHandlerContext) {
        let written: EventLoopPromise<Void>? = close ? context.eventLoop.makePromise() : nil
        route.runtime.fastAnswers.add(1, ordering: .relaxed)
        if let wire {
            var out = context.channel.allocator.buffer(capacity: 256 + reply.body.readableBytes)
            Self.writeHead(reply.status, reply.headers, length: reply.body.readableBytes, date: date.now(), server: serverName, into: &out)
            out.writeImmutableBuffer(reply.body)
            wire.write(NIOAny(out), promise: written)
        } else {
            var fields = reply.headers
            fields[.contentLength] = String(reply.body.readableBytes)
            fields[.date] = date.now()
            fields[.server] = serverName
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status.code, reasonPhrase: reply.status.reasonPhrase),
                headers: HTTPHeaders(fields.map { ($0.name.rawName, $0.value) })
            )
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(reply.body))), promise: nil)
            context.write(wrapOutboundOut(.end(nil)), promise: written)
        }
        guard let written else {
            unflushed = true
            return
        }
        mode = .closing
        context.flush()
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    /// The head of a whole answer: the route's fields, then its length, date and
    /// server, as setting the three on the fields puts them when the route set none
    /// of them (it never does; a fault's headers might). Written straight out:
    /// the three setters (each a search and a checked `HTTPField`) were a fifth
    /// of sending an answer.
    static func writeHead(
        _ status: HTTPResponse.Status, _ fields: HTTPFields, length: Int, date: String, server: String, into out: inout ByteBuffer
    ) {
        guard !fields.contains(where: { $0.name == .contentLength || $0.name == .date || $0.name == .server }) else {
            var fields = fields
            fields[.contentLength] = String(length)
            fields[.date] = date
            fields[.server] = server
            writeHead(status, fields, into: &out)
            return
        }
        writeStatusAndFields(status, fields, into: &out)
        out.writeStaticString("Content-Length: ")
        out.writeString(String(length))
        out.writeStaticString("\r\nDate: ")
        out.writeString(date)
        out.writeStaticString("\r\nServer: ")
        out.writeString(server)
        out.writeStaticString("\r\n\r\n")
    }

    /// The status line and fields as Hummingbird's path through NIO's encoder writes them.
    static func writeHead(_ status: HTTPResponse.Status, _ fields: HTTPFields, into out: inout ByteBuffer) {
        writeStatusAndFields(status, fields, into: &out)
        out.writeStaticString("\r\n")
    }

    private static func writeStatusAndFields(_ status: HTTPResponse.Status, _ fields: HTTPFields, into out: inout ByteBuffer) {
        out.writeStaticString("HTTP/1.1 ")
        let code = status.code
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code / 100 % 10))
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code / 10 % 10))
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code % 10))
        out.writeStaticString(" ")
        // NIO's reason for a code it knows, whatever `HTTPTypes` carries (often none).
        out.writeString(HTTPResponseStatus(statusCode: code, reasonPhrase: status.reasonPhrase).reasonPhrase)
        out.writeStaticString("\r\n")
        for field in fields {
            out.writeString(field.name.rawName)
            out.writeStaticString(": ")
            out.writeString(field.value)
            out.writeStaticString("\r\n")
        }
    }

    /// Which messages endpoint a request is for, if it is one this path answers.
    private static func target(of head: HTTPRequestHead) -> Target? {
        guard head.method == .POST else { return nil }
        var path = head.uri.utf8[...]
        if let query = path.firstIndex(of: UInt8(ascii: "?")) { path = path[..<query] }
        var provider = "anthropic"
        if path.starts(with: "/p/".utf8) {
            let rest = path.dropFirst(3)
            guard let slash = rest.firstIndex(of: UInt8(ascii: "/")), slash > rest.startIndex else { return nil }
            provider = String(Substring(rest[..<slash]))
            path = rest[slash...]
        }
        if path.elementsEqual("/v1/messages".utf8) { return Target(provider: provider, countTokens: false) }
        if path.elementsEqual("/v1/messages/count_tokens".utf8) { return Target(provider: provider, countTokens: true) }
        return nil
    }
}
