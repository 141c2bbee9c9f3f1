import Foundation
import Synchronization

/// The user's service, started by the harness and always stopped by it: SIGTERM,
/// then SIGKILL if it has not gone within a few seconds. Its output goes to a log
/// file whose tail is shown when it fails to start.
///
/// Spawned with `posix_spawn` rather than `Process`: a child inherits the blocked
/// signals of the thread that starts it, and the threads of a Swift process block
/// SIGTERM, so a service started through `Process` never saw the harness's SIGTERM,
/// had no graceful shutdown, and was killed five seconds later. Here the child
/// starts with no signal blocked and every signal at its default, in a process
/// group of its own, so that the signals reach what a shell command starts too.
public final class TargetProcess: Sendable {
    /// How the process ended.
    enum Ending: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        /// Reaped by someone else: gone, how unknown.
        case gone

        var description: String {
            switch self {
            case let .exited(status): "exited (status \(status))"
            case let .signalled(signal): "was killed by signal \(signal)"
            case .gone: "ended"
            }
        }
    }

    let pid: pid_t
    let logPath: String
    private let ended = Mutex<Ending?>(nil)

    /// Process groups of the services running now. A service is in a group of its
    /// own, out of reach of the terminal's Ctrl-C, so a harness quitting at once
    /// (a second Ctrl-C) must end them itself or leave them holding their ports.
    private static let running = Mutex<Set<pid_t>>([])

    /// Sends SIGKILL to every service still running, and what each started.
    public static func killAll() {
        for group in running.withLock({ $0 }) { kill(-group, SIGKILL) }
    }

    /// Starts `command` with a shell (`exec`, so the signal reaches the command itself).
    init(command: String, environment: [String: String], logPath: String) throws {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        pid = try Self.spawn(["/bin/sh", "-c", "exec " + command], environment: merged.map { "\($0.key)=\($0.value)" }, logPath: logPath)
        self.logPath = logPath
        _ = Self.running.withLock { $0.insert(pid) }
    }

    /// Whether it is still running; reaps it once it has ended.
    var isRunning: Bool { ending == nil }

    /// How it ended, or nil while it runs.
    var ending: Ending? {
        ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            switch waitpid(pid, &status, WNOHANG) {
            case pid:
                // The <sys/wait.h> macros, which Swift does not import.
                let signal = status & 0x7F
                ended = signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
            case -1 where errno == ECHILD:
                // Not ours to wait for any more: waiting on would never end.
                ended = .gone
            default:
                return nil
            }
            _ = Self.running.withLock { $0.remove(pid) }
            return ended
        }
    }

    /// The last lines it printed.
    func tail(lines: Int = 12) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Stops it and what it started, and waits until it has gone.
    func stop() async {
        guard isRunning else { return }
        kill(-pid, SIGTERM)
        // Process exit is a real-world event, outside scenario time. The stop most
        // often comes from a cancelled run (Ctrl-C), where `Task.sleep` returns at
        // once: the grace period is waited in a task of its own, or it would be none.
        await Task {
            for _ in 0..<50 where isRunning { try? await Task.sleep(for: .milliseconds(100)) }
            kill(-pid, SIGKILL)
            // Bounded: a process stuck in the kernel (uninterruptible sleep) dies late.
            for _ in 0..<500 where isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        }.value
    }

    private static func spawn(_ arguments: [String], environment: [String], logPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The harness's sockets and files are not the service's to hold: a listening
        // socket inherited would outlive the mock.
        closeEverythingAboveStderr(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var pid: pid_t = 0
        let result = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp) }
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        return pid
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34) closes in the child
    /// whatever is open when it runs, including a descriptor another thread opened
    /// without `O_CLOEXEC` a moment before the spawn; a list read from
    /// `/proc/self/fd` beforehand misses that one (it reached a child in CI). Swift's
    /// Glibc module does not export the function, so it is looked up; the list is
    /// the fallback on a libc without it. Closing a descriptor gone since is not an
    /// error in the child.
    private static func closeEverythingAboveStderr(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"),
           unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3) == 0 {
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }

    /// A NULL-terminated array of C strings, alive for the call.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
