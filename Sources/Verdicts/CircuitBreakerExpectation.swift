import ChaosCore
import Scenario

/// `circuit_breaker: { model: claude-opus-4-7, during: opus-down, stops_within: 30s, max_calls_per_minute: 10, recovers_within: 1m }`
///
/// Once a model keeps failing, calls to it stop: from `stops_within` after the
/// fault began to its end, the model gets at most `max_calls_per_minute` (the
/// breaker's probes), but at least one probe; after the fault, a call to it
/// succeeds within `recovers_within`, so the breaker closed again.
public struct CircuitBreakerExpectation: Expectation {
    public static let kind = "circuit_breaker"
    let model: String
    let fault: String
    let faultLocation: SourceLocation
    let stopsWithin: Duration
    let maxPerMinute: Double
    let recoversWithin: Duration?

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "circuit_breaker") else { return nil }
        let model = reader.required("model")?.string(problems, what: "model")
        let during = reader.required("during")
        let fault = during?.string(problems, what: "during")
        stopsWithin = reader.optional("stops_within")?.duration(problems, what: "stops_within") ?? .seconds(30)
        maxPerMinute = reader.optional("max_calls_per_minute")?.double(problems, what: "max_calls_per_minute") ?? 10
        recoversWithin = reader.optional("recovers_within")?.duration(problems, what: "recovers_within")
        reader.finish()
        guard let model, let fault, let during else { return nil }
        self.model = model; self.fault = fault; self.faultLocation = during.location
    }

    public var summary: String {
        "calls to \(model) stop within \(Format.time(stopsWithin)) of \(fault), at most \(Format.number(maxPerMinute))/min of probes"
            + (recoversWithin.map { ", and succeed again within \(Format.time($0)) of its end" } ?? "")
    }

    public var faultReferences: [FaultReference] { [FaultReference(name: fault, location: faultLocation)] }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = log.faultWindow(fault) else { return verdict(false, "the run has no fault named \(fault)") }
        let calls = log.messageAttempts.filter { $0.model == model }
        let openFrom = window.start + stopsWithin
        guard openFrom < window.end else {
            return verdict(false, "stops_within (\(Format.time(stopsWithin))) is longer than \(fault) (\(Format.time(window.end - window.start))): nothing to judge")
        }
        let during = calls.filter { $0.at >= openFrom && $0.at < window.end }
        let minutes = (window.end - openFrom).seconds / 60
        let rate = Double(during.count) / minutes
        var evidence = ["\(calls.filter { window.contains($0.at) }.count) calls to \(model) during \(fault); \(during.count) from \(Format.time(openFrom)) to \(Format.time(window.end))"]
        var failures: [String] = []
        if rate > maxPerMinute { failures.append("\(model) still got \(Format.number(rate)) calls/min after \(Format.time(stopsWithin)), more than \(Format.number(maxPerMinute))") }
        if during.isEmpty { failures.append("no probe reached \(model) while it was failing: the breaker never half-opened") }
        if let recoversWithin {
            let success = calls.first { $0.at >= window.end && $0.status == 200 && $0.ending == "complete" }
            if let success {
                evidence.append("first success after the fault: \(Format.time(success.at))")
                if success.at - window.end > recoversWithin + log.info.timeTolerance { failures.append("\(model) served again only \(Format.time(success.at - window.end)) after the fault") }
            } else {
                failures.append("\(model) never served again after the fault")
            }
        }
        let measured = failures.isEmpty ? "\(Format.number(rate)) calls/min to \(model) while open, probes seen" : failures.joined(separator: "; ")
        let offenders = rate > maxPerMinute ? during.map { Offender(requestID: $0.requestID, at: $0.at, reason: "call to \(model) while it should be open") } : []
        return verdict(failures.isEmpty, measured, evidence: evidence, offenders: offenders, tolerance: log.info.timeTolerance)
    }
}
