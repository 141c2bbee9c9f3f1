import ChaosCore
import Foundation
import Load
import MockClaude
import Results
import Synchronization

/// The part of a run that is the same whatever the target: phases recorded, the
/// clock started, the load played, the mock's journal and the target's events
/// drained into the RunLog as they come, progress shown, and everything stopped.
final class RunSession: Sendable {
    let runner: ScenarioRunner
    let clock: RunClock
    let mock: RunningMock
    private let recorder: Mutex<RunRecorder?> = Mutex(nil)
    private let alertNames = Mutex<[String]>([])
    private let journalCursor = Mutex(0)
    private let lateness = TimerLatenessRecorder()

    init(runner: ScenarioRunner, clock: RunClock, mock: RunningMock) {
        self.runner = runner; self.clock = clock; self.mock = mock
    }

    struct Played: Sendable { var log: RunLog }

    func record(_ event: consuming RunEvent) {
        if case let .alert(alert) = event, alert.state == .firing {
            alertNames.withLock { if !$0.contains(alert.name) { $0.append(alert.name) } }
        }
        recorder.withLock { $0 }?.record(event)
    }

    /// Plays the load against `target`.
    /// - Parameters:
    ///   - consumeEvents: reads the target's own events (alerts, quality samples) until `finishEvents` ends them.
    ///   - tick: called every few scenario seconds (alert evaluation while traffic is quiet).
    func play(
        target: some LoadTarget, drain: Duration = .seconds(120),
        consumeEvents: @escaping @Sendable () async -> Void,
        tick: @escaping @Sendable () async -> Void,
        finishEvents: @escaping @Sendable () -> Void
    ) async throws -> Played {
        var info = runner.makeInfo()
        try await runner.store.begin(info, invocation: runner.invocation, scenarioText: runner.plan.text, startedAt: Date())
        let recorder = RunRecorder(store: runner.store, info: info)
        self.recorder.withLock { $0 = recorder }
        for phase in runner.phases() { record(.phase(phase)) }
        let duration = runner.plan.duration
        let driver = LoadDriver(spec: runner.plan.load, seed: runner.plan.scenario.seed, duration: duration, clock: clock, drain: drain)
        clock.start()
        let events = Task { await consumeEvents() }
        let background = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.tickLoop(tick, until: duration) }
                group.addTask { await self.drainLoop(driver: driver, recorder: recorder) }
                group.addTask { await self.latenessLoop() }
            }
        }
        let dropped = await withTaskCancellationHandler {
            await driver.run(against: target) { [self] request in record(.requestFinished(request)) }
        } onCancel: {
            background.cancel()
        }
        // The scenario lasts its whole duration even when the load ends early:
        // alerts may still resolve, and the timeline is the one the file describes.
        try? await clock.sleep(until: duration)
        let aborted = Task.isCancelled
        background.cancel()
        await background.value
        await mock.stop()
        drainJournal(final: true)
        finishEvents()
        await events.value
        await recorder.flush()
        info.status = aborted ? .aborted : .completed
        info.stopCause = aborted ? runner.stopRequest.requested ?? .interrupted : nil
        info.droppedRequests = dropped
        info.timerLateness = lateness.lateness
        info.droppedAttempts = mock.server.journal.droppedCount
        var log = recorder.log
        log.info = info
        if let error = recorder.writeError { runner.progress.finish("warning: the RunLog store could not be written: \(error)") }
        return Played(log: log)
    }

    private func tickLoop(_ tick: @Sendable () async -> Void, until duration: Duration) async {
        let interval = min(.seconds(5), max(duration / 200, .milliseconds(100)))
        while clock.now() < duration, !Task.isCancelled {
            do { try await clock.sleep(for: interval) } catch { return }
            await tick()
        }
    }

    /// Wakes every 20 ms of real time and notes how late: the wait a request's
    /// own continuations had for a thread, which its measured latency includes.
    private func latenessLoop() async {
        let interval = clock.scenarioDuration(ofReal: .milliseconds(20))
        while !Task.isCancelled {
            let due = clock.now() + interval
            do { try await clock.sleep(for: interval) } catch { return }
            let late = clock.now() - due
            lateness.record(late)
        }
    }

    private func drainLoop(driver: LoadDriver, recorder: RunRecorder) async {
        let step = clock.scenarioDuration(ofReal: .milliseconds(250))
        var lastLine = ContinuousClock.now
        while !Task.isCancelled {
            do { try await clock.sleep(for: step) } catch { break }
            drainJournal(final: false)
            await recorder.flush()
            let now = ContinuousClock.now
            if runner.progress.style == .live || (now - lastLine).seconds >= runner.progress.lineInterval {
                lastLine = now
                runner.progress.update(status(driver.recorder.snapshot()))
            }
        }
    }

    private func status(_ snapshot: LatencyRecorder.Snapshot) -> RunProgress.Status {
        let now = clock.now()
        return RunProgress.Status(
            scenario: runner.plan.scenario.name, now: now, duration: runner.plan.duration, snapshot: snapshot,
            activeFaults: runner.plan.faultPlan.active(at: now).map(\.name), alerts: alertNames.withLock { $0 }
        )
    }

    /// Moves new journal entries into the RunLog. Entries get their sequence number
    /// before they are stored, so a read can see 12 before 11: take only the
    /// unbroken run after the cursor, and the rest next time (or all at the end,
    /// when nothing is being served).
    private func drainJournal(final: Bool) {
        let journal = mock.server.journal
        let cursor = journalCursor.withLock { $0 }
        let entries = journal.entries(after: cursor)
        var last = cursor
        for entry in entries {
            if !final, entry.sequence != last + 1 { break }
            record(.upstreamAttempt(entry))
            last = entry.sequence
        }
        journalCursor.withLock { $0 = last }
    }
}
