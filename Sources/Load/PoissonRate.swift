import Foundation
import ChaosCore
import Scenario

/// `arrival: { rate: 20/s, poisson: true }`: independent arrivals at a mean rate,
/// exponentially distributed gaps drawn from the seed: bursts and lulls as real
/// traffic has them.
public struct PoissonRate: OpenModel {
    public var perSecond: Double

    public init(perSecond: Double) { self.perSecond = perSecond }

    static func parse(_ reader: MappingReader, problems: ProblemCollector) -> PoissonRate? {
        let rate = reader.required("rate").flatMap { RateText.parse($0, problems: problems, what: "rate") }
        let poisson = reader.optional("poisson")?.bool(problems, what: "poisson")
        reader.finish()
        guard let rate, let poisson else { return nil }
        guard rate > 0 else { problems.add("rate must be above 0/s", at: reader.location); return nil }
        if !poisson { problems.add("poisson: false is the default; leave it out", at: reader.location); return nil }
        return PoissonRate(perSecond: rate)
    }

    public func arrivals(duration: Duration, seed: UInt64, limit: Int) -> [Duration] {
        var random = SeededRandom(String(seed), "poisson-arrivals")
        var times: [Duration] = []
        var t = 0.0
        let end = duration.seconds
        while times.count < limit {
            // 1 - u is in (0, 1], so the logarithm is finite.
            t += -Foundation.log(1 - random.unit()) / perSecond
            if t >= end { break }
            times.append(.seconds(t))
        }
        return times
    }

    public var summary: String { "\(RateFormat.text(perSecond)) Poisson" }
    public func scaled(by factor: Double) -> any OpenModel { PoissonRate(perSecond: perSecond * factor) }
}
