/// A list of sweep levels that may continue a pattern: `1,2,4,...,512` doubles up
/// to 512, `10,20,30,...,100` adds ten. Three values before the `...` fix the
/// pattern (two would not tell doubling from adding); the end is always a level.
enum SweepList {
    static func expand(_ parts: [String], flag: String, value: (String) throws(SweepSpecError) -> Double) throws(SweepSpecError) -> [Double] {
        let trimmed = parts.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let dots = trimmed.firstIndex(where: { $0 == "..." || $0 == "…" }) else {
            var values: [Double] = []
            for part in trimmed { values.append(try value(part)) }
            return values
        }
        let example = "write such as \(flag) 1,2,4,...,512 (doubling) or 10,20,30,...,100 (adding ten)"
        guard dots == trimmed.count - 2, dots >= 3 else {
            throw SweepSpecError("\(flag): '...' needs three levels before it, to show the pattern, and the last level after it; \(example)")
        }
        var start: [Double] = []
        for part in trimmed[..<dots] { start.append(try value(part)) }
        let end = try value(trimmed[dots + 1])
        let last = start[start.count - 1]
        guard end > last else { throw SweepSpecError("\(flag): the level after '...' must be above \(trimmed[dots - 1])") }
        let pairs = Array(zip(start, start.dropFirst()))
        let ratio = start[1] / start[0], step = start[1] - start[0]
        let next: (Double) -> Double
        if ratio > 1, pairs.allSatisfy({ Self.close($1 / $0, ratio) }) {
            next = { $0 * ratio }
        } else if step > 0, pairs.allSatisfy({ Self.close($1 - $0, step) }) {
            next = { $0 + step }
        } else {
            throw SweepSpecError("\(flag): \(trimmed[..<dots].joined(separator: ",")) neither multiplies nor adds the same each time; \(example)")
        }
        var values = start
        var level = next(last)
        while level < end, !Self.close(level, end), values.count < 101 {
            // Rounded, so that 0.1 added three times is 0.3 in labels and run names.
            values.append(level.roundedTo(significant: 6))
            level = next(level)
        }
        values.append(end)
        return values
    }

    private static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }
}
