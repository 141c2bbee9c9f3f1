import AnthropicAPI
import ChaosCore
import Foundation
import Scenario

/// An incident as a dashboard exports it, a row per interval: how many calls
/// failed with which status, how many hung, how slow the rest were. The
/// `replay` fault plays it back.
///
/// ```csv
/// at,requests,529,500,timeout,p50,p99
/// 2026-11-04T14:00:00Z,1200,0,3,0,820ms,2.1s
/// 2026-11-04T14:01:00Z,1180,260,20,4,900ms,5.2s
/// ```
///
/// - `at` (or `time`, `timestamp`): when the interval starts, as scenario time
///   (`90s`, `1m30s`, or seconds) or as a date-time (ISO 8601; then counted from
///   the first row). Rows in order; each lasts until the next, the last as long
///   as the one before it.
/// - An error status (`429`, `500`, `529`, …) or `timeout`: how many calls ended
///   so, out of `requests` when that column is there, else as a share (`0.2`, `20%`).
/// - `p50`, `p99`: how long the calls that succeeded took (`850ms`, `2.1s`, or
///   milliseconds), played as a lognormal delay before the first token.
/// - `ok` and `200` are read and not used; any other column is a problem.
struct IncidentTrace: Sendable, Equatable {
    struct Row: Sendable, Equatable {
        var at: Duration
        /// In column order.
        var errors: [ErrorShare]
        var timeouts: Double
        var latency: DelayDistribution?
    }

    /// The share of calls that failed with a status.
    struct ErrorShare: Sendable, Equatable {
        var status: Int
        var share: Double
    }

    var rows: [Row]
    /// When the last row stops applying.
    var end: Duration

    /// The row for `elapsed` scenario time into the trace; nil before the first and after the end.
    func row(at elapsed: Duration) -> Row? {
        guard elapsed < end, let index = rows.lastIndex(where: { $0.at <= elapsed }) else { return nil }
        return rows[index]
    }

    static let timeColumns: Set = ["at", "time", "timestamp"]
    static let ignoredColumns: Set = ["ok", "200"]

    /// Reads a trace's text; every problem names `file` and its line.
    static func parse(_ text: String, file: String, problems: ProblemCollector) -> IncidentTrace? {
        let before = problems.problems.count
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { (number: $0.offset + 1, fields: $0.element.split(separator: ",", omittingEmptySubsequences: false).map(Self.field)) }
            .filter { !($0.fields.allSatisfy(\.isEmpty) || $0.fields.first?.hasPrefix("#") == true) }
        guard !lines.isEmpty else {
            problems.add("the trace has no header row; it begins with a row such as at,requests,529,p50,p99", at: SourceLocation(file: file, line: 1))
            return nil
        }
        let header = lines.removeFirst()
        func here(_ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }
        let names = header.fields.map { $0.lowercased() }
        guard let timeColumn = names.firstIndex(where: timeColumns.contains) else {
            problems.add("the trace has no time column; name one at, time or timestamp", at: here(header.number))
            return nil
        }
        let countsColumn = names.firstIndex(of: "requests")
        var errorColumns: [(index: Int, status: Int)] = []
        var timeoutColumn: Int?, p50Column: Int?, p99Column: Int?
        for (index, name) in names.enumerated() where index != timeColumn && index != countsColumn && !ignoredColumns.contains(name) {
            switch name {
            case "timeout": timeoutColumn = index
            case "p50": p50Column = index
            case "p99": p99Column = index
            default:
                if let status = Int(name), (400...599).contains(status), APIErrorType(status: status) != nil {
                    errorColumns.append((index, status))
                } else {
                    problems.add("unknown trace column '\(name)'; use at, requests, an error status such as 429, 500 or 529, timeout, p50, p99 (ok and 200 are ignored)", at: here(header.number))
                }
            }
        }
        if p99Column != nil, p50Column == nil { problems.add("a p99 column needs a p50 column beside it", at: here(header.number)) }
        var rows: [Row] = []
        var firstDate: Date?
        for line in lines {
            func cell(_ index: Int) -> String { index < line.fields.count ? line.fields[index] : "" }
            guard line.fields.count == names.count else {
                problems.add("this row has \(line.fields.count) fields and the header \(names.count)", at: here(line.number))
                continue
            }
            guard let at = time(cell(timeColumn), first: &firstDate) else {
                problems.add("'\(cell(timeColumn))' is not a time: use scenario time (90s, 1m30s, or seconds) or a date-time such as 2026-11-04T14:05:00Z", at: here(line.number))
                continue
            }
            if let previous = rows.last, at <= previous.at {
                problems.add("rows must go forward in time: \(DurationText.format(at)) is not after \(DurationText.format(previous.at))", at: here(line.number))
                continue
            }
            var requests: Double?
            if let countsColumn {
                guard let total = Double(cell(countsColumn)), total >= 0 else {
                    problems.add("requests '\(cell(countsColumn))' is not a count", at: here(line.number))
                    continue
                }
                requests = total
            }
            func share(_ index: Int, _ name: String) -> Double? {
                let raw = cell(index)
                if let requests {
                    guard let count = Double(raw), count >= 0, count <= requests else {
                        problems.add("\(name) '\(raw)' is not a count between 0 and requests (\(Int(requests)))", at: here(line.number))
                        return nil
                    }
                    return requests == 0 ? 0 : count / requests
                }
                let value = raw.hasSuffix("%") ? Double(raw.dropLast()).map { $0 / 100 } : Double(raw)
                guard let value, value >= 0, value <= 1 else {
                    problems.add("\(name) '\(raw)' is not a share between 0 and 1 (or 0% and 100%); give a requests column to count calls instead", at: here(line.number))
                    return nil
                }
                return value
            }
            let errors = errorColumns.map { (status: $0.status, share: share($0.index, String($0.status))) }
            let timeouts = timeoutColumn.map { share($0, "timeout") } ?? 0
            guard errors.allSatisfy({ $0.share != nil }), let timeouts else { continue }
            let failing = errors.reduce(timeouts) { $0 + ($1.share ?? 0) }
            if failing > 1 + 1e-9 {
                problems.add("the errors and timeouts of this row add up to \(Int((failing * 100).rounded())) % of calls", at: here(line.number))
                continue
            }
            var latency: DelayDistribution?
            if let p50Column {
                guard let p50 = delay(cell(p50Column)) else {
                    problems.add("p50 '\(cell(p50Column))' is not a duration (850ms, 2.1s, or milliseconds)", at: here(line.number))
                    continue
                }
                latency = .fixed(p50)
                if let p99Column {
                    guard let p99 = delay(cell(p99Column)), p99 >= p50 else {
                        problems.add("p99 '\(cell(p99Column))' is not a duration at least as long as p50", at: here(line.number))
                        continue
                    }
                    // The lognormal whose median is p50 and whose 99th percentile is p99.
                    if p99 > p50, p50 > .zero { latency = .lognormal(median: p50, sigma: log(p99.seconds / p50.seconds) / 2.3263) }
                }
            }
            rows.append(Row(at: at, errors: errors.map { ErrorShare(status: $0.status, share: $0.share ?? 0) }, timeouts: timeouts, latency: latency))
        }
        if rows.isEmpty, problems.problems.count == before {
            problems.add("the trace has a header and no rows", at: here(header.number))
        }
        guard problems.problems.count == before, let last = rows.last else { return nil }
        let span = rows.count > 1 ? last.at - rows[rows.count - 2].at : .seconds(365 * 86_400)
        return IncidentTrace(rows: rows, end: last.at + span)
    }

    private static func field(_ raw: Substring) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        return text
    }

    /// Scenario time, seconds, or a date-time counted from the first row's.
    private static func time(_ text: String, first: inout Date?) -> Duration? {
        if case let .success(duration) = DurationText.parse(text) { return duration }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(seconds * 1000) }
        guard let date = date(text) else { return nil }
        let origin = first ?? date
        first = origin
        return .milliseconds(date.timeIntervalSince(origin) * 1000)
    }

    private static func date(_ text: String) -> Date? {
        var normal = text.replacingOccurrences(of: " ", with: "T")
        // A time without a zone is taken as UTC: only differences between rows count.
        if normal.contains("T"), !(normal.hasSuffix("Z") || normal.dropFirst(19).contains("+") || normal.dropFirst(19).contains("-")) { normal += "Z" }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: normal) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: normal)
    }

    /// `850ms`, `2.1s`, or milliseconds.
    private static func delay(_ text: String) -> Duration? {
        if let milliseconds = Double(text), milliseconds >= 0 { return .milliseconds(milliseconds) }
        if case let .success(duration) = DurationText.parse(text) { return duration }
        return nil
    }
}
