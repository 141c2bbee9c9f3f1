import NIOCore

/// Reads HTTP/1.1 answers from a connection's bytes, one at a time: status line and
/// header fields, then a body framed by `content-length`, by chunks, or by the
/// connection's end (RFC 9112, 6.3).
///
/// Why not NIO's llhttp decoder: with its request encoder and header validator it
/// was a fifth of the load generator's CPU; wrk's parser does this much and no
/// more. It refuses what it does not understand (obsolete line folding, conflicting
/// lengths, a `101` nobody asked for) rather than guess where an answer ends.
struct ResponseParser {
    enum Part {
        /// `eventStream`: the body is a `text/event-stream`, read as it comes.
        case head(status: Int, headers: ResponseHeaders, keepAlive: Bool, eventStream: Bool)
        case body(ByteBuffer)
        case end
    }

    static let maxHeadBytes = 64 * 1024
    static let maxLineBytes = 4 * 1024

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
    }

    private var state = State.head
    /// How far the head has been searched for its blank line, so that bytes
    /// arriving a few at a time are not searched again from the start.
    private var searched = 0
    /// The request was a HEAD: its answer has a head only.
    var answersHead = false

    /// Whether the connection's end completes the answer being read.
    var endsWithConnection: Bool { if case .untilClose = state { true } else { false } }

    /// The next part the bytes hold, or nil when more bytes are needed; consumes
    /// what it returns.
    mutating func next(_ buffer: inout ByteBuffer) throws(LoadHTTPClient.Failure) -> Part? {
        while true {
            switch state {
            case .head:
                guard let head = try readHead(&buffer) else { return nil }
                if let head { return head }
            case let .fixed(remaining):
                if remaining == 0 { state = .head; return .end }
                guard buffer.readableBytes > 0 else { return nil }
                let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                state = .fixed(remaining: remaining - piece.readableBytes)
                return .body(piece)
            case .chunkSize:
                guard let line = try readLine(&buffer) else { return nil }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case let .chunkData(remaining):
                guard buffer.readableBytes > 0 else { return nil }
                let piece = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
                state = piece.readableBytes == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - piece.readableBytes)
                return .body(piece)
            case .chunkDataEnd:
                guard buffer.readableBytes >= 2 else { return nil }
                guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw .malformedAnswer("a chunk does not end with CRLF") }
                state = .chunkSize
            case .trailers:
                guard let line = try readLine(&buffer) else { return nil }
                if line.isEmpty { state = .head; return .end }
            case .untilClose:
                guard buffer.readableBytes > 0 else { return nil }
                return .body(buffer.readSlice(length: buffer.readableBytes)!)
            }
        }
    }

    /// `nil`: more bytes needed; `.some(nil)`: an informational head was skipped.
    private mutating func readHead(_ buffer: inout ByteBuffer) throws(LoadHTTPClient.Failure) -> Part?? {
        let view = buffer.readableBytesView
        let from = view.startIndex + max(0, searched - 3)
        guard let blank = Self.find(crlfcrlf: view, from: from) else {
            searched = view.count
            guard view.count <= Self.maxHeadBytes else { throw .malformedAnswer("a head longer than \(Self.maxHeadBytes / 1024) KiB") }
            return nil
        }
        searched = 0
        // The head with its last line's CRLF: every line then ends in CRLF.
        let head = buffer.readSlice(length: blank + 2 - view.startIndex)!
        buffer.moveReaderIndex(forwardBy: 2)
        return try parseHead(head)
    }

    /// What a head says, read from its bytes.
    private struct Head {
        var minor = 1, status = 0
        /// Where the field lines start in the head.
        var fieldsAt = 0
        var contentLength: Int?
        var chunked = false, transferEncoded = false
        var close = false, keepAliveAsked = false
        var eventStream = false
    }

    private mutating func parseHead(_ buffer: ByteBuffer) throws(LoadHTTPClient.Failure) -> Part? {
        // Read through a pointer: slices of a `ByteBufferView` retain and release
        // the buffer and check exclusive access at every step. Read that way, with
        // a string made for every field, the head was 4 % of the load generator's
        // CPU; read this way, 0.9 %.
        let read = buffer.withUnsafeReadableBytes { raw in Result { () throws(LoadHTTPClient.Failure) in try Self.read(head: raw) } }
        let head = try read.get()
        let (status, contentLength) = (head.status, head.contentLength)
        if status < 200 {
            // An interim answer; the real one follows. A 101 would switch protocols,
            // which a request without `upgrade` never asks for.
            guard status != 101 else { throw .malformedAnswer("101 Switching Protocols, which was not asked for") }
            return nil
        }
        var keepAlive = head.minor == 0 ? head.keepAliveAsked && !head.close : !head.close
        if answersHead || status == 204 || status == 304 {
            state = .fixed(remaining: 0)
        } else if head.transferEncoded {
            // A length beside chunks may be a smuggling attempt: the connection is
            // not trusted for another request.
            if contentLength != nil { keepAlive = false }
            state = head.chunked ? .chunkSize : .untilClose
        } else if let contentLength {
            state = .fixed(remaining: contentLength)
        } else {
            state = .untilClose
        }
        if case .untilClose = state { keepAlive = false }
        // A stream's answer is held for the stream's whole length: its fields are
        // copied so as not to keep the whole first read's buffer alive with them.
        var lines = buffer.getSlice(at: buffer.readerIndex + head.fieldsAt, length: buffer.readableBytes - head.fieldsAt)!
        if head.eventStream { lines = ByteBuffer(bytes: lines.readableBytesView) }
        return .head(status: status, headers: ResponseHeaders(lines: lines), keepAlive: keepAlive, eventStream: head.eventStream)
    }

    private static func read(head raw: UnsafeRawBufferPointer) throws(LoadHTTPClient.Failure) -> Head {
        var rest = raw[...]
        guard let statusLine = try nextLine(&rest) else { throw .malformedAnswer("no status line") }
        var head = Head()
        (head.minor, head.status) = try Self.statusLine(statusLine)
        head.fieldsAt = rest.startIndex
        var contentType: Slice<UnsafeRawBufferPointer>?
        while let line = try nextLine(&rest) {
            guard let first = line.first, first != 0x20, first != 0x09 else { throw .malformedAnswer("a folded or empty header line") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon != line.startIndex,
                  line[line.startIndex..<colon].allSatisfy(Self.isTokenByte) else {
                throw .malformedAnswer("a header line is not name: value")
            }
            let name = line[line.startIndex..<colon]
            let value = trimmed(line[(colon + 1)...])
            if Self.equalsLowercased(name, "content-length") {
                // Each item of a list must give the same length. Walked in place,
                // not split into an array: this runs for every answer.
                var items = value
                while true {
                    let comma = items.firstIndex(of: UInt8(ascii: ",")) ?? items.endIndex
                    guard let length = Self.decimal(Self.trimmed(items[items.startIndex..<comma])), head.contentLength == nil || head.contentLength == length else {
                        throw .malformedAnswer("content-length '\(String(decoding: value, as: UTF8.self))' is not one length")
                    }
                    head.contentLength = length
                    guard comma < items.endIndex else { break }
                    items = items[(comma + 1)...]
                }
            } else if Self.equalsLowercased(name, "transfer-encoding") {
                head.transferEncoded = true
                let last = value.split(separator: UInt8(ascii: ",")).last.map(Self.trimmed)
                head.chunked = last.map { Self.equalsLowercased($0, "chunked") } ?? false
            } else if contentType == nil, Self.equalsLowercased(name, "content-type") {
                contentType = value
            } else if Self.equalsLowercased(name, "connection") {
                for token in value.split(separator: UInt8(ascii: ",")).map(Self.trimmed) {
                    if Self.equalsLowercased(token, "close") { head.close = true }
                    if Self.equalsLowercased(token, "keep-alive") { head.keepAliveAsked = true }
                }
            }
        }
        head.eventStream = contentType.map { Self.equalsLowercased($0.prefix(17), "text/event-stream") } ?? false
        return head
    }

    /// The next line of a head without its CRLF, moving `rest` past it.
    private static func nextLine(_ rest: inout Slice<UnsafeRawBufferPointer>) throws(LoadHTTPClient.Failure) -> Slice<UnsafeRawBufferPointer>? {
        guard let lf = rest.firstIndex(of: 0x0A) else { return nil }
        defer { rest = rest[(lf + 1)...] }
        guard lf > rest.startIndex, rest[lf - 1] == 0x0D else { throw .malformedAnswer("a head line ends without CR") }
        return rest[rest.startIndex..<(lf - 1)]
    }

    /// A line ending in CRLF, without it; nil when it has not all arrived.
    private func readLine(_ buffer: inout ByteBuffer) throws(LoadHTTPClient.Failure) -> ByteBufferView? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: 0x0A) else {
            guard view.count <= Self.maxLineBytes else { throw .malformedAnswer("a chunk line longer than \(Self.maxLineBytes) bytes") }
            return nil
        }
        guard lf > view.startIndex, view[lf - 1] == 0x0D else { throw .malformedAnswer("a chunk line ends without CR") }
        buffer.moveReaderIndex(forwardBy: lf - view.startIndex + 1)
        return view[view.startIndex..<(lf - 1)]
    }

    private static func statusLine(_ raw: Slice<UnsafeRawBufferPointer>) throws(LoadHTTPClient.Failure) -> (minor: Int, status: Int) {
        // "HTTP/1.x SSS", then a space and a reason (possibly empty), or nothing.
        // Read in place: this runs for every answer.
        let at = raw.startIndex
        guard raw.count >= 12, raw[at..<(at + 7)].elementsEqual("HTTP/1.".utf8), raw[at + 7] == 0x30 || raw[at + 7] == 0x31,
              raw[at + 8] == 0x20, let status = decimal(raw[(at + 9)..<(at + 12)]), raw.count == 12 || raw[at + 12] == 0x20,
              status >= 100 else {
            throw .malformedAnswer("the status line '\(String(decoding: raw.prefix(64), as: UTF8.self))' is not HTTP/1.x")
        }
        return (Int(raw[at + 7] - 0x30), status)
    }

    private static func chunkSize(_ line: ByteBufferView) throws(LoadHTTPClient.Failure) -> Int {
        let digits = trimmed(line.prefix { $0 != UInt8(ascii: ";") })
        var size = 0
        guard !digits.isEmpty, digits.count <= 15 else { throw .malformedAnswer("a chunk size that is not a hex number") }
        for byte in digits {
            let value: UInt8
            switch byte {
            case 0x30...0x39: value = byte - 0x30
            case 0x41...0x46: value = byte - 0x41 + 10
            case 0x61...0x66: value = byte - 0x61 + 10
            default: throw .malformedAnswer("a chunk size that is not a hex number")
            }
            size = size << 4 | Int(value)
        }
        return size
    }

    private static func find(crlfcrlf view: ByteBufferView, from: ByteBufferView.Index) -> ByteBufferView.Index? {
        var index = from
        let end = view.endIndex - 3
        while index < end {
            guard let cr = view[index..<end].firstIndex(of: 0x0D) else { return nil }
            if view[cr + 1] == 0x0A, view[cr + 2] == 0x0D, view[cr + 3] == 0x0A { return cr }
            index = cr + 1
        }
        return nil
    }

    private static func decimal<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func trimmed<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        var slice = bytes[...]
        while let byte = slice.first, byte == 0x20 || byte == 0x09 { slice = slice.dropFirst() }
        while let byte = slice.last, byte == 0x20 || byte == 0x09 { slice = slice.dropLast() }
        return slice
    }

    static func equalsLowercased<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
        }
    }

    /// `tchar` of RFC 9110, 5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
