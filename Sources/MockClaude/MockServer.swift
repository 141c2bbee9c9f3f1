import ChaosCore
import Faults
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Scenario
import ServiceLifecycle
import UnixSignals
import Workload

/// The mock Claude server: the Messages API, wire-compatible with the official
/// SDKs, with the weather of a ``FaultPlan`` played on a ``ScenarioClock``.
///
/// ```swift
/// let mock = try await MockServer(configuration: config, plan: plan, clock: ScaledClock(timeScale: 60)).start()
/// // point a client at mock.baseURL …
/// await mock.stop()
/// ```
public struct MockServer: Sendable {
    let runtime: MockRuntime
    let logger: Logger

    /// - Parameters:
    ///   - plan: the faults to play; add more at run time through `/_chaos/faults`.
    ///   - clock: scenario time; fault windows and injected delays run on it.
    ///   - dataset: the analytics data set answers and judge calls are graded on.
    public init(
        configuration: MockConfiguration = MockConfiguration(), plan: FaultPlan = FaultPlan(seed: 0),
        clock: any ScenarioClock = ScaledClock(), dataset: AnalyticsDataset? = nil, logger: Logger? = nil
    ) throws {
        let dataset = try dataset ?? AnalyticsDataset()
        self.runtime = MockRuntime(configuration: configuration, plan: plan, clock: clock, dataset: dataset)
        let given = logger ?? Logger(label: "llmchaos.mock")
        var logger = Logger(label: given.label) { _ in LazyMetadataLogHandler(inner: given.handler) }
        // Hummingbird's per-request and startup lines are noise next to our own output.
        if logger.logLevel < .notice { logger.logLevel = .notice }
        self.logger = logger
    }

    /// The journal of every attempt served.
    public var journal: Journal { runtime.journal }

    /// The clock the mock runs on.
    public var clock: any ScenarioClock { runtime.clock }

    /// The fault plan in force now.
    public var plan: FaultPlan { runtime.plan }

    /// Builds the Hummingbird application. `onRunning` gets the bound port.
    func application(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router(context: MockRequestContext.self)
        let messages = MessagesRoute(runtime: runtime)
        let call = PlainCall(runtime: runtime, messages: messages)
        let models = ModelsRoute(runtime: runtime, call: call)
        let files = FilesRoute(runtime: runtime, call: call)
        let batches = BatchesRoute(runtime: runtime, call: call, processor: BatchProcessor(runtime: runtime, messages: messages))
        for prefix in ["", "p/:provider/"] {
            router.post("\(prefix)v1/messages") { request, context in await messages.messages(request, context, countTokens: false) }
            router.post("\(prefix)v1/messages/count_tokens") { request, context in await messages.messages(request, context, countTokens: true) }
            router.get("\(prefix)v1/models") { request, context in await models.list(request, context) }
            router.get("\(prefix)v1/models/:id") { request, context in await models.get(request, context) }
            router.post("\(prefix)v1/messages/batches") { request, context in await batches.create(request, context) }
            router.get("\(prefix)v1/messages/batches") { request, context in await batches.list(request, context) }
            router.get("\(prefix)v1/messages/batches/:id") { request, context in await batches.retrieve(request, context) }
            router.delete("\(prefix)v1/messages/batches/:id") { request, context in await batches.delete(request, context) }
            router.post("\(prefix)v1/messages/batches/:id/cancel") { request, context in await batches.cancel(request, context) }
            router.get("\(prefix)v1/messages/batches/:id/results") { request, context in await batches.results(request, context) }
            router.post("\(prefix)v1/files") { request, context in await files.upload(request, context) }
            router.get("\(prefix)v1/files") { request, context in await files.list(request, context) }
            router.get("\(prefix)v1/files/:id") { request, context in await files.metadata(request, context) }
            router.delete("\(prefix)v1/files/:id") { request, context in await files.delete(request, context) }
            router.get("\(prefix)v1/files/:id/content") { request, context in await files.content(request, context) }
        }
        ChaosControlRoutes(runtime: runtime).register(on: router)
        router.get("metrics") { [runtime] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: runtime.metrics.exposition())))
        }
        router.add(middleware: UnknownPathMiddleware(runtime: runtime))
        let configuration = runtime.configuration
        let serverName = "llmchaos-mock"
        let fastPath = configuration.fastPath
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        return Application(
            router: router,
            server: .http1(configuration: .init(
                additionalChannelHandlers: fastPath ? [MessagesFastPath.Installer(decoder: decoder) { MessagesFastPath(route: messages, serverName: serverName) }] : [],
                httpDecoderConfiguration: decoder
            )),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }

    /// Starts serving in the background and returns once the port is bound.
    /// - Parameter shutdownSignals: signals that stop the server gracefully (the CLI
    ///   passes SIGINT and SIGTERM; tests pass none).
    /// - Throws: ``MockStartError`` when the address cannot be bound.
    public func start(shutdownSignals: [UnixSignal] = []) async throws -> RunningMock {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = application { port in portContinuation.yield(port) }
        var configuration = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: shutdownSignals, logger: logger)
        // A request held by a timeout or stall fault would keep a graceful shutdown
        // waiting for minutes; after a short grace, cancel it instead.
        configuration.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: configuration)
        let task = Task<Void, any Error> {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var ports = portStream.makeAsyncIterator()
        guard let port = await ports.next() else {
            // A cancelled wait ends without a port while the server may be up and
            // running for good: stop it, or waiting on it below never returns (a
            // Ctrl-C while a run was setting up hung the harness).
            if Task.isCancelled {
                await group.triggerGracefulShutdown()
                _ = await task.result
                throw CancellationError()
            }
            do {
                try await task.value
            } catch {
                throw MockStartError(host: runtime.configuration.host, port: runtime.configuration.port, underlying: error)
            }
            throw MockStartError(host: runtime.configuration.host, port: runtime.configuration.port, underlying: nil)
        }
        return RunningMock(server: self, port: port, group: group, task: task)
    }
}

/// A mock that is serving.
public struct RunningMock: Sendable {
    public let server: MockServer
    /// The bound port (the real one when 0 was asked for).
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// `http://host:port`, what to give a client as `ANTHROPIC_BASE_URL`.
    public var baseURL: String {
        let host = server.runtime.configuration.host
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// Stops accepting, lets requests in flight end, and returns when stopped.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
        server.runtime.batches.stop()
    }

    /// Adds faults (YAML or JSON, as `POST /_chaos/faults` takes them); their windows
    /// count from now.
    /// - Returns: the names added.
    @discardableResult
    public func addFaults(yaml: String) throws(ConfigProblems) -> [String] {
        let runtime = server.runtime
        let scheduled = try FaultPlan.schedule(yaml: yaml, file: "faults", offset: runtime.clock.now())
        let problems = runtime.changePlan { plan -> ConfigProblems? in
            do throws(ConfigProblems) { try plan.add(scheduled); return nil } catch { return error }
        }
        if let problems { throw problems }
        return scheduled.map(\.name)
    }

    /// Removes every fault.
    public func removeAllFaults() {
        server.runtime.changePlan { plan in for fault in plan.faults { plan.remove(named: fault.name) } }
    }

    /// Clears the journal, token buckets and fingerprints, as `POST /_chaos/reset`.
    public func reset() { server.runtime.reset() }

    /// Waits until the server stops (after ``stop()`` or a signal).
    public func wait() async throws {
        try await task.value
    }
}

/// The mock could not start serving.
public struct MockStartError: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let underlying: (any Error)?

    public var description: String {
        let text = underlying.map { "\($0)" } ?? "the server stopped before it was ready"
        if text.contains("Address already in use") || text.contains("errno: 98") {
            return "port \(port) on \(host) is in use: stop what holds it, or pick another with --port (0 picks a free one)"
        }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
            return "cannot listen on \(host): it is not an address of this machine; use --host 127.0.0.1"
        }
        return "cannot listen on \(host):\(port): \(text)"
    }
}
