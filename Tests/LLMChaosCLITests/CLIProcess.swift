import Foundation
import TestSupport
import Synchronization

/// The built `llmchaos` binary, run as a user runs it.
final class CLIProcess: Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Next to the test bundle (SwiftPM builds it, as the test target depends on it).
    static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("llmchaos")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return root.appendingPathComponent(".build/debug/llmchaos")
    }()

    private let process = Process()
    private let out = OutputWatcher()
    private let err = OutputWatcher()
    private let exit: AsyncStream<Int32>
    private let pipes: [(Pipe, OutputWatcher)]

    /// With `softOpenFileLimit`, the binary starts with that soft limit on open
    /// files (a shell lowers it, then becomes the binary).
    /// `environment` is added to the test's own; a nil value removes a variable.
    init(_ arguments: [String], softOpenFileLimit: Int? = nil, environment: [String: String?] = [:]) throws {
        if let softOpenFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -S -n \(softOpenFileLimit) && exec \"$0\" \"$@\"", Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = Self.root
        var inherited = ProcessInfo.processInfo.environment
        for (name, value) in environment { inherited[name] = value }
        process.environment = inherited
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let (exit, exitContinuation) = AsyncStream<Int32>.makeStream()
        self.exit = exit
        pipes = [(outPipe, out), (errPipe, err)]
        process.terminationHandler = { exitContinuation.yield($0.terminationStatus); exitContinuation.finish() }
        try process.run()
        for (pipe, watcher) in pipes {
            PipeDrain.start(pipe.fileHandleForReading, chunk: { watcher.append(String(decoding: $0, as: UTF8.self)) }, end: { watcher.close() })
        }
    }

    /// Runs to the end and returns (status, stdout, stderr).
    static func run(_ arguments: [String], environment: [String: String?] = [:]) async throws -> (status: Int32, out: String, err: String) {
        let cli = try CLIProcess(arguments, environment: environment)
        let status = await cli.status()
        return (status, cli.stdout, cli.stderr)
    }

    /// The first line of standard output containing `text`, once it is written;
    /// nil if the output ends without it.
    func line(containing text: String) async -> String? { await out.line(containing: text) }

    /// Like ``line(containing:)``, on standard error (where progress goes).
    func errorLine(containing text: String) async -> String? { await err.line(containing: text) }

    /// The exit status, once the process has exited and its output is read.
    func status() async -> Int32 {
        var iterator = exit.makeAsyncIterator()
        let status = await iterator.next() ?? -1
        for (_, watcher) in pipes { await watcher.closed() }
        return status
    }

    /// Runs curl (loopback only) and returns its standard output.
    static func curl(_ arguments: [String]) async throws -> String {
        try await ExternalTool.run("curl", arguments).stdout
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    var pid: Int32 { process.processIdentifier }

    var stdout: String { out.text }
    var stderr: String { err.text }

    deinit { if process.isRunning { process.terminate() } }
}

/// Output as it arrives; lets a test wait for a line without polling.
final class OutputWatcher: Sendable {
    private struct State {
        var text = ""
        var isClosed = false
        var waiters: [(needle: String?, continuation: CheckedContinuation<String?, Never>)] = []
    }

    private let state = Mutex(State())

    var text: String { state.withLock { $0.text } }

    func append(_ more: String) {
        let ready = state.withLock { s -> [(CheckedContinuation<String?, Never>, String?)] in
            s.text += more
            let text = s.text
            let found = s.waiters.compactMap { w in w.needle.flatMap { Self.line(in: text, containing: $0) }.map { (w.continuation, Optional($0)) } }
            s.waiters.removeAll { w in w.needle.map { Self.line(in: text, containing: $0) != nil } ?? false }
            return found
        }
        for (continuation, line) in ready { continuation.resume(returning: line) }
    }

    func close() {
        let waiters = state.withLock { s in
            s.isClosed = true
            defer { s.waiters.removeAll() }
            return s.waiters.map(\.continuation)
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Returns once the output has ended (or the waiting task is cancelled).
    func closed() async { _ = await wait(for: nil) }

    func line(containing needle: String) async -> String? {
        await wait(for: needle)
    }

    /// Cancellation (a test's time limit) ends every wait, so a test cannot hang.
    private func wait(for needle: String?) async -> String? {
        await withTaskCancellationHandler {
            await suspend(for: needle)
        } onCancel: {
            close()
        }
    }

    private func suspend(for needle: String?) async -> String? {
        await withCheckedContinuation { continuation in
            let now: String?? = state.withLock { s in
                if let needle, let line = Self.line(in: s.text, containing: needle) { return .some(line) }
                if s.isClosed { return .some(nil) }
                s.waiters.append((needle, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private static func line(in text: String, containing needle: String) -> String? {
        text.split(separator: "\n").first { $0.contains(needle) }.map(String.init)
    }
}
