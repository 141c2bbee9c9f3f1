import ChaosCore
import Scenario

/// `alert: { name: HighErrorRate, of: opus-529, fires_within: 1m, resolves_within: 6m, max_fires: 1 }`
///
/// The alert fires within `fires_within` of the fault window's start, and resolves
/// within `resolves_within` of its end; with `max_fires`, it pages no more often
/// than that around the window (flapping is a defect too).
///
/// ```
///        fault window
///   ─────[██████████████]───────────────
///        ├ fires_within ┤
///                       ├ resolves_within ┤
/// ```
public struct AlertExpectation: Expectation {
    public static let kind = "alert"
    let name: String
    let fault: String
    let faultLocation: SourceLocation
    let firesWithin: Duration
    let resolvesWithin: Duration?
    let maxFires: Int?

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "alert") else { return nil }
        let name = reader.required("name")?.string(problems, what: "name")
        let ofNode = reader.required("of")
        let fault = ofNode?.string(problems, what: "of")
        let fires = reader.required("fires_within")?.duration(problems, what: "fires_within")
        resolvesWithin = reader.optional("resolves_within")?.duration(problems, what: "resolves_within")
        maxFires = reader.optional("max_fires")?.int(problems, what: "max_fires", min: 1)
        reader.finish()
        guard let name, let fault, let fires, let ofNode else { return nil }
        self.name = name; self.fault = fault; self.faultLocation = ofNode.location; self.firesWithin = fires
    }

    public var summary: String {
        "\(name) fires within \(Format.time(firesWithin)) of \(fault)"
            + (resolvesWithin.map { " and resolves within \(Format.time($0)) of its end" } ?? "")
            + (maxFires.map { ", at most \($0)×" } ?? "")
    }

    public var faultReferences: [FaultReference] { [FaultReference(name: fault, location: faultLocation)] }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = log.faultWindow(fault) else { return verdict(false, "the run has no fault named \(fault)") }
        let tolerance = log.info.timeTolerance
        let mine = log.alerts.filter { $0.name == name }.sorted { $0.at < $1.at }
        let firings = mine.filter { $0.state == .firing }
        let deadline = window.start + firesWithin + tolerance
        var evidence = ["fault \(fault) from \(Format.time(window.start)) to \(Format.time(window.end))"]
        evidence.append("\(name) fired at " + (firings.isEmpty ? "no time" : firings.map { Format.time($0.at) }.joined(separator: ", ")))
        guard let fired = firings.first(where: { $0.at >= window.start - tolerance && $0.at <= deadline }) else {
            let late = firings.first { $0.at > deadline }
            let measured = late.map { "\(name) fired \(Format.time($0.at - window.start)) after \(fault) began, later than \(Format.time(firesWithin))" }
                ?? "\(name) never fired after \(fault) began"
            return verdict(false, measured, evidence: evidence, tolerance: tolerance)
        }
        var measured = "\(name) fired \(Format.time(fired.at - window.start)) after \(fault) began"
        var passed = true
        if let resolvesWithin {
            let resolved = mine.first { $0.state == .resolved && $0.at > fired.at }
            let limit = window.end + resolvesWithin + tolerance
            if let resolved {
                let after = resolved.at - window.end
                measured += ", resolved \(after < .zero ? "\(Format.time(.zero - after)) before" : "\(Format.time(after)) after") it ended"
                if resolved.at > limit { passed = false; measured += ", later than \(Format.time(resolvesWithin))" }
            } else {
                passed = false
                measured += ", and never resolved (the run ended at \(Format.time(log.info.duration)))"
            }
        }
        if let maxFires {
            let around = firings.filter { $0.at >= window.start - tolerance && $0.at <= window.end + (resolvesWithin ?? .zero) + tolerance }
            if around.count > maxFires {
                passed = false
                measured += "; fired \(around.count) times, more than \(maxFires)"
            }
        }
        return verdict(passed, measured, evidence: evidence, tolerance: tolerance)
    }
}
