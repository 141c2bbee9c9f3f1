import ChaosCore
import Scenario

/// `no_alert: { during: [0s, 2m], name: HighErrorRate }`
///
/// No alert (or none of the named one) fires in the window, and none is already
/// firing when it opens: a false page wakes someone just the same.
public struct NoAlertExpectation: Expectation {
    public static let kind = "no_alert"
    let window: WindowSpec
    let name: String?

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        if node.isNull || node.scalarText == "" { window = .wholeRun; name = nil; return }
        guard let reader = node.mapping(problems, what: "no_alert") else { return nil }
        let window = WindowSpec.parse(reader.optional("during"), problems: problems)
        name = reader.optional("name")?.string(problems, what: "name")
        reader.finish()
        guard let window else { return nil }
        self.window = window
    }

    public var summary: String { "no \(name ?? "alert") fires during \(window)" }
    public var faultReferences: [FaultReference] { window.faultReferences }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = window.resolve(in: log) else { return verdict(false, "the run has no fault named \(self.window)") }
        let relevant = log.alerts.filter { name == nil || $0.name == name }.sorted { $0.at < $1.at }
        var offenders = relevant.filter { $0.state == .firing && window.contains($0.at) }
            .map { Offender(requestID: $0.name, at: $0.at, reason: "fired" + ($0.value.map { " at value \($0)" } ?? "")) }
        // An alert that fired before the window and is still firing pages during it too.
        var firing: [String: AlertRecord] = [:]
        for alert in relevant where alert.at < window.start { firing[alert.name] = alert.state == .firing ? alert : nil }
        offenders = firing.values.map { Offender(requestID: $0.name, at: $0.at, reason: "still firing when the window opened") } + offenders
        let measured = offenders.isEmpty ? "no alert fired in \(window.name)" : "\(offenders.count) alerts fired in \(window.name): " + offenders.prefix(3).map(\.description).joined(separator: "; ")
        return verdict(offenders.isEmpty, measured, evidence: ["window \(window.name)", "\(log.alerts.filter { $0.state == .firing }.count) firings in the whole run"], offenders: offenders)
    }
}
