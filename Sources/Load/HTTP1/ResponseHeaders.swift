import NIOCore

/// An answer's header fields, kept as the bytes they arrived in and read only when
/// asked: most answers are never asked for a field (a target reads one or two, if
/// any), so a string for every name and value of every answer was work for nothing.
///
/// ``ResponseParser`` has checked every line before it makes one of these: each is
/// `name ":" OWS value OWS CRLF`, with no folding.
public struct ResponseHeaders: Sendable, Sequence {
    /// The field lines, each ending in CRLF, without the status line or the blank line.
    private let lines: ByteBuffer

    init(lines: ByteBuffer) { self.lines = lines }

    /// The value of the first field of that name, compared without case.
    public func first(name: String) -> String? {
        var found: String?
        forEachField { fieldName, value in
            guard Self.sameName(fieldName, name) else { return true }
            found = String(decoding: value, as: UTF8.self)
            return false
        }
        return found
    }

    /// The values of every field of that name, in the order they came.
    public subscript(name: String) -> [String] {
        var values: [String] = []
        forEachField { fieldName, value in
            if Self.sameName(fieldName, name) { values.append(String(decoding: value, as: UTF8.self)) }
            return true
        }
        return values
    }

    public var count: Int {
        var count = 0
        forEachField { _, _ in count += 1; return true }
        return count
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        var fields: [(name: String, value: String)] = []
        forEachField { name, value in
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            return true
        }
        return fields.makeIterator()
    }

    /// Calls `body` with each field's name and trimmed value until it returns false.
    /// Through a pointer, as ``ResponseParser`` reads heads: a target that takes its
    /// answers' tier from a header asks for it on every request.
    private func forEachField(_ body: (Slice<UnsafeRawBufferPointer>, Slice<UnsafeRawBufferPointer>) -> Bool) {
        lines.withUnsafeReadableBytes { raw in
            var rest = raw[...]
            while let lf = rest.firstIndex(of: 0x0A) {
                let line = rest[rest.startIndex..<(lf - 1)]
                rest = rest[(lf + 1)...]
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                guard body(line[line.startIndex..<colon], ResponseParser.trimmed(line[(colon + 1)...])) else { return }
            }
        }
    }

    private static func sameName(_ bytes: Slice<UnsafeRawBufferPointer>, _ name: String) -> Bool {
        bytes.count == name.utf8.count && zip(bytes, name.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}
