import ChaosCore

/// `output_config`: what the answer must look like. With `format` (structured
/// outputs) the answer's text is JSON that its schema accepts; `effort` (`low` to
/// `max`) sets how long adaptive thinking runs.
public struct OutputConfig: Codable, Sendable, Equatable {
    public var format: OutputFormat?
    public var effort: String?

    public init(format: OutputFormat?, effort: String? = nil) {
        self.format = format; self.effort = effort
    }
}

/// `{"type": "json_schema", "schema": {…}}`, the one output format the API knows.
public struct OutputFormat: Codable, Sendable, Equatable {
    public var schema: JSONValue

    public init(schema: JSONValue) { self.schema = schema }

    enum CodingKeys: String, CodingKey { case type, schema }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        guard type == "json_schema" else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "Input tag '\(type)' found using 'type' does not match any of the expected tags: 'json_schema'"
            )
        }
        schema = try c.decode(JSONValue.self, forKey: .schema)
        guard case .object = schema else {
            throw DecodingError.typeMismatch([String: JSONValue].self, .init(codingPath: c.codingPath + [CodingKeys.schema], debugDescription: "not an object"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("json_schema", forKey: .type)
        try c.encode(schema, forKey: .schema)
    }
}
