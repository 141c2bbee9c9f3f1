import ChaosCore

extension SchemaInstance {
    /// A schema with `allOf`, or a `$ref` with keywords beside it (JSON Schema
    /// 2020-12 allows both; Pydantic puts a field's `default` and `description`
    /// there), as the one schema a value must meet: every part's properties and
    /// required names, the tightest bounds. The keywords written beside win over
    /// the referenced ones. Nil when the `$ref` points outside the document.
    func merged(_ schema: JSONValue, depth: Int) -> JSONValue? {
        guard case var .object(keywords) = schema else { return nil }
        var parts: [JSONValue] = []
        if let reference = keywords.removeValue(forKey: "$ref") {
            guard let target = reference.string.flatMap(resolve) else { return nil }
            parts.append(target)
        }
        parts += keywords.removeValue(forKey: "allOf")?.array ?? []
        return parts.reduce(JSONValue.object(keywords)) { whole, part in
            // A part that refers or combines in turn is merged first, within the depth bound.
            let flat = part["$ref"] != nil || part["allOf"] != nil
                ? (depth < Self.maxDepth ? merged(part, depth: depth + 1) : nil) ?? .object([:])
                : part
            return Self.merge(whole, flat)
        }
    }

    private static let lowerBounds: Set = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"]
    private static let upperBounds: Set = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"]

    /// Both schemas' constraints in one; where they name the same keyword
    /// otherwise, the first schema's.
    static func merge(_ first: JSONValue, _ second: JSONValue) -> JSONValue {
        guard case var .object(whole) = first, case let .object(part) = second else { return first }
        for (key, value) in part {
            guard let held = whole[key] else { whole[key] = value; continue }
            switch key {
            case "properties":
                guard case var .object(properties) = held, case let .object(more) = value else { continue }
                for (name, property) in more {
                    properties[name] = properties[name].map { (held: JSONValue) -> JSONValue in ["allOf": [held, property]] } ?? property
                }
                whole[key] = .object(properties)
            case "items": whole[key] = ["allOf": [held, value]]
            case "required":
                let names = held.array ?? []
                whole[key] = .array(names + (value.array ?? []).filter { !names.contains($0) })
            case "enum":
                let allowed = (held.array ?? []).filter { (value.array ?? []).contains($0) }
                if !allowed.isEmpty { whole[key] = .array(allowed) }
            case "type":
                // Integers are numbers: of the two, the narrower.
                if held == "number", value == "integer" { whole[key] = value }
            case _ where lowerBounds.contains(key):
                if let a = held.number, let b = value.number { whole[key] = .number(max(a, b)) }
            case _ where upperBounds.contains(key):
                if let a = held.number, let b = value.number { whole[key] = .number(min(a, b)) }
            default: break
            }
        }
        return .object(whole)
    }
}
