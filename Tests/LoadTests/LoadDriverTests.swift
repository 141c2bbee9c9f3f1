import ChaosCore
@testable import Load
import NIOPosix
import Synchronization
import Testing

/// A target that answers after a fixed scenario delay.
struct SlowTarget: LoadTarget {
    let clock: any ScenarioClock
    let delay: Duration

    func send(_ request: LoadRequest) async -> LoadReply {
        try? await clock.sleep(for: delay)
        return LoadReply(outcome: .ok, servedBy: "stub")
    }
}

final class Records: Sendable {
    let all = Mutex<[RequestRecord]>([])
    func add(_ record: RequestRecord) { all.withLock { $0.append(record) } }
    var sorted: [RequestRecord] { all.withLock { $0 }.sorted { $0.index < $1.index } }
}

/// A target in process that answers at once, never suspending: a cache hit.
struct InstantTarget: LoadTarget {
    func send(_ request: LoadRequest) async -> LoadReply { LoadReply(outcome: .ok, servedBy: "cache") }
}

@Suite struct LoadDriverTests {
    /// Closed-model users of a target that never suspends, with no think time, must
    /// leave the other tasks of the process room to run: before, they held every
    /// thread of the cooperative pool until the run ended, and a sweep's pipeline
    /// made its upstream calls only after its level was over.
    @Test func closedModelUsersOfAnInstantTargetLeaveOtherTasksRoomToRun() async {
        let clock = ScaledClock(timeScale: 1)
        let spec = LoadSpec(arrival: .closed(FixedConcurrency(concurrency: 64)))
        let answered = AtomicCounter()
        let started = ContinuousClock.now
        async let run = LoadDriver(spec: spec, seed: 1, duration: .seconds(1), clock: clock)
            .run(against: InstantTarget(), record: { _ in answered.increment() })
        let probe = Task { () -> Duration in
            try? await Task.sleep(for: .milliseconds(10))
            return ContinuousClock.now - started
        }
        let woke = await probe.value
        _ = await run
        #expect(woke < .milliseconds(500), "a task sleeping 10ms woke after \(woke), starved by the load")
        #expect(answered.current > 1000)
    }

    @Test func openModelSendsOnScheduleWithSeededIDs() async {
        let clock = ScaledClock(timeScale: 50)
        let spec = LoadSpec(arrival: .open(ConstantRate(perSecond: 10)))
        let records = Records()
        let dropped = await LoadDriver(spec: spec, seed: 9, duration: .seconds(10), clock: clock)
            .run(against: SlowTarget(clock: clock, delay: .milliseconds(100)), record: records.add)
        let all = records.sorted
        #expect(dropped == 0)
        #expect(all.count == 100)
        #expect(all.first?.requestID == "r9-000000")
        #expect(all.last?.requestID == "r9-000099")
        #expect(all[10].scheduled == .seconds(1))
        #expect(all.allSatisfy { $0.latency >= .milliseconds(100) })
    }

    @Test func pastMaxInFlightRequestsAreDroppedAndCounted() async {
        let clock = ScaledClock(timeScale: 50)
        var spec = LoadSpec(arrival: .open(ConstantRate(perSecond: 10)))
        spec.maxInFlight = 5
        let records = Records()
        // Each request takes 2 s at 10/s: 20 would be open at once, only 5 may be.
        let dropped = await LoadDriver(spec: spec, seed: 1, duration: .seconds(10), clock: clock)
            .run(against: SlowTarget(clock: clock, delay: .seconds(2)), record: records.add)
        #expect(dropped > 50)
        #expect(records.sorted.count + dropped == 100)
    }

    /// On a manual clock, so that a starved machine (every test starting at once on
    /// two cores) cannot leave the workers no time at all: this once saw none.
    @Test func closedModelKeepsConcurrencyAndStopsAtTheEnd() async {
        let clock = ManualClock()
        let spec = LoadSpec(arrival: .closed(FixedConcurrency(concurrency: 4)))
        let records = Records()
        let run = Task {
            await LoadDriver(spec: spec, seed: 1, duration: .seconds(10), clock: clock)
                .run(against: SlowTarget(clock: clock, delay: .seconds(1)), record: records.add)
        }
        // Four users each waiting on their answer, and the run's deadline.
        for _ in 0..<10 {
            await clock.sleepers(atLeast: 5)
            clock.advance(by: .seconds(1))
        }
        _ = await run.value
        // Four users, one second a request, ten seconds: ten rounds, none after the end.
        let all = records.sorted
        #expect(all.count == 40)
        #expect(all.allSatisfy { $0.started < .seconds(10) })
        // Never more than four open at once.
        let edges = all.flatMap { [($0.started, 1), ($0.finished, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var open = 0, most = 0
        for (_, change) in edges { open += change; most = max(most, open) }
        #expect(most == 4)
    }

    @Test func requestsStillOpenAfterTheDrainAreErrors() async {
        let clock = ScaledClock(timeScale: 50)
        let spec = LoadSpec(arrival: .open(ConstantRate(perSecond: 1)))
        let records = Records()
        await LoadDriver(spec: spec, seed: 1, duration: .seconds(2), clock: clock, drain: .seconds(1))
            .run(against: SlowTarget(clock: clock, delay: .seconds(600)), record: records.add)
        #expect(records.sorted.count == 2)
        #expect(records.sorted.allSatisfy { $0.outcome == .error && $0.error?.contains("still open") == true })
    }
}

/// Records which event loop, if any, each request was sent from.
struct LoopRecordingTarget: LoadTarget {
    let client: LoadHTTPClient
    let clock: any ScenarioClock
    let seen = Seen()

    final class Seen: Sendable {
        let loops = Mutex<[ObjectIdentifier?]>([])
    }

    func send(_ request: LoadRequest) async -> LoadReply {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop.map { ObjectIdentifier($0) }
        seen.loops.withLock { $0.append(loop) }
        // A request takes a while, so every worker gets to send some.
        try? await clock.sleep(for: .milliseconds(5))
        return LoadReply(outcome: .ok)
    }

    func executor(forWorker worker: Int) -> (any TaskExecutor)? { client.executor(forWorker: worker) }
}

extension LoadDriverTests {
    /// Workers run on the executor the target prefers: for HTTP, the client's event
    /// loops, spread over all of them, so a worker and its connection share a thread.
    @Test(arguments: [
        LoadSpec.Arrival.closed(FixedConcurrency(concurrency: 4)),
        .open(ConstantRate(perSecond: 200)),
    ])
    func workersRunOnTheTargetsPreferredExecutor(arrival: LoadSpec.Arrival) async {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let clock = ScaledClock(timeScale: 1)
        let target = LoopRecordingTarget(client: LoadHTTPClient(group: group), clock: clock)
        var spec = LoadSpec(arrival: arrival)
        spec.maxRequests = 40
        // Bounded by the request count; the long duration is for a loaded machine.
        await LoadDriver(spec: spec, seed: 1, duration: .seconds(30), clock: clock).run(against: target) { _ in }
        let loops = target.seen.loops.withLock { $0 }
        let ours = Set(group.makeIterator().map { ObjectIdentifier($0) })
        #expect(loops.count == 40)
        #expect(loops.allSatisfy { $0.map(ours.contains) == true }, "a request ran off the client's loops")
        #expect(Set(loops.compactMap { $0 }) == ours, "the workers did not spread over the loops")
        try? await group.shutdownGracefully()
    }
}
