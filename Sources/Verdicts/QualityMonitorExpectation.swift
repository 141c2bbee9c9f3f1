import ChaosCore
import Scenario

/// `quality_monitor: { detects: wrong-sql, within: 30s }` or `{ detects: wrong-sql, samples: 20, alert: LowQuality }`
///
/// The quality monitor flags a quality fault: a graded sample scores wrong (or,
/// with `alert`, that alert fires) within `within` of the fault's start, or within
/// the first `samples` samples taken after it began.
public struct QualityMonitorExpectation: Expectation {
    public static let kind = "quality_monitor"
    let fault: String
    let faultLocation: SourceLocation
    let within: Duration?
    let samples: Int?
    let alert: String?

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "quality_monitor") else { return nil }
        let detects = reader.required("detects")
        let fault = detects?.string(problems, what: "detects")
        within = reader.optional("within")?.duration(problems, what: "within")
        samples = reader.optional("samples")?.int(problems, what: "samples", min: 1)
        alert = reader.optional("alert")?.string(problems, what: "alert")
        reader.finish()
        guard let fault, let detects else { return nil }
        if within == nil && samples == nil {
            problems.add("quality_monitor needs 'within' (a time) or 'samples' (a count)", at: node)
            return nil
        }
        self.fault = fault; self.faultLocation = detects.location
    }

    public var summary: String {
        var bound: [String] = []
        if let within { bound.append("within \(Format.time(within))") }
        if let samples { bound.append("within \(samples) samples") }
        return "the quality monitor flags \(fault) " + bound.joined(separator: " and ") + (alert.map { " (alert \($0))" } ?? "")
    }

    public var faultReferences: [FaultReference] { [FaultReference(name: fault, location: faultLocation)] }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = log.faultWindow(fault) else { return verdict(false, "the run has no fault named \(fault)") }
        let tolerance = log.info.timeTolerance
        let after = log.quality.filter { $0.at >= window.start }.sorted { $0.at < $1.at }
        let inWindow = after.filter { $0.at < window.end }
        var evidence = ["fault \(fault) from \(Format.time(window.start)) to \(Format.time(window.end))",
                        "\(inWindow.count) samples in the window, \(inWindow.filter { $0.score < 0.5 }.count) wrong"]
        var detection: (at: Duration, how: String, sampleIndex: Int?)?
        if let index = after.firstIndex(where: { $0.score < 0.5 }) {
            let sample = after[index]
            detection = (sample.at, "a \(sample.method) sample of \(sample.requestID) scored wrong", index + 1)
        }
        if let alert, let fired = log.alerts.first(where: { $0.name == alert && $0.state == .firing && $0.at >= window.start }) {
            if detection == nil || fired.at < detection!.at { detection = (fired.at, "\(alert) fired", nil) }
        }
        guard let detection else {
            return verdict(false, "the monitor never flagged \(fault) (\(after.count) samples after it began)", evidence: evidence, tolerance: tolerance)
        }
        let delay = detection.at - window.start
        evidence.append("first flag: \(detection.how) at \(Format.time(detection.at))")
        var passed = true
        var measured = "flagged \(Format.time(delay)) after \(fault) began"
        if let within, delay > within + tolerance { passed = false; measured += ", later than \(Format.time(within))" }
        if let samples {
            if let index = detection.sampleIndex {
                measured += ", at sample \(index)"
                if index > samples { passed = false; measured += " (more than \(samples))" }
            } else if after.filter({ $0.at <= detection.at }).count > samples {
                passed = false; measured += ", after more than \(samples) samples"
            }
        }
        return verdict(passed, measured, evidence: evidence, tolerance: tolerance)
    }
}
