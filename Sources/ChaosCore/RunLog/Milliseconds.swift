/// Stores a `Duration` as milliseconds in JSON: `Duration`'s own Codable form is a
/// pair of integers that no reader of a RunLog or a report wants to see.
@propertyWrapper
public struct Milliseconds: Codable, Sendable, Hashable {
    public var wrappedValue: Duration

    public init(wrappedValue: Duration) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        wrappedValue = .milliseconds(try decoder.singleValueContainer().decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.milliseconds)
    }
}

/// ``Milliseconds`` for a duration that may be absent: absent from the JSON too, so
/// RunLogs written before the field existed still read.
@propertyWrapper
public struct OptionalMilliseconds: Codable, Sendable, Hashable {
    public var wrappedValue: Duration?

    public init(wrappedValue: Duration?) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : .milliseconds(try container.decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue.milliseconds) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    public func decode(_ type: OptionalMilliseconds.Type, forKey key: Key) throws -> OptionalMilliseconds {
        try decodeIfPresent(type, forKey: key) ?? OptionalMilliseconds(wrappedValue: nil)
    }
}

extension KeyedEncodingContainer {
    public mutating func encode(_ value: OptionalMilliseconds, forKey key: Key) throws {
        if value.wrappedValue != nil { try encodeIfPresent(value, forKey: key) }
    }
}
