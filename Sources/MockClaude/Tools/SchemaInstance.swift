import ChaosCore
import Foundation

/// A value that a JSON Schema accepts, made the way a model fills in a tool's
/// arguments: every property present, enums and constants honoured, bounds and
/// `multipleOf` met, local `$ref`s (Pydantic's `$defs`, `definitions`) followed and
/// merged with the keywords beside them, `allOf` merged, tuples (`prefixItems`)
/// filled in order, simple `pattern`s matched (``PatternExample``), the items of a
/// `uniqueItems` array told apart. Deterministic: the same schema and hints give
/// the same value. Not honoured: `not`, a `pattern` together with a `minLength` it
/// does not meet, unique items that can differ only in a `format` or `pattern`.
struct SchemaInstance {
    /// Where string arguments come from: text named like a question gets the
    /// user's question, text named like SQL the golden answer when there is one.
    struct Hints {
        var question: String
        var sql: String?
        /// Above 0 for the later calls of one tool in the same answer, whose
        /// free-text arguments then differ: ` (2)`, ` (3)`, …
        var variant = 0
        /// Above 0 for the later items of a `uniqueItems` array, each told apart
        /// from the first: the next enum value or number, the other boolean, ` #2` in text.
        var item = 0
    }

    let root: JSONValue
    let hints: Hints

    /// Recursive schemas (a tree node holding nodes) stop here.
    static let maxDepth = 8

    func value() -> JSONValue { value(of: root, name: "", depth: 0) }

    private func value(of written: JSONValue, name: String, depth: Int) -> JSONValue {
        guard depth < Self.maxDepth, case .object = written else { return .null }
        let schema = Self.withDescribedBounds(written)
        if schema["$ref"] != nil || schema["allOf"] != nil {
            guard let merged = merged(schema, depth: depth) else { return .null }
            return value(of: merged, name: name, depth: depth + 1)
        }
        if let constant = schema["const"] { return constant }
        // A null default (Pydantic's `Optional[X] = None`) would leave the argument out in all but name.
        if let fallback = schema["default"], fallback != .null, hints.item == 0 { return fallback }
        if let values = schema["enum"]?.array, !values.isEmpty { return values[hints.item % values.count] }
        for combinator in ["anyOf", "oneOf"] {
            if let options = schema[combinator]?.array {
                let chosen = options.first { $0["type"]?.string != "null" } ?? options.first
                if let chosen { return value(of: chosen, name: name, depth: depth + 1) }
            }
        }
        switch type(of: schema) {
        case "object": return object(schema, depth: depth)
        case "array": return array(schema, name: name, depth: depth)
        case "integer": return .number(bounded(schema, integer: true))
        case "number": return .number(bounded(schema, integer: false))
        case "boolean": return .bool(hints.item % 2 == 0)
        case "null": return .null
        default: return .string(text(schema, name: name))
        }
    }

    private func type(of schema: JSONValue) -> String {
        switch schema["type"] {
        case let .string(name)?: return name
        case let .array(names)?: return names.compactMap(\.string).first { $0 != "null" } ?? "null"
        default:
            if schema["properties"] != nil { return "object" }
            if schema["items"] != nil { return "array" }
            return "string"
        }
    }

    private func object(_ schema: JSONValue, depth: Int) -> JSONValue {
        guard case let .object(properties)? = schema["properties"] else { return .object([:]) }
        var members: [String: JSONValue] = [:]
        for (key, property) in properties {
            members[key] = value(of: property, name: key, depth: depth + 1)
        }
        return .object(members)
    }

    /// A tuple (`prefixItems`, or draft 7's `items` as a list) gets its places
    /// filled in order; the rest, up to `minItems`, are made from `items`.
    private func array(_ schema: JSONValue, name: String, depth: Int) -> JSONValue {
        let tuple = schema["prefixItems"]?.array ?? schema["items"]?.array ?? []
        let rest: JSONValue? = if case .object? = schema["items"] { schema["items"] } else { nil }
        let least = Int(schema["minItems"]?.number ?? 1)
        let most = schema["maxItems"]?.number.map(Int.init) ?? Int.max
        let count = max(0, min(max(least, tuple.isEmpty ? 1 : tuple.count), most))
        let item = rest.map { value(of: $0, name: name, depth: depth + 1) } ?? .string(text(.object([:]), name: name))
        let unique = schema["uniqueItems"] == .bool(true)
        return .array((0..<count).map { index in
            if index < tuple.count { return value(of: tuple[index], name: name, depth: depth + 1) }
            guard unique, index > 0 else { return item }
            var apart = hints
            apart.item = index
            let instance = SchemaInstance(root: root, hints: apart)
            return rest.map { instance.value(of: $0, name: name, depth: depth + 1) } ?? .string(instance.text(.object([:]), name: name))
        })
    }

    /// The number a model would pick: the lower bound when there is one, else 1,
    /// else the upper bound, each moved onto the grid the type and `multipleOf` ask
    /// for; the first that meets every bound.
    private func bounded(_ schema: JSONValue, integer: Bool) -> Double {
        let multiple = schema["multipleOf"]?.number.flatMap { $0 > 0 ? $0 : nil }
        let grid = multiple ?? (integer ? 1 : nil)
        let step = grid ?? 0.5
        func up(_ x: Double) -> Double { grid.map { ($0 * (x / $0).rounded(.up)) } ?? x }
        func down(_ x: Double) -> Double { grid.map { ($0 * (x / $0).rounded(.down)) } ?? x }
        let low = schema["minimum"]?.number, lowOpen = schema["exclusiveMinimum"]?.number
        let high = schema["maximum"]?.number, highOpen = schema["exclusiveMaximum"]?.number
        func meetsAll(_ x: Double) -> Bool {
            let onGrid = grid.map { abs((x / $0).rounded() - x / $0) < 1e-9 } ?? true
            return onGrid && low.map { x >= $0 } ?? true && lowOpen.map { x > $0 } ?? true
                && high.map { x <= $0 } ?? true && highOpen.map { x < $0 } ?? true
        }
        let candidates: [Double?] = [
            low.map(up), lowOpen.map { up($0) == $0 ? $0 + step : up($0) }, 1, multiple,
            high.map(down), highOpen.map { down($0) == $0 ? $0 - step : down($0) }, 0,
        ]
        let numbers = candidates.compactMap { $0 }
        let chosen = numbers.first(where: meetsAll) ?? numbers[0]
        // A later unique item: as many steps up as its place, else down.
        guard hints.item > 0 else { return chosen }
        let apart = Double(hints.item) * step
        return [chosen + apart, chosen - apart].first(where: meetsAll) ?? chosen
    }

    private static let questionNames: Set = ["query", "q", "question", "prompt", "search", "text", "input", "message", "request"]

    private func text(_ schema: JSONValue, name: String) -> String {
        let lowered = name.lowercased()
        var text: String
        if lowered.contains("sql"), let sql = hints.sql {
            text = sql
        } else if Self.questionNames.contains(lowered), !hints.question.isEmpty {
            text = String(hints.question.prefix(200))
        } else {
            switch schema["format"]?.string {
            case "date"?: text = "2026-01-01"
            case "date-time"?: text = "2026-01-01T00:00:00Z"
            case "time"?: text = "00:00:00"
            case "email"?: text = "user@example.com"
            case "uri"?, "url"?: text = "https://example.com/"
            case "uuid"?: text = "00000000-0000-4000-8000-000000000000"
            default: text = name.isEmpty ? "example" : "example " + name
            }
        }
        if hints.variant > 0, schema["format"] == nil, !lowered.contains("sql") { text += " (\(hints.variant + 1))" }
        if hints.item > 0, schema["format"] == nil { text += " #\(hints.item + 1)" }
        if let least = schema["minLength"]?.number, text.count < Int(least) {
            text += String(repeating: "x", count: Int(least) - text.count)
        }
        if let most = schema["maxLength"]?.number, text.count > Int(most) {
            text = String(text.prefix(Int(most)))
        }
        if let pattern = schema["pattern"]?.string, !PatternExample.matches(pattern, text), let example = PatternExample.example(of: pattern) {
            text = example
        }
        return text
    }

    private static let describable: Set = [
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "minItems", "maxItems",
    ]

    /// The official SDKs move the keywords structured outputs do not enforce
    /// (bounds, lengths, more than one item, patterns) out of the schema into the end
    /// of its description, `{minimum: 3, maximum: 7}`, for the model to follow; the
    /// app still validates the answer with them. The numeric ones and a pattern are
    /// read back, where the schema does not say otherwise.
    static func withDescribedBounds(_ schema: JSONValue) -> JSONValue {
        guard case var .object(keywords) = schema, let description = schema["description"]?.string, description.hasSuffix("}") else { return schema }
        // The list follows the description after a blank line, or is all of it; a
        // brace inside it (a pattern's `{2}`) is not where it starts.
        let start = description.range(of: "\n\n{", options: .backwards)?.upperBound
            ?? (description.hasPrefix("{") ? description.index(after: description.startIndex) : nil)
        guard let start else { return schema }
        var listed = description[start..<description.index(before: description.endIndex)]
        // A pattern may hold ", " itself: it is read as the rest of the list, where Pydantic puts it.
        if let start = listed.range(of: "pattern: ") {
            if keywords["pattern"] == nil { keywords["pattern"] = .string(String(listed[start.upperBound...])) }
            listed = listed[..<start.lowerBound]
        }
        for pair in listed.split(separator: ", ") {
            let parts = pair.split(separator: ": ", maxSplits: 1)
            guard parts.count == 2, Self.describable.contains(String(parts[0])), keywords[String(parts[0])] == nil,
                  let number = Double(parts[1]) else { continue }
            keywords[String(parts[0])] = .number(number)
        }
        return .object(keywords)
    }

    /// `#/$defs/Name`, `#/definitions/Name`, any local JSON pointer; nil for remote ones.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for part in reference.dropFirst().split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }
}
