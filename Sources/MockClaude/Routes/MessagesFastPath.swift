import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers `POST /v1/messages` and `/v1/messages/count_tokens` on the event loop
/// when the answer is whole at once — no fault delay, hang, break or stream, no
/// judge's query — and hands everything else to the Hummingbird route, which
/// goes on from where this left off (``Handoffs``).
///
/// Why it exists: per request, Hummingbird's async machinery (the connection
/// task, the body stream, the router, the response writer) cost more than the
/// mock's own work, and a request no fault touches is most of every load test.
/// Both paths read, decide and render through the same ``MessagesRoute``
/// functions, so they answer alike byte for byte (tested), `date` aside.
///
/// Order: once a request on a connection has gone to Hummingbird, later ones
/// follow it until its response has ended, so answers never overtake each other.
final class MessagesFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private struct Target { var provider: String; var countTokens: Bool }
    private enum Mode { case idle, collecting(HTTPRequest, Target), forwarding, closing }

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

    init(route: MessagesRoute, serverName: String) {
        self.route = route
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), mode) {
        case (_, .closing):
            break
        case (.head(var head), _):
            head.headerFields[Handoffs.header] = nil
            if routed == 0, let target = Self.target(of: head) {
                mode = .collecting(head, target)
            } else {
                passOn(.head(head), context)
                mode = .forwarding
            }
        case (.body(var piece), .collecting(let head, _)):
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
        case (.end, .collecting(let head, let target)):
            mode = .idle
            answer(head, target, body.take() ?? ByteBuffer(), context)
        case (.end, .forwarding):
            mode = .idle
            context.fireChannelRead(data)
        default:
            context.fireChannelRead(data)
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
        // Handed off but never taken: the client left before the route began.
        for token in handedOff {
            if let stage = route.runtime.handoffs.take(token) { route.abandon(stage) }
        }
        handedOff.removeAll()
        context.fireChannelInactive()
    }

    private func passOn(_ head: HTTPRequestPart, _ context: ChannelHandlerContext) {
        routed += 1
        context.fireChannelRead(wrapInboundOut(head))
    }

    private func answer(_ head: HTTPRequest, _ target: Target, _ body: ByteBuffer, _ context: ChannelHandlerContext) {
        let close = head.headerFields[.connection] == "close"
        let exchange = route.exchange(provider: target.provider, countTokens: target.countTokens)
        switch route.read(exchange, headers: head.headerFields, body: body) {
        case let .refused(reply):
            send(reply, close: close, context)
        case let .received(received):
            guard let honest = route.runtime.planner.immediateAnswer(received.decoded) else {
                return handOff(.received(received), head, context)
            }
            let decided = route.decide(received, honest: honest)
            guard let reply = route.immediate(decided, channel: context.channel) else {
                return handOff(.decided(decided), head, context)
            }
            send(reply, close: close, context)
        }
    }

    private func handOff(_ stage: Handoffs.Stage, _ head: HTTPRequest, _ context: ChannelHandlerContext) {
        let token = route.runtime.handoffs.put(stage)
        handedOff.append(token)
        var head = head
        head.headerFields[Handoffs.header] = token
        passOn(.head(head), context)
        context.fireChannelRead(wrapInboundOut(.end(nil)))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        wire = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        wire = nil
    }

    /// Headers in Hummingbird's order: the route's, length, date, server.
    ///
    /// Written as HTTP/1.1 bytes from the encoder's place in the pipeline, past the
    /// typed codecs: turning a reply into `HTTPResponse`, then NIO's head, then
    /// bytes cost more than the mock's whole decision. Safe because nothing between
    /// here and there keeps state across responses the fast path does not pass
    /// them, and Hummingbird's responses never interleave with these (`routed`).
    private func send(_ reply: Reply, close: Bool, _ context: ChannelHandlerContext) {
        var fields = reply.headers
        fields[.contentLength] = String(reply.body.readableBytes)
        fields[.date] = date.now()
        fields[.server] = serverName
        let written: EventLoopPromise<Void>? = close ? context.eventLoop.makePromise() : nil
        route.runtime.fastAnswers.add(1, ordering: .relaxed)
        if let wire {
            var out = context.channel.allocator.buffer(capacity: 256 + reply.body.readableBytes)
            Self.writeHead(reply.status, fields, into: &out)
            out.writeImmutableBuffer(reply.body)
            wire.write(NIOAny(out), promise: written)
        } else {
            context.write(wrapOutboundOut(.head(HTTPResponse(status: reply.status, headerFields: fields))), promise: nil)
            context.write(wrapOutboundOut(.body(reply.body)), promise: nil)
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

    /// The status line and fields as NIO's encoder writes them.
    static func writeHead(_ status: HTTPResponse.Status, _ fields: HTTPFields, into out: inout ByteBuffer) {
        out.writeStaticString("HTTP/1.1 ")
        let code = status.code
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code / 100 % 10))
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code / 10 % 10))
        out.writeInteger(UInt8(truncatingIfNeeded: 48 + code % 10))
        out.writeStaticString(" ")
        out.writeString(status.reasonPhrase)
        out.writeStaticString("\r\n")
        for field in fields {
            out.writeString(field.name.rawName)
            out.writeStaticString(": ")
            out.writeString(field.value)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
    }

    /// Which messages endpoint a request is for, if it is one this path answers.
    private static func target(of head: HTTPRequest) -> Target? {
        guard head.method == .post, head.headerFields[.expect] == nil, var path = head.path?.utf8[...] else { return nil }
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
