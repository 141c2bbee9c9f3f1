import ChaosCore

/// One entry of a scenario's `faults:` list, as written: when, to whom, how often,
/// and which fault with which parameters. The `Faults` module turns the kind and
/// parameters into behaviour; this type only holds and checks the shape.
///
/// ```yaml
/// - name: opus-529
///   at: 2m
///   for: 2m
///   ramp: 30s
///   match: { model: claude-opus-4-7 }
///   inject: { overloaded: { probability: 0.9 } }
/// ```
public struct FaultSpec: Sendable {
    public var name: String
    /// The key under `inject:`, such as `overloaded`.
    public var kind: String
    /// The value under `inject.<kind>`, without `probability` (the plan applies it).
    public var parameters: ConfigNode?
    public var window: FaultWindow
    public var match: FaultMatchSpec
    public var probability: Double
    /// Where the entry starts in its file.
    public var location: SourceLocation
    /// Where the kind is named, for problems about it.
    public var kindLocation: SourceLocation

    public init(
        name: String, kind: String, parameters: ConfigNode? = nil, window: FaultWindow = FaultWindow(),
        match: FaultMatchSpec = FaultMatchSpec(), probability: Double = 1,
        location: SourceLocation = SourceLocation(file: "<code>", line: 1)
    ) {
        self.name = name; self.kind = kind; self.parameters = parameters; self.window = window
        self.match = match; self.probability = probability; self.location = location; self.kindLocation = location
    }
}

/// When a fault is active, in scenario time, and how its probability ramps.
///
/// ```
/// probability
///   p |        ______________
///     |       /              \
///   0 |______/                \______
///          at  at+up     end-down  end
/// ```
public struct FaultWindow: Sendable, Equatable {
    public var start: Duration
    /// Nil means until the scenario ends.
    public var length: Duration?
    public var rampUp: Duration
    public var rampDown: Duration

    public init(start: Duration = .zero, length: Duration? = nil, rampUp: Duration = .zero, rampDown: Duration = .zero) {
        self.start = start; self.length = length; self.rampUp = rampUp; self.rampDown = rampDown
    }

    public var end: Duration? { length.map { start + $0 } }

    /// How much of the fault's probability applies at `t`: 0 outside the window,
    /// 1 inside it, in between on a ramp.
    public func intensity(at t: Duration) -> Double {
        guard t >= start else { return 0 }
        if let end, t >= end { return 0 }
        var level = 1.0
        if rampUp > .zero, t - start < rampUp { level = min(level, (t - start) / rampUp) }
        if rampDown > .zero, let end, end - t < rampDown { level = min(level, (end - t) / rampDown) }
        return level
    }

    /// The window moved later by `offset`: faults added at run time count from then.
    public func shifted(by offset: Duration) -> FaultWindow {
        var copy = self
        copy.start += offset
        return copy
    }
}

/// Which requests a fault may touch. Every field that is set must match.
public struct FaultMatchSpec: Sendable, Equatable {
    /// Model ids or globs (`claude-opus-*`).
    public var models: [String]?
    public var providers: [String]?
    public var apiKeys: [String]?
    /// Paths or globs, such as `/v1/messages`.
    public var paths: [String]?
    /// Header name (lower case) and exact value.
    public var headers: [String: String]?
    public var stream: Bool?
    /// True: only the requests inside Message Batches; false: only live calls.
    public var batch: Bool?
    /// Attempt numbers, from 1, such as `1..2` for "the first two tries".
    public var attempts: NumberSet?
    /// The request's whole prompt in tokens (as `count_tokens` counts it, its
    /// images and documents too), such as `100000..` for the largest prompts.
    public var inputTokens: NumberSet?

    public init(
        models: [String]? = nil, providers: [String]? = nil, apiKeys: [String]? = nil, paths: [String]? = nil,
        headers: [String: String]? = nil, stream: Bool? = nil, batch: Bool? = nil, attempts: NumberSet? = nil
    ) {
        self.models = models; self.providers = providers; self.apiKeys = apiKeys; self.paths = paths
        self.headers = headers; self.stream = stream; self.batch = batch; self.attempts = attempts
    }
}

/// A set of whole numbers (attempt numbers, prompt sizes in tokens): `2`,
/// `[1, 2]`, `1..3`, `3..` (three and more), `..8000` (up to 8,000, from the
/// least allowed).
public struct NumberSet: Sendable, Equatable {
    public var ranges: [ClosedRange<Int>]
    public init(_ ranges: [ClosedRange<Int>]) { self.ranges = ranges }
    public func contains(_ attempt: Int) -> Bool { ranges.contains { $0.contains(attempt) } }

    /// - Parameters:
    ///   - what: the key, for messages (`match.attempts`).
    ///   - least: the smallest number allowed.
    static func parse(_ node: ConfigNode, what: String, least: Int, _ problems: ProblemCollector) -> NumberSet? {
        let example = least == 0 ? "100000.. or ..8000" : "1..2 or 3.."
        if let items = node.items {
            let ranges = items.compactMap { $0.int(problems, what: "each of \(what)", min: least).map { $0...$0 } }
            return ranges.count == items.count ? NumberSet(ranges) : nil
        }
        guard let text = node.scalarText else {
            problems.add("\(what) must be a number, a list, or a range such as \(example)", at: node)
            return nil
        }
        if let n = Int(text), n >= least { return NumberSet([n...n]) }
        if let dots = text.range(of: "..") {
            let low = text[..<dots.lowerBound].isEmpty ? least : Int(text[..<dots.lowerBound])
            let high = text[dots.upperBound...].isEmpty ? Int.max : Int(text[dots.upperBound...])
            if let low, let high, low >= least, high >= low { return NumberSet([low...high]) }
        }
        problems.add("\(what) must be a number, a list, or a range such as \(example), found '\(text)'", at: node)
        return nil
    }
}

extension FaultSpec {
    /// Reads one `faults:` entry. `index` names unnamed faults (`overloaded-2`).
    public static func parse(_ node: ConfigNode, index: Int, problems: ProblemCollector) -> FaultSpec? {
        guard let reader = node.mapping(problems, what: "fault #\(index + 1)") else { return nil }
        let name = reader.optional("name")?.string(problems, what: "name")
        var window = FaultWindow()
        if let at = reader.optional("at")?.duration(problems, what: "at") { window.start = at }
        if let length = reader.optional("for")?.duration(problems, what: "for") {
            if length <= .zero { problems.add("for must be longer than 0s", at: reader.optional("for")!) }
            window.length = length
        }
        if let ramp = reader.optional("ramp") { parseRamp(ramp, into: &window, problems) }
        let match = reader.optional("match").map { parseMatch($0, problems) } ?? FaultMatchSpec()
        var probability = reader.optional("probability")?.probability(problems, what: "probability")

        var kind: String?
        var kindLocation = node.location
        var parameters: ConfigNode?
        if var inject = reader.required("inject") {
            // `inject: { status: 503, probability: 0.5 }` reads naturally; accept it.
            if let beside = inject["probability"], let count = inject.entries?.count, count == 2 {
                if probability != nil { problems.add("probability is given twice: at the fault and under inject", at: beside) }
                probability = beside.probability(problems, what: "probability")
                inject = inject.removing(key: "probability")
            }
            if let entries = inject.entries, entries.count == 1 {
                kind = entries[0].key
                kindLocation = entries[0].keyLocation
                parameters = entries[0].value.isNull ? nil : entries[0].value
                if let params = parameters, let inner = params["probability"] {
                    if probability != nil {
                        problems.add("probability is given twice: at the fault and under inject.\(entries[0].key)", at: inner)
                    }
                    probability = inner.probability(problems, what: "probability")
                    parameters = params.removing(key: "probability")
                }
            } else if let key = inject.scalarText, !inject.isNull {
                kind = key
                kindLocation = inject.location
            } else {
                problems.add("inject must name exactly one fault, such as inject: { overloaded: {} }", at: inject)
            }
        }
        reader.finish()
        guard let kind else { return nil }
        if let length = window.length, window.rampUp + window.rampDown > length {
            problems.add("ramp up and down (\(DurationText.format(window.rampUp + window.rampDown))) are longer than the window (\(DurationText.format(length)))", at: node)
        }
        var spec = FaultSpec(
            name: name ?? "\(kind)-\(index + 1)", kind: kind, parameters: parameters, window: window,
            match: match, probability: probability ?? 1, location: node.location
        )
        spec.kindLocation = kindLocation
        return spec
    }

    private static func parseRamp(_ node: ConfigNode, into window: inout FaultWindow, _ problems: ProblemCollector) {
        if node.scalarText != nil {
            if let up = node.duration(problems, what: "ramp") { window.rampUp = up }
            return
        }
        guard let reader = node.mapping(problems, what: "ramp") else { return }
        if let up = reader.optional("up")?.duration(problems, what: "ramp.up") { window.rampUp = up }
        if let down = reader.optional("down")?.duration(problems, what: "ramp.down") { window.rampDown = down }
        reader.finish()
    }

    private static func parseMatch(_ node: ConfigNode, _ problems: ProblemCollector) -> FaultMatchSpec {
        guard let reader = node.mapping(problems, what: "match") else { return FaultMatchSpec() }
        var match = FaultMatchSpec()
        match.models = reader.optional("model")?.stringList(problems, what: "match.model")
        match.providers = reader.optional("provider")?.stringList(problems, what: "match.provider")
        match.apiKeys = reader.optional("api_key")?.stringList(problems, what: "match.api_key")
        match.paths = reader.optional("path")?.stringList(problems, what: "match.path")
        if let headers = reader.optional("header")?.mapping(problems, what: "match.header") {
            var values: [String: String] = [:]
            for key in headers.keys {
                if let value = headers.optional(key)?.string(problems, what: "match.header.\(key)") {
                    values[key.lowercased()] = value
                }
            }
            match.headers = values
        }
        match.stream = reader.optional("stream")?.bool(problems, what: "match.stream")
        match.batch = reader.optional("batch")?.bool(problems, what: "match.batch")
        match.attempts = reader.optional("attempts").flatMap { NumberSet.parse($0, what: "match.attempts", least: 1, problems) }
        match.inputTokens = reader.optional("input_tokens").flatMap { NumberSet.parse($0, what: "match.input_tokens", least: 0, problems) }
        reader.finish()
        return match
    }
}
