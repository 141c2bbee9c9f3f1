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
