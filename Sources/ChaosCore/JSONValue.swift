/// Any JSON value: a tool's input schema as a client sends it, the input the mock
/// makes up for it, the scenario JSON Schema written as Swift literals.
public indirect enum JSONValue: Codable, Sendable, Equatable, Hashable, ExpressibleByDictionaryLiteral,
    ExpressibleByArrayLiteral, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(elements) { $1 }) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .object(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .number(value): if let whole = Self.whole(value) { try container.encode(whole) } else { try container.encode(value) }
        case let .bool(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members[key]
    }

    public var string: String? { if case let .string(value) = self { value } else { nil } }
    public var number: Double? { if case let .number(value) = self { value } else { nil } }
    public var array: [JSONValue]? { if case let .array(value) = self { value } else { nil } }

    /// Compact JSON with the keys of every object sorted, so one value always reads
    /// the same (the mock's answers are a function of the request).
    public var jsonText: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func appendJSON(to out: inout [UInt8]) {
        switch self {
        case let .object(members):
            out.append(0x7B)
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(0x2C) }
                JSONText.appendQuoted(key, to: &out)
                out.append(0x3A)
                members[key]!.appendJSON(to: &out)
            }
            out.append(0x7D)
        case let .array(values):
            out.append(0x5B)
            for (i, value) in values.enumerated() {
                if i > 0 { out.append(0x2C) }
                value.appendJSON(to: &out)
            }
            out.append(0x5D)
        case let .string(value): JSONText.appendQuoted(value, to: &out)
        case let .number(value):
            if let whole = Self.whole(value) { JSONText.appendInteger(whole, to: &out) }
            else if value.isFinite { out.append(contentsOf: "\(value)".utf8) }
            else { out.append(contentsOf: "null".utf8) }
        case let .bool(value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        }
    }

    /// The integer a number is, when it is one that an `Int` holds exactly.
    private static func whole(_ value: Double) -> Int? {
        guard value == value.rounded(), abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }
}
