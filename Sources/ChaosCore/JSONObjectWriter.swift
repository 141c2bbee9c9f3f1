/// Writes one JSON object field by field, as bytes, for the RunLog events written
/// once per request, where a `JSONEncoder` per event was a tenth of the load
/// generator's CPU. Callers add keys in the order `JSONEncoder`'s `.sortedKeys`
/// puts them and skip absent optionals as `encodeIfPresent` does, so what they
/// write is byte for byte what the encoder writes with `.sortedKeys` and
/// `.withoutEscapingSlashes` (tested).
public struct JSONObjectWriter {
    public struct NonFiniteNumber: Error, CustomStringConvertible {
        public let key: String
        public var description: String { "\(key) is not a finite number, which JSON cannot hold" }
    }

    private var out: [UInt8]
    private var empty = true

    public init(capacity: Int = 384) {
        out = [0x7B]
        out.reserveCapacity(capacity)
    }

    public mutating func add(_ key: StaticString, _ value: String) {
        name(key); JSONText.appendQuoted(value, to: &out)
    }

    public mutating func add(_ key: StaticString, _ value: Int) {
        name(key); JSONText.appendInteger(value, to: &out)
    }

    public mutating func add(_ key: StaticString, _ value: Bool) {
        name(key); out.append(contentsOf: value ? Self.true : Self.false)
    }

    /// As the encoder writes a `Double`: its shortest round-trip text, without a
    /// trailing `.0`.
    public mutating func add(_ key: StaticString, _ value: Double) throws {
        guard value.isFinite else { throw NonFiniteNumber(key: "\(key)") }
        name(key)
        out.append(contentsOf: value.description.utf8)
        // Bytes, not `hasSuffix`, which compares characters. What precedes the
        // number is a colon, so a one-digit number never matches.
        if out[out.count - 2] == 0x2E, out[out.count - 1] == 0x30 { out.removeLast(2) }
    }

    public mutating func add(_ key: StaticString, _ values: [String]) {
        name(key)
        out.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(0x2C) }
            JSONText.appendQuoted(value, to: &out)
        }
        out.append(0x5D)
    }

    public mutating func addIfPresent(_ key: StaticString, _ value: String?) { if let value { add(key, value) } }
    public mutating func addIfPresent(_ key: StaticString, _ value: Int?) { if let value { add(key, value) } }
    public mutating func addIfPresent(_ key: StaticString, _ value: Double?) throws { if let value { try add(key, value) } }

    public consuming func finish() -> String {
        out.append(0x7D)
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func name(_ key: StaticString) {
        if !empty { out.append(0x2C) }
        empty = false
        out.append(0x22)
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x22); out.append(0x3A)
    }

    private static let `true` = Array("true".utf8)
    private static let `false` = Array("false".utf8)
}
