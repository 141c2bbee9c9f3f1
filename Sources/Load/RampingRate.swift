import ChaosCore
import Scenario

/// `arrival: { start: 0/s, stages: [{ to: 50/s, over: 2m }, { hold: 5m }, { to: 0/s, over: 1m }] }`
///
/// The rate moves linearly from stage to stage; sends are placed where the
/// integral of the rate crosses each whole number, so a ramp is smooth.
public struct RampingRate: OpenModel {
    public struct Stage: Sendable, Equatable {
        /// The rate at the end of the stage.
        public var to: Double
        public var over: Duration

        public init(to: Double, over: Duration) { self.to = to; self.over = over }
    }

    public var start: Double
    public var stages: [Stage]

    public init(start: Double = 0, stages: [Stage]) { self.start = start; self.stages = stages }

    static func parse(_ reader: MappingReader, problems: ProblemCollector) -> RampingRate? {
        let start = reader.optional("start").map { RateText.parse($0, problems: problems, what: "start") } ?? 0
        let list = reader.required("stages")
        reader.finish()
        guard let list, let start else { return nil }
        guard let items = list.items, !items.isEmpty else {
            problems.add("stages must be a list such as [{ to: 50/s, over: 2m }, { hold: 5m }]", at: list)
            return nil
        }
        var stages: [Stage] = []
        var rate = start
        for item in items {
            guard let stage = item.mapping(problems, what: "a stage") else { continue }
            if let hold = stage.optional("hold") {
                if let over = hold.duration(problems, what: "hold") { stages.append(Stage(to: rate, over: over)) }
            } else {
                let to = stage.required("to").flatMap { RateText.parse($0, problems: problems, what: "to") }
                let over = stage.required("over")?.duration(problems, what: "over")
                if let to, let over { stages.append(Stage(to: to, over: over)); rate = to }
            }
            stage.finish()
        }
        return stages.count == items.count ? RampingRate(start: start, stages: stages) : nil
    }

    /// The rate at scenario time `t`.
    public func rate(at t: Duration) -> Double {
        var from = start
        var offset = Duration.zero
        for stage in stages {
            if t < offset + stage.over {
                let fraction = (t - offset).seconds / max(stage.over.seconds, 1e-9)
                return from + (stage.to - from) * fraction
            }
            offset += stage.over
            from = stage.to
        }
        return from
    }

    public func arrivals(duration: Duration, seed: UInt64, limit: Int) -> [Duration] {
        var times: [Duration] = []
        var accumulated = 0.0
        var next = 0.0
        // Integrate in small steps: exact enough (a millisecond) and bounded by the duration.
        let step = 0.001
        var t = 0.0
        let end = duration.seconds
        while t < end, times.count < limit {
            let r = rate(at: .seconds(t))
            let before = accumulated
            accumulated += r * step
            while accumulated >= next, times.count < limit {
                let fraction = r > 0 ? (next - before) / (r * step) : 0
                times.append(.seconds(t + max(0, fraction) * step))
                next += 1
            }
            t += step
        }
        return times
    }

    public var summary: String {
        "ramping from \(RateFormat.text(start)): " + stages.map { "\(RateFormat.text($0.to)) over \(DurationText.format($0.over))" }.joined(separator: ", ")
    }

    public func scaled(by factor: Double) -> any OpenModel {
        RampingRate(start: start * factor, stages: stages.map { Stage(to: $0.to * factor, over: $0.over) })
    }
}
