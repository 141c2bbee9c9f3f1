import ChaosCore
import Foundation
import Scenario

/// How long a delay lasts, drawn per request from the fault's seeded generator.
///
/// ```yaml
/// first_token: 2s                                    # fixed
/// first_token: { uniform: [1s, 3s] }
/// first_token: { normal: { mean: 2s, stddev: 500ms } }
/// first_token: { lognormal: { median: 1s, p99: 8s } }  # or { median: 1s, sigma: 0.9 }
/// first_token: { percentiles: { p50: 1s, p90: 3s, p99: 9s } }
/// ```
public enum DelayDistribution: Sendable, Equatable {
    case fixed(Duration)
    case uniform(Duration, Duration)
    case normal(mean: Duration, stddev: Duration)
    case lognormal(median: Duration, sigma: Double)
    /// Quantile points (fraction, value), sorted; linear in between, flat outside.
    case percentiles([Quantile])

    public struct Quantile: Sendable, Equatable {
        public var fraction: Double
        public var value: Duration
    }

    /// One draw; never negative.
    public func sample(_ random: inout SeededRandom) -> Duration {
        let seconds: Double
        switch self {
        case let .fixed(d): return d
        case let .uniform(low, high):
            seconds = low.seconds + (high.seconds - low.seconds) * random.unit()
        case let .normal(mean, stddev):
            seconds = mean.seconds + stddev.seconds * Self.standardNormal(&random)
        case let .lognormal(median, sigma):
            seconds = median.seconds * exp(sigma * Self.standardNormal(&random))
        case let .percentiles(points):
            seconds = Self.interpolate(points, at: random.unit())
        }
        return .milliseconds(max(0, seconds * 1000))
    }

    private static func standardNormal(_ random: inout SeededRandom) -> Double {
        // Box–Muller; 1 - unit() keeps the logarithm's argument above zero.
        let u1 = 1 - random.unit(), u2 = random.unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    private static func interpolate(_ points: [Quantile], at u: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if u <= first.fraction { return first.value.seconds }
        if u >= last.fraction { return last.value.seconds }
        for (a, b) in zip(points, points.dropFirst()) where u <= b.fraction {
            let t = (u - a.fraction) / (b.fraction - a.fraction)
            return a.value.seconds + t * (b.value.seconds - a.value.seconds)
        }
        return last.value.seconds
    }

    /// Reads a distribution, recording problems under `what`.
    public static func parse(_ node: ConfigNode, what: String, problems: ProblemCollector) -> DelayDistribution? {
        if node.scalarText != nil { return node.duration(problems, what: what).map { .fixed($0) } }
        guard let entries = node.entries, entries.count == 1, let entry = entries.first else {
            problems.add("\(what) must be a duration or one of fixed, uniform, normal, lognormal, percentiles", at: node)
            return nil
        }
        let value = entry.value
        let name = "\(what).\(entry.key)"
        switch entry.key {
        case "fixed":
            return value.duration(problems, what: name).map { .fixed($0) }
        case "uniform":
            let bounds: [Duration?]
            if let items = value.items, items.count == 2 {
                bounds = items.map { $0.duration(problems, what: name) }
            } else if let reader = value.mapping(problems, what: name) {
                bounds = [reader.required("min")?.duration(problems, what: "\(name).min"), reader.required("max")?.duration(problems, what: "\(name).max")]
                reader.finish()
            } else { return nil }
            guard let low = bounds[0], let high = bounds[1] else { return nil }
            guard low <= high else { problems.add("\(name): the lower bound is above the upper", at: value); return nil }
            return .uniform(low, high)
        case "normal":
            guard let reader = value.mapping(problems, what: name) else { return nil }
            let mean = reader.required("mean")?.duration(problems, what: "\(name).mean")
            let stddev = reader.required("stddev")?.duration(problems, what: "\(name).stddev")
            reader.finish()
            guard let mean, let stddev else { return nil }
            return .normal(mean: mean, stddev: stddev)
        case "lognormal":
            guard let reader = value.mapping(problems, what: name) else { return nil }
            let median = reader.required("median")?.duration(problems, what: "\(name).median")
            let sigmaNode = reader.optional("sigma"), p99Node = reader.optional("p99")
            reader.finish()
            guard let median, median > .zero else {
                if let node = value["median"] { problems.add("\(name).median must be above 0s", at: node) }
                return nil
            }
            if let sigmaNode, p99Node == nil {
                return sigmaNode.double(problems, what: "\(name).sigma").map { .lognormal(median: median, sigma: $0) }
            }
            if let p99Node, sigmaNode == nil, let p99 = p99Node.duration(problems, what: "\(name).p99") {
                guard p99 > median else { problems.add("\(name).p99 must be above the median", at: p99Node); return nil }
                // The 99th percentile of a standard normal is 2.3263.
                return .lognormal(median: median, sigma: log(p99 / median) / 2.3263)
            }
            problems.add("\(name) needs exactly one of sigma or p99", at: value)
            return nil
        case "percentiles":
            guard let reader = value.mapping(problems, what: name) else { return nil }
            var points: [Quantile] = []
            for key in reader.keys {
                let node = reader.optional(key)
                guard key.hasPrefix("p"), let pct = Double(key.dropFirst()), pct >= 0, pct <= 100 else {
                    problems.add("\(name): '\(key)' is not a percentile such as p50 or p99.9", at: node ?? value)
                    continue
                }
                if let d = node?.duration(problems, what: "\(name).\(key)") { points.append(Quantile(fraction: pct / 100, value: d)) }
            }
            points.sort { $0.fraction < $1.fraction }
            guard !points.isEmpty else { problems.add("\(name) needs at least one percentile, such as p50: 1s", at: value); return nil }
            for (a, b) in zip(points, points.dropFirst()) where b.value < a.value {
                problems.add("\(name): p\(b.fraction * 100) is below p\(a.fraction * 100)", at: value)
                return nil
            }
            return .percentiles(points)
        default:
            var message = "\(what): unknown distribution '\(entry.key)'"
            if let near = Suggestion.nearest(to: entry.key, in: ["fixed", "uniform", "normal", "lognormal", "percentiles"]) { message += "; did you mean '\(near)'?" }
            problems.add(message, at: entry.keyLocation)
            return nil
        }
    }
}
