/// Durations as people write them in scenario files: `500ms`, `2s`, `1.5s`, `5m`,
/// `1h`, `1m30s`. A bare number is refused: "30" could mean seconds or
/// milliseconds, and a wrong guess silently shifts a whole incident.
public enum DurationText {
    private static let units: [(suffix: String, nanos: Double)] = [
        ("ms", 1e6), ("us", 1e3), ("µs", 1e3), ("ns", 1), ("h", 3600e9), ("m", 60e9), ("s", 1e9), ("d", 86_400e9),
    ]

    /// Parses a duration, or explains what is wrong with it.
    public static func parse(_ text: String) -> Result<Duration, DurationTextError> {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return .failure(.init(text: text, reason: "is empty")) }
        var rest = Substring(trimmed)
        var totalNanos = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else {
                return .failure(.init(text: text, reason: "expected a number followed by a unit (ms, s, m, h)"))
            }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else {
                let hint = rest.isEmpty ? "has no unit; write e.g. \(number)s or \(number)ms" : "has an unknown unit '\(rest.prefix { !$0.isNumber })'; use ms, s, m or h"
                return .failure(.init(text: text, reason: hint))
            }
            rest = rest.dropFirst(unit.suffix.count)
            totalNanos += value * unit.nanos
        }
        return .success(.nanoseconds(Int64(totalNanos.rounded())))
    }

    /// Formats a duration in the largest units that keep it exact to the millisecond:
    /// `2m`, `1m30s`, `1.5s`, `250ms`.
    public static func format(_ duration: Duration) -> String {
        let negative = duration < .zero
        let totalMillis = Int64((abs(duration.seconds) * 1000).rounded())
        if totalMillis == 0 { return "0s" }
        var parts: [String] = []
        var millis = totalMillis
        let hours = millis / 3_600_000; millis %= 3_600_000
        let minutes = millis / 60_000; millis %= 60_000
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 { parts.append("\(minutes)m") }
        if millis > 0 {
            if millis % 1000 == 0 {
                parts.append("\(millis / 1000)s")
            } else if millis < 1000 && parts.isEmpty {
                parts.append("\(millis)ms")
            } else {
                var s = String(Double(millis) / 1000)
                while s.hasSuffix("0") { s.removeLast() }
                parts.append(s + "s")
            }
        }
        return (negative ? "-" : "") + parts.joined()
    }
}

/// Why a duration could not be read.
public struct DurationTextError: Error, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "duration '\(text)' \(reason)" }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
