import ChaosCore
import Scenario

/// `rollback: { variant: v2, of: bad-v2-prompt, within: 2m }`
///
/// A bad deploy is taken back: after the fault starts, requests answered by the
/// variant (a prompt version, a canary build; see `RequestRecord.variant`) stop
/// within `within`. The variant must have answered something during the fault
/// first — a canary that never went out was never rolled back — and the run must
/// go on past the deadline, or it cannot show that the variant stayed gone.
///
/// ```
///   fault ──[███████████████████████████]
///   v2    ──  ▲ ▲  ▲ ▲│  (none after)
///           ├─ within ┤
/// ```
public struct RollbackExpectation: Expectation {
    public static let kind = "rollback"
    let variant: String
    let fault: String
    let faultLocation: SourceLocation
    let within: Duration

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "rollback") else { return nil }
        let variant = reader.required("variant")?.string(problems, what: "variant")
        let ofNode = reader.required("of")
        let fault = ofNode?.string(problems, what: "of")
        let within = reader.required("within")?.duration(problems, what: "within")
        reader.finish()
        guard let variant, let fault, let within, let ofNode else { return nil }
        self.variant = variant; self.fault = fault; self.faultLocation = ofNode.location; self.within = within
    }

    public var summary: String { "\(variant) stops answering within \(Format.time(within)) of \(fault)" }
    public var faultReferences: [FaultReference] { [FaultReference(name: fault, location: faultLocation)] }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = log.faultWindow(fault) else { return verdict(false, "the run has no fault named \(fault)") }
        let tolerance = log.info.timeTolerance
        let deadline = window.start + within + tolerance
        let served = log.requests.filter { $0.variant == variant && $0.started >= window.start }.sorted { $0.started < $1.started }
        let others = log.requests.filter { $0.variant != nil && $0.variant != variant }
        var evidence = [
            "fault \(fault) from \(Format.time(window.start)) to \(Format.time(window.end))",
            "\(served.count) requests answered by \(variant) after it began; \(others.count) by other variants",
        ]
        guard let last = served.last else {
            let seen = Set(log.requests.compactMap(\.variant)).sorted()
            let measured = "no request was answered by \(variant) during \(fault): the variant never went out, so nothing was rolled back"
                + (seen.isEmpty ? " (no request named its variant; an external target sets `variant:` in its target block)" : " (variants seen: \(seen.joined(separator: ", ")))")
            return verdict(false, measured, evidence: evidence, tolerance: tolerance)
        }
        let lastRequest = log.requests.map(\.started).max() ?? .zero
        guard lastRequest > deadline else {
            return verdict(false, "the run's last request started at \(Format.time(lastRequest)), before the deadline \(Format.time(deadline)): it cannot show that \(variant) stayed gone",
                           evidence: evidence, tolerance: tolerance)
        }
        let late = served.filter { $0.started > deadline }
        evidence.append("first \(variant) answer at \(Format.time(served[0].started)), last at \(Format.time(last.started))")
        let offenders = late.map { Offender(requestID: $0.requestID, at: $0.started, reason: "answered by \(variant) \(Format.time($0.started - window.start)) after \(fault) began") }
        let measured = late.isEmpty
            ? "\(variant) last answered \(Format.time(last.started - window.start)) after \(fault) began"
            : "\(variant) still answered \(late.count) requests later than \(Format.time(within)) after \(fault) began, the last at \(Format.time(last.started))"
        return verdict(late.isEmpty, measured, evidence: evidence, offenders: offenders, tolerance: tolerance)
    }
}
