import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads from a pipe with POSIX `read`, retrying when a signal interrupts it.
/// Foundation's `availableData` and `readDataToEndOfFile()` use `try!` and crash the
/// whole test run on EINTR, which a child process exiting can cause.
public enum RetryingRead {
    /// What is readable now, blocking until something is; empty at end of file.
    public static func available(_ handle: FileHandle) -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[0..<count]) }
            if errno != EINTR && errno != EAGAIN { return Data() }
        }
    }

    /// Everything up to end of file.
    public static func toEnd(_ handle: FileHandle) -> Data {
        var all = Data()
        while true {
            let chunk = available(handle)
            if chunk.isEmpty { return all }
            all.append(chunk)
        }
    }
}

/// Reads a pipe to its end on a thread of its own. Foundation's `readabilityHandler`
/// is a dispatch source on the descriptor, and closing a pipe while its source is
/// still registered crashed the test run inside libdispatch's event loop
/// (`_dispatch_event_loop_drain`), about one run in three of the process tests.
public enum PipeDrain {
    public static func start(_ handle: FileHandle, chunk: @escaping @Sendable (Data) -> Void, end: @escaping @Sendable () -> Void) {
        let thread = Thread {
            while true {
                let data = RetryingRead.available(handle)
                if data.isEmpty { break }
                chunk(data)
            }
            end()
        }
        thread.name = "pipe drain"
        thread.start()
    }
}
