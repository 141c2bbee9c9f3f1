import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

// usage: BareServer PORT BODY_FILE [--nio] — answers every POST /v1/messages with the
// file's bytes as JSON, on 127.0.0.1 only, until killed. With --nio a channel
// handler answers before Hummingbird's router: the ceiling for the mock's fast
// path, which does the same plus the mock's own work.
let arguments = CommandLine.arguments
guard arguments.count >= 3, let port = Int(arguments[1]), let body = FileManager.default.contents(atPath: arguments[2]) else {
    FileHandle.standardError.write(Data("usage: BareServer PORT BODY_FILE [--nio]\n".utf8))
    exit(2)
}
let bytes = ByteBuffer(bytes: body)

/// A plain NIO handler right after the HTTP/1 decoder, where the mock's fast path sits.
final class Direct: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    var mine = false
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            mine = head.method == .POST && head.uri == "/v1/messages"
            if !mine { context.fireChannelRead(data) }
        case .body:
            if !mine { context.fireChannelRead(data) }
        case .end:
            guard mine else { return context.fireChannelRead(data) }
            let headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(bytes.readableBytes))])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }
}

/// Hummingbird adds extra handlers after its HTTPTypes codec; this puts `Direct` before it.
final class Installer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never
    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            try? pipeline.addHandler(Direct(), position: .after(decoder))
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}

let router = Router()
router.post("v1/messages") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: bytes))
}
router.get("health") { _, _ in "ok" }
let nio = arguments.contains("--nio")
let app = Application(router: router, server: .http1(configuration: .init(additionalChannelHandlers: nio ? [Installer()] : [])),
                      configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bare"))
try await app.runService()
