import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP server on 127.0.0.1 that answers each connection with a script, byte for
/// byte, on a thread of its own: for testing an HTTP client against what real
/// servers do (close idle connections, answer in chunks, never answer, close
/// mid-answer), which a well-behaved framework will not do on demand.
public final class ScriptedServer: Sendable {
    /// One accepted connection, seen from the server.
    public final class Connection: @unchecked Sendable {
        let socket: Int32
        private var pending: [UInt8] = []
        init(socket: Int32) { self.socket = socket }

        /// One HTTP request's head and body (by `content-length`); nil when the
        /// client closed the connection first.
        public func readRequest() -> (head: String, body: String)? {
            while true {
                if let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) {
                    let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                    let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    while pending.count < end.upperBound + length { guard fill() else { return nil } }
                    let body = String(decoding: pending[end.upperBound..<(end.upperBound + length)], as: UTF8.self)
                    pending.removeFirst(end.upperBound + length)
                    return (head, body)
                }
                guard fill() else { return nil }
            }
        }

        /// True when the client closed its side (a read sees the end).
        public func waitForClose() -> Bool {
            while fill() {}
            return true
        }

        public func write(_ text: String) {
            let bytes = Array(text.utf8)
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { if errno == EINTR { continue }; return }
                sent += count
            }
        }

        public func close() { shutdown(socket, Int32(SHUT_RDWR)) }

        private func fill() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if count > 0 { pending += buffer[0..<count]; return true }
                if count < 0 && errno == EINTR { continue }
                return false
            }
        }
    }

    public let port: Int
    private let listener: Int32
    private let accepted = Atomic<Int>(0)

    /// Starts listening; `script` runs for each connection on its own thread, and
    /// the connection closes when it returns.
    public init(script: @escaping @Sendable (Connection, _ index: Int) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { if errno == EINTR { continue }; return }
                let index = accepted.add(1, ordering: .relaxed).oldValue
                let connection = Connection(socket: client)
                let worker = Thread {
                    script(connection, index)
                    Glibc.close(client)
                }
                worker.start()
            }
        }
        thread.start()
    }

    /// Connections accepted so far.
    public var connections: Int { accepted.load(ordering: .relaxed) }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting; connections already open run their scripts to the end.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }
}
