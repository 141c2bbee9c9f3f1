import ChaosCore
import Scenario

/// The `load:` block: which workload, and how requests arrive.
///
/// ```yaml
/// load:
///   workload: analytics
///   arrival: { rate: 20/s }                      # constant, open model
///   arrival: { rate: 20/s, poisson: true }       # Poisson arrivals at that mean rate
///   arrival: { stages: [{ to: 50/s, over: 2m }, { hold: 5m }] }   # ramping
///   arrival: { concurrency: 16, think: 500ms }   # closed model
///   max_in_flight: 2000      # open model: past this, requests are dropped (and counted)
///   max_requests: 50000      # a bound on the whole run
///   tenants: [acme, globex]
/// ```
public struct LoadSpec: Sendable, Equatable {
    public var workload = "analytics"
    public var arrival: Arrival
    public var maxInFlight = 2_000
    public var maxRequests = 1_000_000
    public var tenants = ["default"]

    /// How requests arrive.
    public enum Arrival: Sendable, Equatable {
        case open(any OpenModel)
        case closed(FixedConcurrency)
    }

    public init(arrival: Arrival) { self.arrival = arrival }

    /// The workloads there are.
    public static let workloads = ["analytics"]

    /// Reads the block; nil (with every problem) when it is wrong.
    public static func parse(_ node: ConfigNode?, problems: ProblemCollector) -> LoadSpec? {
        guard let node else { return LoadSpec(arrival: .open(ConstantRate(perSecond: 1))) }
        guard let reader = node.mapping(problems, what: "load") else { return nil }
        var spec = LoadSpec(arrival: .open(ConstantRate(perSecond: 1)))
        if let workload = reader.optional("workload"), let name = workload.string(problems, what: "workload") {
            if Self.workloads.contains(name) { spec.workload = name } else {
                problems.add("unknown workload '\(name)'; known: \(Self.workloads.joined(separator: ", "))", at: workload)
            }
        }
        var ok = true
        if let arrival = reader.optional("arrival") {
            if let parsed = parseArrival(arrival, problems: problems) { spec.arrival = parsed } else { ok = false }
        }
        if let node = reader.optional("max_in_flight"), let value = node.int(problems, what: "max_in_flight", min: 1) { spec.maxInFlight = value }
        if let node = reader.optional("max_requests"), let value = node.int(problems, what: "max_requests", min: 1) { spec.maxRequests = value }
        if let node = reader.optional("tenants"), let value = node.stringList(problems, what: "tenant") {
            if value.isEmpty { problems.add("tenants must name at least one tenant", at: node) } else { spec.tenants = value }
        }
        reader.finish()
        return ok ? spec : nil
    }

    static func parseArrival(_ node: ConfigNode, problems: ProblemCollector) -> Arrival? {
        guard let reader = node.mapping(problems, what: "arrival") else { return nil }
        let keys = Set(reader.keys)
        if keys.contains("concurrency") {
            return FixedConcurrency.parse(reader, problems: problems).map { .closed($0) }
        }
        if keys.contains("stages") {
            return RampingRate.parse(reader, problems: problems).map { .open($0) }
        }
        if keys.contains("rate") {
            if keys.contains("poisson") {
                return PoissonRate.parse(reader, problems: problems).map { .open($0) }
            }
            return ConstantRate.parse(reader, problems: problems).map { .open($0) }
        }
        problems.add("arrival needs 'rate' (such as 20/s), 'stages', or 'concurrency'", at: node)
        reader.finish()
        return nil
    }
}

/// Rates as people write them: `20/s`, `300/m`, `0.5/s`.
enum RateText {
    static func parse(_ node: ConfigNode, problems: ProblemCollector, what: String) -> Double? {
        guard let text = node.scalarText?.trimmingWhitespace(), !node.isNull else {
            problems.add("\(what) must be a rate such as 20/s, found \(node.kindDescription)", at: node)
            return nil
        }
        let parts = text.split(separator: "/", maxSplits: 1).map { String($0).trimmingWhitespace() }
        let unit: Double? = parts.count == 2 ? ["s": 1, "sec": 1, "m": 1.0 / 60, "min": 1.0 / 60, "h": 1.0 / 3600][parts[1]] : nil
        guard let unit, let count = Double(parts[0]), count >= 0, count.isFinite else {
            problems.add("\(what) '\(text)' is not a rate; write a count per unit such as 20/s, 300/m or 0.5/s", at: node)
            return nil
        }
        return count * unit
    }
}
