import ChaosCore
import Foundation

/// A `multipart/form-data` body read a chunk at a time: each part's headers,
/// then its bytes as they arrive, then its end. Delimiters are found with
/// ``ByteSearch``, so the bytes of a file cost about what copying them does, in a
/// debug build too (multipart-kit's parser, a byte at a time, took 16 s for a
/// 20 MB upload in this project's debug build).
struct MultipartReader {
    enum Event {
        case headers([(name: String, value: String)])
        case body(ArraySlice<UInt8>)
        case partEnd
    }

    enum Failure: Error { case malformed }

    private enum State { case preamble, headers, body, epilogue }

    private let delimiter: [UInt8]
    private var pending: [UInt8] = []
    private var state = State.preamble

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may open the body, with no line break before it.
        pending = [0x0D, 0x0A]
    }

    /// Feeds the next chunk; `handle` sees what it completes, in order.
    mutating func consume(_ chunk: some Collection<UInt8>, _ handle: (Event) -> Void) throws(Failure) {
        pending.append(contentsOf: chunk)
        var start = 0
        defer { pending.removeFirst(start) }
        while true {
            switch state {
            case .preamble:
                guard let at = find(delimiter, from: start) else {
                    start = max(start, pending.count - delimiter.count)
                    return
                }
                start = at + delimiter.count
                state = .headers
            case .headers:
                // After a delimiter: "--" ends the body, else a line break, the
                // headers, and a blank line.
                guard pending.count - start >= 2 else { return }
                if pending[start] == 0x2D, pending[start + 1] == 0x2D { state = .epilogue; continue }
                guard let end = find([0x0D, 0x0A, 0x0D, 0x0A], from: start) else {
                    if pending.count - start > 16 * 1024 { throw .malformed }
                    return
                }
                handle(.headers(try Self.headers(pending[start..<end])))
                start = end + 4
                state = .body
            case .body:
                if let at = find(delimiter, from: start) {
                    if at > start { handle(.body(pending[start..<at])) }
                    handle(.partEnd)
                    start = at + delimiter.count
                    state = .headers
                } else {
                    // Keep what could be the start of a delimiter split across chunks.
                    let safe = max(start, pending.count - delimiter.count + 1)
                    if safe > start { handle(.body(pending[start..<safe])) }
                    start = safe
                    return
                }
            case .epilogue:
                start = pending.count
                return
            }
        }
    }

    /// Whether the body ended with its closing delimiter.
    var finished: Bool { state == .epilogue }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        pending.withUnsafeBytes { ByteSearch.find(needle, in: $0, from: start) }
    }

    private static func headers(_ bytes: ArraySlice<UInt8>) throws(Failure) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let text = String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            if text.isEmpty { continue }
            guard let colon = text.firstIndex(of: ":") else { throw .malformed }
            fields.append((text[..<colon].lowercased(), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return fields
    }
}
