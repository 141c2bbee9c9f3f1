import Foundation

/// The user's service, started by the harness and always stopped by it: SIGTERM,
/// then SIGKILL if it has not gone within a few seconds. Its output goes to a log
/// file whose tail is shown when it fails to start.
final class TargetProcess: Sendable {
    let process: Process
    let logPath: String

    /// Starts `command` with a shell (`exec`, so the signal reaches the command itself).
    init(command: String, environment: [String: String], logPath: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec " + command]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.logPath = logPath
    }

    var isRunning: Bool { process.isRunning }

    /// The last lines it printed.
    func tail(lines: Int = 12) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Stops it and waits until it has gone.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        // Process exit is a real-world event, outside scenario time.
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
