import ChaosCore
import Scenario

/// `arrival: { concurrency: 16, think: 500ms }`: a closed model. Each of
/// `concurrency` users sends a request, waits for the answer, thinks, and sends
/// the next: load falls when the target slows, as a fixed pool of clients does.
public struct FixedConcurrency: Sendable, Equatable {
    public var concurrency: Int
    public var think: Duration

    public init(concurrency: Int, think: Duration = .zero) { self.concurrency = concurrency; self.think = think }

    static func parse(_ reader: MappingReader, problems: ProblemCollector) -> FixedConcurrency? {
        let concurrency = reader.required("concurrency")?.int(problems, what: "concurrency", min: 1)
        let think = reader.optional("think").map { $0.duration(problems, what: "think") } ?? .zero
        reader.finish()
        guard let concurrency, let think else { return nil }
        return FixedConcurrency(concurrency: concurrency, think: think)
    }

    public var summary: String {
        "\(concurrency) concurrent" + (think > .zero ? ", thinking \(DurationText.format(think))" : "")
    }
}
