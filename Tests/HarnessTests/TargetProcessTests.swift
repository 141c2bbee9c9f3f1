import Foundation
@testable import Harness
import Synchronization
import Testing

/// The user's service is started so that it can shut down gracefully, and stopped
/// with everything it started.
// Serialized: killAll reaches every service this process started.
@Suite(.serialized) struct TargetProcessTests {
    let folder: String = {
        let path = NSTemporaryDirectory() + "target-process-\(UUID())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func start(_ command: String, environment: [String: String] = [:]) throws -> TargetProcess {
        try TargetProcess(command: command, environment: environment, logPath: folder + "/log")
    }

    /// Polls the service's log for a line; the service writes it once it is set up.
    func waitForOutput(_ text: String, of process: TargetProcess) async throws {
        for _ in 0..<200 where !process.tail().contains(text) { try await Task.sleep(for: .milliseconds(25)) }
        try #require(process.tail().contains(text), "log: \(process.tail())")
    }

    @Test func aServiceGetsSIGTERMAndShutsDownGracefully() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let marker = folder + "/graceful"
        let process = try start("""
            python3 -c 'import signal, sys, time
            def bye(*_):
                open(sys.argv[1], "w").write("bye"); sys.exit(0)
            signal.signal(signal.SIGTERM, bye)
            print("up", flush=True)
            time.sleep(30)' \(marker)
            """)
        try await waitForOutput("up", of: process)
        #expect(process.isRunning)
        await process.stop()
        #expect(process.ending == .exited(0), "the handler ran and exited; SIGKILL would read as signal 9")
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    @Test func aServiceStartsWithNoSignalBlockedNoHarnessDescriptorAndItsEnvironment() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try start(#"""
            python3 -c 'import os, signal
            print("blocked", sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
            print("fds", sorted(int(f) for f in os.listdir("/proc/self/fd") if int(f) > 2 and os.path.exists("/proc/self/fd/" + f)))
            print("group", os.getpgid(0) == os.getpid(), os.environ["LLMCHAOS_PROBE"])'
            """#, environment: ["LLMCHAOS_PROBE": "seen"])
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(25)) }
        #expect(process.ending == .exited(0), "\(process.tail())")
        let log = process.tail()
        #expect(log.contains("blocked []"))
        #expect(log.contains("fds []"), "only stdin, stdout and stderr")
        #expect(log.contains("group True seen"))
    }

    /// Another thread opening files without `O_CLOEXEC` while the service starts (a
    /// library, another test) must not hand them to it: a list of descriptors read
    /// before the spawn misses the ones opened after it, and leaked one in CI.
    @Test func aDescriptorOpenedWhileTheServiceStartsIsNotInherited() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let stop = Atomic(false)
        let churn = Thread {
            // Each copy at another number, so that the one open at the spawn is rarely
            // one that was open when a list could have been read. Bounded by count as
            // well as by the flag.
            let file = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer { close(file) }
            for copy in 0..<50_000_000 where !stop.load(ordering: .relaxed) {
                let fd = fcntl(file, F_DUPFD, Int32(300 + copy % 97))
                close(fd)
            }
        }
        churn.start()
        defer { stop.store(true, ordering: .relaxed) }
        var leaks: [String] = []
        for attempt in 0..<12 {
            let process = try TargetProcess(command: #"""
                python3 -c 'import os; print("fds", sorted(int(f) for f in os.listdir("/proc/self/fd") if int(f) > 2 and os.path.exists("/proc/self/fd/" + f)))'
                """#, environment: [:], logPath: folder + "/log\(attempt)")
            for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(25)) }
            let log = process.tail()
            #expect(log.contains("fds"), "\(log)")
            if !log.contains("fds []") { leaks.append(log) }
        }
        #expect(leaks.isEmpty, "\(leaks)")
    }

    @Test func stoppingAShellCommandStopsWhatItStarted() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pidFile = folder + "/child"
        let process = try start("sh -c 'sleep 60 & echo $! > \(pidFile); echo up; wait'")
        try await waitForOutput("up", of: process)
        let child = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(Self.isAlive(child))
        await process.stop()
        #expect(process.ending == .signalled(SIGTERM))
        for _ in 0..<100 where Self.isAlive(child) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!Self.isAlive(child), "the background child got the signal too")
    }

    @Test func killAllEndsEveryServiceStillRunning() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try start("sh -c 'echo up; sleep 60'")
        try await waitForOutput("up", of: process)
        TargetProcess.killAll()
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(process.ending == .signalled(SIGKILL))
    }

    @Test func aProcessReapedElsewhereIsGoneAndStoppingItReturns() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = try start("true")
        var status: Int32 = 0
        #expect(waitpid(process.pid, &status, 0) == process.pid)
        #expect(process.ending == .gone)
        await process.stop()
        #expect(!process.isRunning)
    }

    /// Alive and not a zombie: an orphan is reaped by whatever is PID 1, perhaps late.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
