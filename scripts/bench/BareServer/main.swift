import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes

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

final class Direct: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart
    var body = ByteBuffer()
    var mine = false
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case let .head(head):
            mine = head.method == .post && head.path == "/v1/messages"
            if !mine { context.fireChannelRead(data) }
            body.clear()
        case var .body(piece):
            if mine { body.writeBuffer(&piece) } else { context.fireChannelRead(data) }
        case .end:
            guard mine else { context.fireChannelRead(data); return }
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            fields[.contentLength] = String(bytes.readableBytes)
            context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
            context.write(wrapOutboundOut(.body(bytes)), promise: nil)
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }
}

let router = Router()
router.post("v1/messages") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: bytes))
}
router.get("health") { _, _ in "ok" }
let nio = arguments.contains("--nio")
let app = Application(router: router, server: .http1(configuration: .init(additionalChannelHandlers: nio ? [Direct()] : [])),
                      configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bare"))
try await app.runService()
