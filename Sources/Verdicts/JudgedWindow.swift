import ChaosCore
import Scenario

/// The part of a run an expectation looks at: `during: opus-529` (a fault's
/// window), `during: [2m, 4m]`, or, when absent, the whole run.
public enum WindowSpec: Sendable, Equatable, CustomStringConvertible {
    case wholeRun
    case fault(String, SourceLocation)
    case range(Duration, Duration)

    /// Reads `during:`; nil (with a problem) when it is neither a fault name nor a pair of times.
    public static func parse(_ node: ConfigNode?, problems: ProblemCollector) -> WindowSpec? {
        guard let node else { return .wholeRun }
        if let items = node.items {
            guard items.count == 2, let start = items[0].duration(problems, what: "the window's start"),
                  let end = items[1].duration(problems, what: "the window's end") else {
                if items.count != 2 { problems.add("during must be a fault name or [start, end], such as [0s, 2m]", at: node) }
                return nil
            }
            guard start < end else {
                problems.add("during: the window ends (\(DurationText.format(end))) before it starts (\(DurationText.format(start)))", at: node)
                return nil
            }
            return .range(start, end)
        }
        guard let name = node.string(problems, what: "during") else { return nil }
        return .fault(name, node.location)
    }

    public var description: String {
        switch self {
        case .wholeRun: "the whole run"
        case let .fault(name, _): name
        case let .range(start, end): "[\(DurationText.format(start)), \(DurationText.format(end))]"
        }
    }

    var faultReferences: [FaultReference] {
        if case let .fault(name, location) = self { return [FaultReference(name: name, location: location)] }
        return []
    }

    /// The window in scenario time, or nil when the run had no such fault.
    func resolve(in log: RunLog) -> Window? {
        switch self {
        case .wholeRun: Window(name: "the whole run", start: .zero, end: max(log.info.duration, log.requests.map(\.finished).max() ?? .zero))
        case let .fault(name, _): log.faultWindow(name).map { Window(name: "\(name) [\(DurationText.format($0.start)), \(DurationText.format($0.end))]", start: $0.start, end: $0.end) }
        case let .range(start, end): Window(name: description, start: start, end: end)
        }
    }
}

/// A resolved window of scenario time, half-open.
struct Window: Sendable {
    var name: String
    var start: Duration
    var end: Duration

    func contains(_ time: Duration) -> Bool { time >= start && time < end }
}

extension RunLog {
    /// Requests whose schedule put them in the window.
    func requests(in window: Window) -> [RequestRecord] { requests.filter { window.contains($0.scheduled) } }
}
