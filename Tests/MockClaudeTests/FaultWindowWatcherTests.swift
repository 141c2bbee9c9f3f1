import ChaosCore
import Faults
import Testing
@testable import MockClaude

@Suite struct FaultWindowWatcherTests {
    @Test func everyBoundaryCrossedBetweenTwoLooksIsReportedInOrder() throws {
        let faults = try FaultPlan.schedule(yaml: """
            - { name: blip, at: 2s, for: 2s, inject: { overloaded: {} } }
            - { name: long, at: 1s, inject: { latency: { first_token: 1s } } }
            - { name: later, at: 1m, for: 1m, inject: { overloaded: {} } }
            """, file: "w.yaml")
        let events = RunningMock.crossings(of: faults, after: .zero, upTo: .seconds(10))
        #expect(events.map(\.name) == ["long", "blip", "blip"])
        #expect(events.map(\.change) == [.opened, .opened, .closed])
        #expect(events.map(\.at) == [.seconds(1), .seconds(2), .seconds(4)])
        #expect(RunningMock.crossings(of: faults, after: .seconds(10), upTo: .seconds(59)).isEmpty)
        #expect(RunningMock.crossings(of: faults, after: .seconds(59), upTo: .seconds(200)).map(\.change) == [.opened, .closed])
    }
}
