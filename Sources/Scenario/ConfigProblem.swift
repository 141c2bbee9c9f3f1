/// Where something stands in a scenario file.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file; self.line = line; self.column = column
    }

    /// `file:line`, the form editors and CI logs turn into links; the file alone
    /// for a problem with the whole file (line 0).
    public var description: String { line > 0 ? "\(file):\(line)" : file }
}

/// One thing wrong with a scenario, at its place in the file.
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.message = message; self.location = location
    }

    /// `file:line: message`.
    public var description: String {
        let place = location.description
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// Every problem found in one or more scenario files. Validation collects them all
/// before reporting, so a user fixes a file in one pass, not one error per run.
public struct ConfigProblems: Error, Sendable, CustomStringConvertible {
    public var all: [ConfigProblem]
    public init(_ all: [ConfigProblem]) { self.all = all }
    public var description: String { all.map(\.description).joined(separator: "\n") }
}

/// A collector that readers append to while they walk a file.
public final class ProblemCollector {
    public private(set) var problems: [ConfigProblem] = []
    public init() {}

    public func add(_ message: String, at location: SourceLocation) {
        problems.append(ConfigProblem(message, at: location))
    }

    public func add(_ message: String, at node: ConfigNode) { add(message, at: node.location) }

    public var isEmpty: Bool { problems.isEmpty }
}
