import ChaosCore
import Faults
import Testing
@testable import MockClaude

@Suite struct MockLifecycleTests {
    /// A Ctrl-C while a run sets its mock up cancels the start: it must stop the
    /// server it may have started and say so, not wait on a server that runs for good.
    @Test func aStartThatIsCancelledStopsTheServerAndThrows() async throws {
        var configuration = MockConfiguration()
        configuration.port = 0
        let server = try MockServer(configuration: configuration, plan: FaultPlan(seed: 1, faults: []), clock: ScaledClock(timeScale: 1), dataset: MockFixture.dataset)
        let start = Task { () -> String in
            withUnsafeCurrentTask { $0?.cancel() }
            do { _ = try await server.start() } catch { return "\(type(of: error))" }
            return "started"
        }
        // Raced against a timer: a start that never returns cannot be cancelled
        // from here, and awaiting it would hang the test run instead of failing it.
        let (outcomes, continuation) = AsyncStream<String>.makeStream()
        Task { continuation.yield(await start.value) }
        Task { try? await Task.sleep(for: .seconds(10)); continuation.yield("no answer in 10s") }
        var first = outcomes.makeAsyncIterator()
        let outcome = await first.next()
        #expect(outcome == "CancellationError")
    }
}
