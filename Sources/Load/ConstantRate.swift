import ChaosCore
import Scenario

/// `arrival: { rate: 20/s }`: evenly spaced sends.
public struct ConstantRate: OpenModel {
    public var perSecond: Double

    public init(perSecond: Double) { self.perSecond = perSecond }

    static func parse(_ reader: MappingReader, problems: ProblemCollector) -> ConstantRate? {
        let rate = reader.required("rate").flatMap { RateText.parse($0, problems: problems, what: "rate") }
        reader.finish()
        guard let rate else { return nil }
        guard rate > 0 else { problems.add("rate must be above 0/s", at: reader.location); return nil }
        return ConstantRate(perSecond: rate)
    }

    public func arrivals(duration: Duration, seed: UInt64, limit: Int) -> [Duration] {
        let interval = 1 / perSecond
        let count = min(limit, Int((duration.seconds * perSecond).rounded(.up)))
        return (0..<max(0, count)).map { Duration.seconds(Double($0) * interval) }.filter { $0 < duration }
    }

    public var summary: String { "\(RateFormat.text(perSecond)) constant" }
    public func scaled(by factor: Double) -> any OpenModel { ConstantRate(perSecond: perSecond * factor) }
}

enum RateFormat {
    static func text(_ perSecond: Double) -> String {
        perSecond == perSecond.rounded() ? "\(Int(perSecond))/s" : "\((perSecond * 100).rounded() / 100)/s"
    }
}
