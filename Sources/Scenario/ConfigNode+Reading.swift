import ChaosCore

/// Typed reading of scalars. Each reader returns nil and records a problem at the
/// node when the value is not of the expected kind, so parsing goes on and finds
/// the next problem too.
extension ConfigNode {
    public func string(_ problems: ProblemCollector, what: String) -> String? {
        guard let text = scalarText, !isNull else {
            problems.add("\(what) must be a string, found \(kindDescription)", at: self)
            return nil
        }
        return text
    }

    public func int(_ problems: ProblemCollector, what: String, min: Int? = nil) -> Int? {
        guard let text = scalarText, let value = Int(text.replacingUnderscores()) else {
            problems.add("\(what) must be a whole number, found \(kindDescription)", at: self)
            return nil
        }
        if let min, value < min {
            problems.add("\(what) must be at least \(min), found \(value)", at: self)
            return nil
        }
        return value
    }

    public func double(_ problems: ProblemCollector, what: String) -> Double? {
        guard let text = scalarText, let value = Double(text.replacingUnderscores()), value.isFinite else {
            problems.add("\(what) must be a number, found \(kindDescription)", at: self)
            return nil
        }
        return value
    }

    public func bool(_ problems: ProblemCollector, what: String) -> Bool? {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problems.add("\(what) must be true or false, found \(kindDescription)", at: self)
            return nil
        }
    }

    /// A duration such as `500ms`, `2s`, `1m30s`.
    public func duration(_ problems: ProblemCollector, what: String) -> Duration? {
        guard let text = scalarText, !isNull else {
            problems.add("\(what) must be a duration such as 500ms, 2s or 5m, found \(kindDescription)", at: self)
            return nil
        }
        switch DurationText.parse(text) {
        case let .success(duration): return duration
        case let .failure(error):
            problems.add("\(what): \(error)", at: self)
            return nil
        }
    }

    /// A probability as a fraction (`0.25`) or a percentage (`25%`).
    public func probability(_ problems: ProblemCollector, what: String) -> Double? {
        guard let text = scalarText?.trimmingWhitespace(), !isNull else {
            problems.add("\(what) must be a probability such as 0.25 or 25%, found \(kindDescription)", at: self)
            return nil
        }
        let value: Double?
        if text.hasSuffix("%") {
            value = Double(text.dropLast()).map { $0 / 100 }
        } else {
            value = Double(text)
        }
        guard let value, value >= 0, value <= 1 else {
            problems.add("\(what) must be between 0 and 1 (or 0% and 100%), found '\(text)'", at: self)
            return nil
        }
        return value
    }

    /// One string or a list of strings.
    public func stringList(_ problems: ProblemCollector, what: String) -> [String]? {
        if let items {
            let strings = items.compactMap { $0.string(problems, what: "each \(what)") }
            return strings.count == items.count ? strings : nil
        }
        return string(problems, what: what).map { [$0] }
    }

    /// A mapping reader, or nil with a problem when this is not a mapping.
    public func mapping(_ problems: ProblemCollector, what: String) -> MappingReader? {
        guard let entries else {
            problems.add("\(what) must be a mapping (key: value), found \(kindDescription)", at: self)
            return nil
        }
        return MappingReader(entries: entries, location: location, problems: problems, what: what)
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { filter { $0 != "_" } }
}
