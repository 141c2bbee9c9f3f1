import ChaosCore
import Scenario

/// `fallback: { from: claude-opus-4-7, to: claude-sonnet-4-6, during: opus-529, min_share: 0.85, within: 10s }`
///
/// Of the requests scheduled in the window that the primary did not serve, at
/// least `min_share` were served by `to` (within the latency budget, if given).
/// A window in which the primary never failed fails too: the fault did not bite,
/// so the fallback was never exercised.
public struct FallbackExpectation: Expectation {
    public static let kind = "fallback"
    let from: String
    let to: String
    let window: WindowSpec
    let minShare: Double
    let within: Duration?

    public init?(_ node: ConfigNode, problems: ProblemCollector) {
        guard let reader = node.mapping(problems, what: "fallback") else { return nil }
        let from = reader.required("from")?.string(problems, what: "from")
        let to = reader.required("to")?.string(problems, what: "to")
        let window = WindowSpec.parse(reader.optional("during"), problems: problems)
        let minShare = reader.optional("min_share").map { $0.probability(problems, what: "min_share") } ?? 0.9
        let within = reader.optional("within")?.duration(problems, what: "within")
        reader.finish()
        guard let from, let to, let window, let minShare else { return nil }
        self.from = from; self.to = to; self.window = window; self.minShare = minShare; self.within = within
    }

    public var summary: String {
        "fallback from \(from) to \(to) during \(window): at least \(Format.percent(minShare))" + (within.map { " within \(Format.time($0))" } ?? "")
    }

    public var faultReferences: [FaultReference] { window.faultReferences }

    public func judge(_ log: RunLog) -> Verdict {
        guard let window = window.resolve(in: log) else { return verdict(false, "the run has no fault named \(self.window)") }
        let requests = log.requests(in: window)
        let primaryFailed = requests.filter { $0.servedBy != from }
        guard !requests.isEmpty else { return verdict(false, "no request was scheduled in \(window.name)") }
        guard !primaryFailed.isEmpty else {
            return verdict(false, "\(from) served all \(requests.count) requests in \(window.name): the fallback was never exercised")
        }
        var offenders: [Offender] = []
        var served = 0
        for request in primaryFailed {
            if request.servedBy == to {
                if let within, request.latency > within {
                    offenders.append(Offender(requestID: request.requestID, at: request.scheduled, reason: "served by \(to) after \(Format.time(request.latency)), over \(Format.time(within))"))
                } else {
                    served += 1
                }
            } else {
                let how = request.servedBy.map { "served by \($0)" } ?? "not served"
                offenders.append(Offender(requestID: request.requestID, at: request.scheduled, reason: how + (request.error.map { ": \($0)" } ?? "")))
            }
        }
        let share = Double(served) / Double(primaryFailed.count)
        let byTier = Dictionary(grouping: primaryFailed, by: { $0.servedBy ?? "none" }).mapValues(\.count)
            .sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return verdict(
            share >= minShare,
            "\(Format.share(served, of: primaryFailed.count)) requests the primary did not serve went to \(to)",
            evidence: ["window \(window.name): \(requests.count) requests, \(primaryFailed.count) not served by \(from)", "served by: \(byTier)"],
            offenders: offenders
        )
    }
}
