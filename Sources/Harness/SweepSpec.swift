import ChaosCore
import Faults
import Foundation
import Load
import Scenario

/// The levels a sweep runs a scenario at: users for a closed model
/// (`--concurrency 1,2,4,8`, or `1,2,4,...,512`: ``SweepList``) or arrival rates for
/// an open one (`--rate 5/s..200/s --steps 12`, spaced evenly on a log scale, as a
/// knee is looked for; or a list `--rate 5/s,10/s,40/s`).
public struct SweepSpec: Sendable, Equatable {
    public enum Level: Sendable, Equatable {
        case concurrency(Int)
        case rate(Double)

        public var value: Double {
            switch self {
            case let .concurrency(users): Double(users)
            case let .rate(perSecond): perSecond
            }
        }

        public var label: String {
            switch self {
            case let .concurrency(users): "\(users) concurrent"
            case let .rate(perSecond): "\(Self.number(perSecond))/s"
            }
        }

        /// For run ids and file names: no slash, no space.
        var slug: String {
            switch self {
            case let .concurrency(users): "c\(users)"
            case let .rate(perSecond): "\(Self.number(perSecond))rps"
            }
        }

        /// The level a run's scenario name (`name@c16`, `name@0.5rps`) was run at.
        public init?(runScenario name: String) {
            guard let at = name.lastIndex(of: "@") else { return nil }
            let slug = name[name.index(after: at)...]
            if slug.hasPrefix("c"), let users = Int(slug.dropFirst()) { self = .concurrency(users) }
            else if slug.hasSuffix("rps"), let rate = Double(slug.dropLast(3)) { self = .rate(rate) }
            else { return nil }
        }

        static func number(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(format: value < 10 ? "%.3g" : "%.1f", value)
        }
    }

    public var levels: [Level]
    public var dimension: String { if case .concurrency = levels.first { "concurrency" } else { "rate" } }

    /// Reads the flags; the error names the flag and says what to write.
    public static func parse(concurrency: String?, rate: String?, steps: Int?) throws(SweepSpecError) -> SweepSpec {
        switch (concurrency, rate) {
        case (nil, nil): throw SweepSpecError("give the levels: --concurrency 1,2,4,8 (a closed model) or --rate 5/s..200/s --steps 12 (an open one)")
        case (.some, .some): throw SweepSpecError("--concurrency and --rate sweep different load models; give one of them")
        case let (text?, nil):
            if steps != nil { throw SweepSpecError("--steps spaces a --rate range; list the --concurrency levels instead") }
            let users = try SweepList.expand(text.components(separatedBy: ","), flag: "--concurrency") { (part) throws(SweepSpecError) in
                guard let users = Int(part), users >= 1 else {
                    throw SweepSpecError("--concurrency '\(part)' is not a whole number of users ≥ 1; write such as 1,2,4,8")
                }
                return Double(users)
            }
            // A pattern of whole numbers stays whole, unless it multiplies by a fraction.
            guard users.allSatisfy({ $0 == $0.rounded() }) else {
                throw SweepSpecError("--concurrency '\(text)' makes levels that are not whole numbers of users; write such as 1,2,4,...,512")
            }
            return try checked(users.map { .concurrency(Int($0)) })
        case let (_, text?):
            if text.contains(".."), !text.contains("...") {
                let ends = text.components(separatedBy: "..")
                guard ends.count == 2 else { throw SweepSpecError("--rate '\(text)' is not a range; write such as 5/s..200/s") }
                let low = try parseRate(ends[0]), high = try parseRate(ends[1])
                let count = steps ?? 8
                guard count >= 2, count <= 100 else { throw SweepSpecError("--steps must be between 2 and 100") }
                guard low > 0, high > low else { throw SweepSpecError("--rate '\(text)': the range must rise from a rate above 0") }
                let ratio = pow(high / low, 1 / Double(count - 1))
                return try checked((0..<count).map { .rate(($0 == count - 1 ? high : low * pow(ratio, Double($0))).roundedTo(significant: 3)) })
            }
            if steps != nil { throw SweepSpecError("--steps spaces a range such as --rate 5/s..200/s; a list needs none") }
            return try checked(try SweepList.expand(text.components(separatedBy: ","), flag: "--rate", value: parseRate).map { .rate($0) })
        }
    }

    static func parseRate(_ text: String) throws(SweepSpecError) -> Double {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
        let units: [Substring: Double] = ["s": 1, "m": 1.0 / 60, "min": 1.0 / 60, "h": 1.0 / 3600]
        guard parts.count == 2, let unit = units[parts[1]], let count = Double(parts[0]), count > 0, count.isFinite else {
            throw SweepSpecError("--rate '\(text)' is not a rate; write a count per unit such as 20/s or 300/m")
        }
        return count * unit
    }

    private static func checked(_ levels: [Level]) throws(SweepSpecError) -> SweepSpec {
        guard !levels.isEmpty else { throw SweepSpecError("no levels given") }
        guard Set(levels.map(\.value)).count == levels.count else { throw SweepSpecError("a level is given twice") }
        guard levels.count <= 100 else { throw SweepSpecError("at most 100 levels") }
        return SweepSpec(levels: levels.sorted { $0.value < $1.value })
    }
}

public struct SweepSpecError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Double {
    func roundedTo(significant digits: Int) -> Double {
        guard self != 0 else { return 0 }
        let scale = Foundation.pow(10, Double(digits) - (Foundation.log10(Swift.abs(self))).rounded(.up))
        return (self * scale).rounded() / scale
    }
}

extension ScenarioPlan {
    /// The same scenario at one level: its load model swapped, its name marked with
    /// the level (so each level is a run of its own in the RunLog).
    func at(_ level: SweepSpec.Level) -> ScenarioPlan {
        var scenario = self.scenario
        scenario.name += "@" + level.slug
        var load = self.load
        switch level {
        case let .concurrency(users):
            let think: Duration = if case let .closed(closed) = load.arrival { closed.think } else { .zero }
            load.arrival = .closed(FixedConcurrency(concurrency: users, think: think))
        case let .rate(perSecond):
            let poisson: Bool = if case let .open(model) = load.arrival { model is PoissonRate } else { false }
            load.arrival = .open(poisson ? PoissonRate(perSecond: perSecond) as any OpenModel : ConstantRate(perSecond: perSecond))
        }
        return ScenarioPlan(scenario: scenario, text: text, faultPlan: faultPlan, load: load, expectations: expectations, pipeline: pipeline, target: target)
    }
}
