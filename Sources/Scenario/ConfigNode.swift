import Yams

/// A YAML (or JSON) value that remembers where it was written, so every problem
/// found later can point at its line.
public struct ConfigNode: Sendable {
    public enum Value: Sendable {
        /// A scalar's text; `plain` is false for quoted scalars, which are never null
        /// or numbers.
        case scalar(String, plain: Bool)
        case mapping([Entry])
        case sequence([ConfigNode])
    }

    /// A key of a mapping and its value.
    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: ConfigNode
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value; self.location = location
    }

    /// Parses YAML text (JSON is YAML too).
    /// - Throws: ``ConfigProblem`` at the line where the YAML itself is broken.
    public static func parse(yaml: String, file: String) throws(ConfigProblem) -> ConfigNode? {
        do {
            guard let root = try Yams.compose(yaml: yaml) else { return nil }
            return ConfigNode(root, file: file)
        } catch let error as YamlError {
            throw Self.problem(from: error, file: file)
        } catch {
            throw ConfigProblem("cannot read YAML: \(error)", at: SourceLocation(file: file, line: 1))
        }
    }

    init(_ node: Node, file: String) {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case let .scalar(scalar):
            self.init(.scalar(scalar.string, plain: scalar.style == .plain), at: location)
        case let .mapping(mapping):
            let entries = mapping.map { pair in
                Entry(
                    key: pair.key.string ?? "",
                    keyLocation: SourceLocation(file: file, line: pair.key.mark?.line ?? location.line, column: pair.key.mark?.column ?? 1),
                    value: ConfigNode(pair.value, file: file)
                )
            }
            self.init(.mapping(entries), at: location)
        case let .sequence(sequence):
            self.init(.sequence(sequence.map { ConfigNode($0, file: file) }), at: location)
        case .alias:
            self.init(.scalar("", plain: true), at: location)
        }
    }

    private static func problem(from error: YamlError, file: String) -> ConfigProblem {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let where_ = context.map { "\($0.text) " } ?? ""
            return ConfigProblem("invalid YAML: \(where_)\(problem)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        default:
            return ConfigProblem("invalid YAML: \(error)", at: SourceLocation(file: file, line: 1))
        }
    }

    /// True for `~`, `null`, an empty plain scalar.
    public var isNull: Bool {
        if case let .scalar(text, plain) = value, plain, ["", "~", "null", "Null", "NULL"].contains(text) { return true }
        return false
    }

    /// The scalar's text, if this is a scalar.
    public var scalarText: String? {
        if case let .scalar(text, _) = value { return text }
        return nil
    }

    /// The entries, if this is a mapping.
    public var entries: [Entry]? {
        if case let .mapping(entries) = value { return entries }
        return nil
    }

    /// The items, if this is a sequence.
    public var items: [ConfigNode]? {
        if case let .sequence(items) = value { return items }
        return nil
    }

    /// The value under `key`, if this is a mapping that has it.
    public subscript(key: String) -> ConfigNode? {
        entries?.first(where: { $0.key == key })?.value
    }

    /// This mapping without `key`.
    public func removing(key: String) -> ConfigNode {
        guard let entries else { return self }
        return ConfigNode(.mapping(entries.filter { $0.key != key }), at: location)
    }

    /// What kind of value this is, for messages: "a mapping", "a list", "'abc'".
    public var kindDescription: String {
        switch value {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case let .scalar(text, _): "'\(text)'"
        }
    }
}
