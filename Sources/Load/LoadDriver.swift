import ChaosCore

/// Plays a ``LoadSpec`` against a ``LoadTarget`` on the scenario clock, and hands
/// each finished request to `record` as it ends. It does not aggregate: the RunLog
/// does that, later.
///
/// Open model: every arrival is sent at its scheduled time, whether or not earlier
/// requests have answered; latency counts from the scheduled time (see
/// ``RequestRecord/latency``). Past `maxInFlight` open requests, a new arrival is
/// dropped and counted, never silently delayed.
///
/// Both models are bounded: no request starts after `duration` or beyond
/// `maxRequests`, and requests still open `drain` after the end are cancelled.
public struct LoadDriver: Sendable {
    public let spec: LoadSpec
    public let seed: UInt64
    public let duration: Duration
    public let clock: any ScenarioClock
    /// How long, after `duration`, open requests may take before they are cancelled.
    public var drain: Duration
    public let recorder = LatencyRecorder()

    public init(spec: LoadSpec, seed: UInt64, duration: Duration, clock: any ScenarioClock, drain: Duration = .seconds(60)) {
        self.spec = spec; self.seed = seed; self.duration = duration; self.clock = clock; self.drain = drain
    }

    /// Runs the load to the end; returns how many requests were dropped.
    @discardableResult
    public func run(against target: some LoadTarget, record: @escaping @Sendable (consuming RequestRecord) -> Void) async -> Int {
        switch spec.arrival {
        case let .open(model): await runOpen(model, target: target, record: record)
        case let .closed(model): await runClosed(model, target: target, record: record)
        }
        return recorder.snapshot().dropped
    }

    func request(_ index: Int, scheduled: Duration) -> LoadRequest {
        let draw = StableHash.hash(String(seed), "request", String(index))
        let tenant = spec.tenants[Int(StableHash.mix(draw) % UInt64(spec.tenants.count))]
        return LoadRequest(index: index, requestID: LoadRequest.id(seed: seed, index: index), tenant: tenant, draw: draw, scheduled: scheduled)
    }

    private func send(_ request: LoadRequest, to target: some LoadTarget, record: @Sendable (consuming RequestRecord) -> Void) async {
        let started = clock.now()
        recorder.sent()
        var reply = await target.send(request)
        let finished = clock.now()
        if Task.isCancelled {
            // Whatever the target made of a cancelled request, the caller never got an answer.
            reply = LoadReply(outcome: .error, servedBy: reply.servedBy, status: nil, questionID: reply.questionID,
                              error: "still open when the run ended (after the drain time)", failures: reply.failures,
                              upstreamAttempts: reply.upstreamAttempts, cost: reply.cost, variant: reply.variant)
        }
        let entry = RequestRecord(
            index: request.index, requestID: request.requestID, questionID: reply.questionID, tenant: request.tenant,
            scheduled: request.scheduled, started: started, finished: finished, outcome: reply.outcome, servedBy: reply.servedBy,
            status: reply.status, grade: reply.grade, error: reply.error, failures: reply.failures,
            upstreamAttempts: reply.upstreamAttempts, cost: reply.cost, variant: reply.variant,
            timeToFirstToken: reply.timeToFirstToken.map { started - request.scheduled + $0 }, interTokenLatency: reply.interTokenLatency
        )
        recorder.finished(entry)
        record(entry)
    }

    private func runOpen(_ model: any OpenModel, target: some LoadTarget, record: @escaping @Sendable (consuming RequestRecord) -> Void) async {
        let arrivals = model.arrivals(duration: duration, seed: seed, limit: spec.maxRequests)
        let inFlight = AtomicCounter()
        await withDeadline(duration + drain) {
            await withDiscardingTaskGroup { group in
                for (index, at) in arrivals.enumerated() {
                    do { try await clock.sleep(until: at) } catch { return }
                    guard inFlight.current < spec.maxInFlight else {
                        recorder.dropped()
                        continue
                    }
                    inFlight.increment()
                    let request = request(index, scheduled: at)
                    group.addTask(executorPreference: target.executor(forWorker: index)) {
                        await send(request, to: target, record: record)
                        inFlight.decrement()
                    }
                }
            }
        }
    }

    private func runClosed(_ model: FixedConcurrency, target: some LoadTarget, record: @escaping @Sendable (consuming RequestRecord) -> Void) async {
        let next = AtomicCounter()
        let yields = model.think <= .zero && !target.suspendsOnEveryRequest
        await withDeadline(duration + drain) {
            await withDiscardingTaskGroup { group in
                for worker in 0..<model.concurrency {
                    group.addTask(executorPreference: target.executor(forWorker: worker)) {
                        while clock.now() < duration, !Task.isCancelled {
                            let index = next.increment()
                            guard index < spec.maxRequests else { return }
                            await send(request(index, scheduled: clock.now()), to: target, record: record)
                            if model.think > .zero { do { try await clock.sleep(for: model.think) } catch { return } }
                            if yields { await Task.yield() }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body`, cancelling it if it is still going at scenario time `deadline`.
    private func withDeadline(_ deadline: Duration, _ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await body() }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }
}
