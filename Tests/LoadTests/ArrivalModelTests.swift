import ChaosCore
import Load
import Scenario
import Testing

@Suite struct ArrivalModelTests {
    @Test func constantRateIsEvenlySpacedAndBounded() {
        let times = ConstantRate(perSecond: 4).arrivals(duration: .seconds(10), seed: 1, limit: 1000)
        #expect(times.count == 40)
        #expect(times[1] - times[0] == .milliseconds(250))
        #expect(times.last! < .seconds(10))
        #expect(ConstantRate(perSecond: 4).arrivals(duration: .seconds(10), seed: 1, limit: 7).count == 7)
    }

    @Test func poissonIsSeededAndHasTheMeanRate() {
        let model = PoissonRate(perSecond: 20)
        let a = model.arrivals(duration: .seconds(100), seed: 42, limit: 100_000)
        #expect(a == model.arrivals(duration: .seconds(100), seed: 42, limit: 100_000))
        #expect(a != model.arrivals(duration: .seconds(100), seed: 43, limit: 100_000))
        // 2000 expected; a Poisson count's standard deviation is about 45.
        #expect(abs(a.count - 2000) < 200)
        let gaps = zip(a.dropFirst(), a).map { ($0 - $1).seconds }
        #expect(Set(gaps.map { ($0 * 1000).rounded() }).count > 100, "gaps vary")
    }

    @Test func rampingFollowsTheIntegralOfTheRate() {
        // 0 → 10/s over 10 s is 50 requests; holding 10/s for 5 s is 50 more.
        let model = RampingRate(start: 0, stages: [.init(to: 10, over: .seconds(10)), .init(to: 10, over: .seconds(5))])
        let times = model.arrivals(duration: .seconds(15), seed: 0, limit: 10_000)
        #expect(abs(times.count - 100) <= 1)
        #expect(times.filter { $0 < .seconds(5) }.count < times.filter { $0 >= .seconds(5) && $0 < .seconds(10) }.count)
        #expect(model.rate(at: .seconds(5)) == 5)
    }

    @Test func loadBlocksReadEveryModelAndReportEveryProblem() throws {
        func spec(_ yaml: String) -> (LoadSpec?, [String]) {
            let problems = ProblemCollector()
            let node = try? ConfigNode.parse(yaml: yaml, file: "s.yaml")
            return (LoadSpec.parse(node ?? nil, problems: problems), problems.problems.map(\.description))
        }
        #expect(spec("arrival: { rate: 20/s }").0?.arrival.description == "20/s constant")
        #expect(spec("arrival: { rate: 600/m, poisson: true }").0?.arrival.description == "10/s Poisson")
        #expect(spec("arrival: { concurrency: 8, think: 1s }").0?.arrival.description == "8 concurrent, thinking 1s")
        #expect(spec("arrival: { stages: [{ to: 5/s, over: 1m }, { hold: 2m }] }").0?.arrival.description == "ramping from 0/s: 5/s over 1m, 5/s over 2m")
        #expect(spec("arrival: { rate: 20 }").1 == ["s.yaml:1: rate '20' is not a rate; write a count per unit such as 20/s, 300/m or 0.5/s"])
        #expect(spec("arrival: { concurency: 4 }").1.first?.contains("arrival needs 'rate'") == true)
        #expect(spec("workload: sales\nmax_in_flight: 0").1.count == 2)
    }
}
