/// Reads a mapping key by key and, at the end, reports every key nobody asked for,
/// with the nearest known key as a suggestion: a typo such as `probabilty` must not
/// silently turn a fault off.
public final class MappingReader {
    public let location: SourceLocation
    public let problems: ProblemCollector
    private let entries: [ConfigNode.Entry]
    private let what: String
    private var asked: [String] = []

    init(entries: [ConfigNode.Entry], location: SourceLocation, problems: ProblemCollector, what: String) {
        self.entries = entries; self.location = location; self.problems = problems; self.what = what
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.key).inserted {
            problems.add("\(what) has '\(entry.key)' twice", at: entry.keyLocation)
        }
    }

    /// The keys present, in file order.
    public var keys: [String] { entries.map(\.key) }

    /// The value under `key`, or nil when absent or null.
    public func optional(_ key: String) -> ConfigNode? {
        asked.append(key)
        guard let node = entries.first(where: { $0.key == key })?.value, !node.isNull else { return nil }
        return node
    }

    /// The value under `key`; records a problem when it is missing.
    public func required(_ key: String) -> ConfigNode? {
        guard let node = optional(key) else {
            problems.add("\(what) needs '\(key)'", at: location)
            return nil
        }
        return node
    }

    /// Reports keys that were never asked for. Call once, after reading.
    public func finish() {
        for entry in entries where !asked.contains(entry.key) {
            var message = "\(what) has an unknown key '\(entry.key)'"
            if let near = Suggestion.nearest(to: entry.key, in: asked) {
                message += "; did you mean '\(near)'?"
            } else {
                message += "; known keys: \(asked.joined(separator: ", "))"
            }
            problems.add(message, at: entry.keyLocation)
        }
    }
}

/// "Did you mean …?" by edit distance.
public enum Suggestion {
    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
