import Foundation
import Synchronization

/// Runs an outside program (a browser, Alertmanager, a Python checker) without
/// blocking a thread of Swift's cooperative pool: on two cores, a test that waits
/// synchronously for a process halves the pool and starves every timing test
/// running beside it.
public enum ExternalTool {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A TCP port that was free on 127.0.0.1 a moment ago, for a program to listen on.
    public static func freeLoopbackPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `name` on PATH, or nil.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs to the end; terminated (and then reported) past `timeout`. `environment`
    /// replaces the test process's own when given.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           timeout: Duration = .seconds(60)) async throws -> Result {
        let running = try start(executable, arguments, environment: environment)
        let killer = Task {
            try await Task.sleep(for: timeout)
            running.terminate()
        }
        defer { killer.cancel() }
        return await running.finish()
    }

    /// Starts a long-running program; `finish()` waits for it, `terminate()` stops it.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : (find(executable) ?? executable))
        process.arguments = arguments
        if let environment { process.environment = environment }
        let running = Running(process: process)
        try running.launch()
        return running
    }

    public final class Running: Sendable {
        private let process: Process
        private let out = Buffer()
        private let err = Buffer()
        private let exit: AsyncStream<Int32>
        private let exitContinuation: AsyncStream<Int32>.Continuation
        private let closed: AsyncStream<Void>
        private let closedContinuation: AsyncStream<Void>.Continuation

        init(process: Process) {
            self.process = process
            (exit, exitContinuation) = AsyncStream.makeStream()
            (closed, closedContinuation) = AsyncStream.makeStream()
        }

        fileprivate func launch() throws {
            let outPipe = Pipe(), errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            let remaining = Mutex(2)
            process.terminationHandler = { [exitContinuation] in exitContinuation.yield($0.terminationStatus); exitContinuation.finish() }
            try process.run()
            for (pipe, buffer) in [(outPipe, out), (errPipe, err)] {
                PipeDrain.start(pipe.fileHandleForReading, chunk: { data in buffer.data.withLock { $0.append(data) } }, end: { [closedContinuation] in
                    if remaining.withLock({ $0 -= 1; return $0 }) == 0 { closedContinuation.finish() }
                })
            }
        }

        public func terminate() { if process.isRunning { process.terminate() } }

        /// Waits for the exit and the end of its output.
        public func finish() async -> Result {
            var statuses = exit.makeAsyncIterator()
            let status = await statuses.next() ?? -1
            for await _ in closed {}
            return Result(status: status, stdout: String(decoding: out.data.withLock { $0 }, as: UTF8.self), stderr: String(decoding: err.data.withLock { $0 }, as: UTF8.self))
        }

        /// Stops it and waits for it.
        public func stop() async -> Result {
            terminate()
            return await finish()
        }
    }

    final class Buffer: Sendable {
        let data = Mutex(Data())
    }
}
