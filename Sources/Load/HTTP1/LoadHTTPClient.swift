import ChaosCore
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The load generator's HTTP/1.1 client: one request per connection at a time,
/// head and body in one write, idle connections kept per origin and reused.
///
/// Why not AsyncHTTPClient, which the pipeline uses: a profile of the load
/// generator at full speed had it spend most of its CPU there (the URL parsed
/// again per request, the head flushed apart from the body, a state machine and a
/// pool manager per request), and a load generator that spends its CPU on itself
/// measures itself. This does what wrk does and no more: no redirects (a 3xx is
/// an answer), no decompression, no HTTP/2.
public final class LoadHTTPClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: ResponseHeaders
        var keepAlive: Bool
        /// The body, unless it is a `text/event-stream`.
        public var body = ByteBuffer()
        /// The pieces of a `text/event-stream` body with the scenario time each arrived.
        public var timedChunks: [(Duration, ByteBuffer)]?
        var bodyBytes = 0

        init(status: Int, headers: ResponseHeaders, keepAlive: Bool, timedChunks: [(Duration, ByteBuffer)]?) {
            self.status = status; self.headers = headers; self.keepAlive = keepAlive; self.timedChunks = timedChunks
        }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case badURL(String, String)
        case timedOut(Duration)
        case closedBeforeAnswer
        case closedMidAnswer
        case tooLarge
        case busy
        case malformedAnswer(String)
        case badHeader(String)
        case cannotConnect(String, String)

        public var description: String {
            switch self {
            case let .badURL(url, why): "bad URL '\(url)': \(why)"
            case let .timedOut(after): "no complete answer within \(DurationText.format(after))"
            case .closedBeforeAnswer: "the connection closed before an answer"
            case .closedMidAnswer: "the connection closed in the middle of the answer"
            case .tooLarge: "the answer is larger than \(LoadHTTPClient.maxBodyBytes / 1_048_576) MiB"
            case .busy: "internal: a request was sent on a connection still in use"
            case let .malformedAnswer(why): "the answer is not HTTP/1.1: \(why)"
            case let .badHeader(name): "the request header '\(name)' has a name that is not a token, or CR, LF or NUL in its value"
            case let .cannotConnect(address, why): "cannot connect to \(address): \(why)"
            }
        }
    }

    static let maxBodyBytes = 16 * 1_048_576
    /// Idle connections kept per origin and loop beyond which a returned one is closed.
    static let maxIdlePerOrigin = 4_096
    /// A connection idle longer than this is closed rather than reused: a server
    /// may be closing it at its keep-alive timeout (uvicorn's and Node's are 5 s)
    /// just as a request goes out on it, and that request would fail for no fault
    /// of the server's. At rates where connections idle this long, connecting anew
    /// costs nothing that matters. It is network plumbing in real time, like the
    /// connect timeout, not scenario time.
    public static let defaultMaxIdle = TimeAmount.seconds(1)

    /// The load generator's own event loops, apart from the ones the mock and the
    /// pipeline serve on: its workers run on them (see ``executor(forWorker:)``),
    /// and their work should not queue behind the mock's on a shared loop.
    public static let sharedGroup = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)

    /// Idle connections are kept per origin and per loop, so a worker reuses one
    /// on its own loop.
    private struct PoolKey: Hashable {
        var origin: RequestURL.Origin
        var loop: ObjectIdentifier
    }

    private let group: any EventLoopGroup
    private let executors: [EventLoopTaskExecutor]
    private let idle = Mutex<[PoolKey: [(connection: Connection, since: NIODeadline)]]>([:])
    private let tls = Mutex<NIOSSLContext?>(nil)
    private let tlsConfiguration: TLSConfiguration
    private let maxIdle: TimeAmount

    /// `tls` for `https://` origins: certificates verified against the system's
    /// trust store unless it says otherwise. `maxIdle`: see ``defaultMaxIdle``.
    public init(group: any EventLoopGroup = LoadHTTPClient.sharedGroup, tls: TLSConfiguration = .makeClientConfiguration(),
                maxIdle: TimeAmount = LoadHTTPClient.defaultMaxIdle) {
        self.group = group
        self.tlsConfiguration = tls
        self.maxIdle = maxIdle
        executors = group.makeIterator().map { EventLoopTaskExecutor(loop: $0) }
    }

    /// The executor on which worker `worker` sends: workers spread over the loops.
    public func executor(forWorker worker: Int) -> any TaskExecutor {
        executors[worker % executors.count]
    }

    /// Sends one request and waits for its whole answer, or `timeout` (real time,
    /// connecting included). Cancelling the calling task closes the connection.
    public func execute(method: HTTPMethod, url: String, headers: HTTPHeaders, body: ByteBuffer?,
                        timeout: Duration, clock: any ScenarioClock) async throws -> Response {
        try await execute(method: method, url: try RequestURL(url), headers: headers, body: body, timeout: timeout, clock: clock)
    }

    /// As above, with the URL cut beforehand (a target whose URL does not change).
    public func execute(method: HTTPMethod, url: RequestURL, headers: HTTPHeaders, body: ByteBuffer?,
                        timeout: Duration, clock: any ScenarioClock) async throws -> Response {
        try await execute(method: method, url: url, encoded: try RequestBytes.encode(method: method, url: url, headers: headers, body: body),
                          timeout: timeout, clock: clock)
    }

    /// As above, with the request already in its bytes (``RequestPlan``).
    func execute(method: HTTPMethod, url: RequestURL, encoded request: ByteBuffer,
                 timeout: Duration, clock: any ScenarioClock) async throws -> Response {
        // On one of this client's loops (a worker preferring it), its connections
        // are that loop's; from anywhere else, the first loop's, so that calls in
        // sequence find the connection the last one left.
        let loop = (executors.first { $0.loop.inEventLoop } ?? executors[0]).loop
        let key = PoolKey(origin: url.origin, loop: ObjectIdentifier(loop))
        let answersHead = method == .HEAD
        if let connection = takeIdle(key) {
            do {
                return try await send(request, answersHead: answersHead, timeout: timeout, clock: clock, on: connection, key: key)
            } catch LoadHTTPClient.Failure.closedBeforeAnswer where method.isIdempotent {
                // The server closed this idle connection as it was reused: nothing
                // was answered, and the method may be sent again (as Go's client
                // does). Not a POST: the server may have acted on it.
            }
        }
        let connection = try await connect(url.origin, on: loop, timeout: timeout)
        return try await send(request, answersHead: answersHead, timeout: timeout, clock: clock, on: connection, key: key)
    }

    /// Closes the idle connections.
    public func shutdown() async {
        let channels = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0.map(\.connection.channel) }
        }
        for channel in channels { try? await channel.close() }
    }

    private func send(_ request: ByteBuffer, answersHead: Bool, timeout: Duration, clock: any ScenarioClock,
                      on connection: Connection, key: PoolKey) async throws -> Response {
        let response: Response
        do {
            response = try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { answer in
                    connection.start(request, answersHead: answersHead, timeout: timeout, clock: clock, answer: answer)
                }
            } onCancel: {
                connection.channel.close(promise: nil)
            }
        } catch {
            connection.channel.close(promise: nil)
            throw error
        }
        if response.keepAlive { putIdle(connection, key) } else { connection.channel.close(promise: nil) }
        return response
    }

    /// The most recently used idle connection, if it is fresh enough; staler ones
    /// below it are closed (the most recent goes first, so they are older still).
    private func takeIdle(_ key: PoolKey) -> Connection? {
        let oldest = NIODeadline.now() - maxIdle
        var stale: [any Channel] = []
        let found = idle.withLock { idle -> Connection? in
            while let entry = idle[key]?.popLast() {
                guard entry.connection.channel.isActive else { continue }
                guard entry.since >= oldest else {
                    stale.append(entry.connection.channel)
                    stale.append(contentsOf: idle[key, default: []].map(\.connection.channel))
                    idle[key] = nil
                    return nil
                }
                return entry.connection
            }
            return nil
        }
        for channel in stale { channel.close(promise: nil) }
        return found
    }

    private func putIdle(_ connection: Connection, _ key: PoolKey) {
        let kept = idle.withLock { idle in
            guard idle[key, default: []].count < Self.maxIdlePerOrigin else { return false }
            idle[key, default: []].append((connection, NIODeadline.now()))
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    func connect(_ origin: RequestURL.Origin, on loop: any EventLoop, timeout: Duration) async throws -> Connection {
        let context = origin.tls ? try tlsContext() : nil
        let serverName = origin.host.contains(":") || origin.host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : origin.host
        // The handshake's promise is made before the channel exists, on the loop the
        // channel will use: a handshake can end before `connect` returns.
        let handshake = loop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(Int64(timeout.seconds * 1e9)))
        let connection: Connection
        do {
            connection = try await bootstrap.connect(host: origin.host, port: origin.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context {
                        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                        try pipeline.addHandler(HandshakeWaiter(done: handshake))
                    }
                    let handler = ExchangeHandler()
                    try pipeline.addHandler(handler)
                    return Connection(channel: channel, handler: handler)
                }
            }
        } catch {
            handshake.fail(error)
            throw Failure.connectProblem(error).map { Failure.cannotConnect("\(origin.host):\(origin.port)", $0) } ?? error
        }
        guard origin.tls else {
            handshake.succeed()
            return connection
        }
        // A refused certificate is the answer to give, not a closed connection later.
        do { try await handshake.futureResult.get() } catch {
            connection.channel.close(promise: nil)
            throw error
        }
        return connection
    }

    private func tlsContext() throws -> NIOSSLContext {
        try tls.withLock { context in
            if let context { return context }
            let made = try NIOSSLContext(configuration: tlsConfiguration)
            context = made
            return made
        }
    }
}

/// A connection and its ``ExchangeHandler``, to which requests are handed on the
/// connection's loop.
final class Connection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ExchangeHandler>

    init(channel: any Channel, handler: ExchangeHandler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    func start(_ request: ByteBuffer, answersHead: Bool, timeout: Duration, clock: any ScenarioClock, answer: ExchangeHandler.Answer) {
        if channel.eventLoop.inEventLoop {
            handler.value.start(request, answersHead: answersHead, timeout: timeout, clock: clock, answer: answer)
        } else {
            channel.eventLoop.execute { [handler] in
                handler.value.start(request, answersHead: answersHead, timeout: timeout, clock: clock, answer: answer)
            }
        }
    }
}

extension HTTPMethod {
    /// May be sent twice with the effect of once (RFC 9110, 9.2.2).
    var isIdempotent: Bool {
        switch self {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }
}
