import ChaosCore
import Foundation
import Load
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

/// `https://` targets: the load generator speaks TLS and verifies the server's
/// certificate, so a load run against a service behind TLS measures that service.
@Suite struct LoadHTTPSTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/tls")

    @Test func aTrustedServerIsAnsweredOverTLS() async throws {
        let server = try await TLSServer.start()
        let certificates = try NIOSSLCertificate.fromPEMFile(Self.fixtures.appendingPathComponent("localhost-cert.pem").path)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(certificates)
        let client = LoadHTTPClient(tls: tls)
        let response = try await client.execute(method: .POST, url: "https://127.0.0.1:\(server.port)/ask", headers: [:],
                                                body: ByteBuffer(string: "hi"), timeout: .seconds(10), clock: ScaledClock(timeScale: 1))
        await client.shutdown()
        try await server.stop()
        #expect(response.status == 200)
        #expect(String(buffer: response.body) == "POST /ask over TLS: hi")
    }

    @Test func anUntrustedCertificateIsRefused() async throws {
        let server = try await TLSServer.start()
        await #expect(throws: NIOSSLError.self) {
            try await LoadHTTPClient().execute(method: .GET, url: "https://127.0.0.1:\(server.port)/", headers: [:], body: nil,
                                               timeout: .seconds(10), clock: ScaledClock(timeScale: 1))
        }
        try await server.stop()
    }
}

/// A TLS server on 127.0.0.1 with the fixture certificate; answers every request
/// with its method, path and body.
private struct TLSServer {
    let channel: any Channel
    var port: Int { channel.localAddress!.port! }

    static func start() async throws -> TLSServer {
        let directory = LoadHTTPSTests.fixtures
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("localhost-cert.pem").path).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: directory.appendingPathComponent("localhost-key.pem").path, format: .pem))
        )
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TLSServer(channel: channel)
    }

    func stop() async throws { try await channel.close() }
}

private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var head: HTTPRequestHead?
    private var body = ""

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): self.head = head; body = ""
        case let .body(buffer): body += String(buffer: buffer)
        case .end:
            let text = "\(head?.method.rawValue ?? "?") \(head?.uri ?? "?") over TLS: \(body)"
            var headers = HTTPHeaders()
            headers.add(name: "content-length", value: String(text.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
