import Foundation
import Testing
import ChaosCore

@Suite struct ClockTests {
    @Test func aManualClockWakesSleepersInDeadlineOrderOnlyWhenDue() async throws {
        let clock = ManualClock()
        let order = OrderLog()
        let late = Task { try await clock.sleep(for: .seconds(10)); await order.add("late") }
        let early = Task { try await clock.sleep(for: .seconds(5)); await order.add("early") }
        await clock.sleepers(atLeast: 2)
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(1))
        try await early.value
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(5))
        try await late.value
        #expect(await order.entries == ["early", "late"])
        #expect(clock.now() == .seconds(10))
    }

    @Test func cancellingASleeperThrowsAndFreesIt() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(1)) }
        await clock.sleepers(atLeast: 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func aScaledClockConvertsBothWays() {
        let clock = ScaledClock(timeScale: 60)
        #expect(clock.realDuration(of: .seconds(60)) == .seconds(1))
        #expect(clock.scenarioDuration(ofReal: .milliseconds(500)) == .seconds(30))
        #expect(clock.now() < .seconds(60))
        let date = clock.wallDate(at: .seconds(120))
        #expect(date.timeIntervalSince(clock.wallDate(at: .zero)) == 2)
    }

    @Test func aManualClockMapsScenarioTimeToDates() {
        let clock = ManualClock(originDate: Date(timeIntervalSince1970: 1000))
        #expect(clock.wallDate(at: .seconds(30)) == Date(timeIntervalSince1970: 1030))
    }
}

actor OrderLog {
    var entries: [String] = []
    func add(_ entry: String) { entries.append(entry) }
}
