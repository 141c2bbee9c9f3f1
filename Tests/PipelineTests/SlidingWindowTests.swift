import ChaosCore
import Testing
@testable import Pipeline

@Suite struct SlidingWindowTests {
    /// The reference: filter the window, sort it, take the nearest rank.
    func reference(_ samples: [(Double, Duration)], after from: Duration, through now: Duration, p: Double) -> Double? {
        let values = samples.filter { $0.1 > from && $0.1 <= now }.map(\.0).sorted()
        guard !values.isEmpty else { return nil }
        return values[min(values.count - 1, Int((Double(values.count) * p / 100).rounded(.up)) - 1)]
    }

    @Test func percentilesAndMeansMatchSortingTheWindow() {
        var generator = SeededRandom(seed: 7)
        var window = SlidingWindow()
        var samples: [(Double, Duration)] = []
        for i in 0..<3000 {
            // Arrivals a little out of order, as answers finishing on two cores are.
            let at = Duration.milliseconds(i * 100 - Int(generator.next() % 300))
            let value = Double(generator.next() % 10_000) / 100
            window.append(value, at: at)
            samples.append((value, at))
            guard i % 97 == 0 else { continue }
            let now = Duration.milliseconds(i * 100), from = now - .seconds(30)
            window.trim(through: now - .seconds(60))
            let range = window.range(after: from, through: now)
            let inWindow = samples.filter { $0.1 > from && $0.1 <= now }.map(\.0)
            #expect(range.count == inWindow.count)
            for p in [50.0, 90, 99, 100] {
                #expect(window.percentile(p, of: range) == reference(samples, after: from, through: now, p: p), "p\(p) at \(now)")
            }
            let mean = inWindow.reduce(0, +) / Double(inWindow.count)
            #expect(abs(window.mean(of: range) - mean) < 1e-9)
        }
    }

    @Test func trimmedSamplesLeaveEveryWindow() {
        var window = SlidingWindow()
        for second in 1...1000 { window.append(Double(second), at: .seconds(second)) }
        window.trim(through: .seconds(900))
        let all = window.range(after: .zero, through: .seconds(1000))
        #expect(all.count == 100)
        #expect(window.mean(of: all) == 950.5)
        #expect(window.percentile(99, of: all) == 999)
    }
}
