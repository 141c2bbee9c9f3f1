import Atomics
import ChaosCore
import Faults
import Synchronization
import Workload

/// The state a running mock shares between requests. Requests read the fault plan
/// through one atomic load; only the control API's changes take a lock.
final class MockRuntime: Sendable {
    let configuration: MockConfiguration
    let clock: any ScenarioClock
    let journal: Journal
    let correlator: AttemptCorrelator
    let planner: AnswerPlanner
    let metrics: MockMetrics
    let inFlight = InFlight()
    let promptCache = PromptCache()
    let handoffs = Handoffs()
    let batches = BatchStore()
    let files = FileStore()
    /// Requests the fast path answered itself: how tests and benchmarks tell the
    /// two paths apart, since their answers are the same bytes.
    let fastAnswers = Atomic<Int>(0)
    private let planBox: ManagedAtomic<PlanBox>
    private let changeLock = Mutex(())

    init(configuration: MockConfiguration, plan: FaultPlan, clock: any ScenarioClock, dataset: AnalyticsDataset) {
        self.configuration = configuration
        self.clock = clock
        self.journal = Journal(capacity: configuration.journalCapacity)
        self.correlator = AttemptCorrelator(window: configuration.fingerprintWindow)
        self.planner = AnswerPlanner(matcher: QuestionMatcher(), grader: ExecutionGrader(dataset: dataset), judgePattern: configuration.judgePattern)
        self.metrics = MockMetrics()
        self.planBox = ManagedAtomic(PlanBox(plan))
    }

    /// The fault plan in force now.
    var plan: FaultPlan { planBox.load(ordering: .acquiring).plan }

    /// Changes the plan; concurrent changes are serialised, readers never wait.
    func changePlan<R>(_ change: (inout FaultPlan) throws -> R) rethrows -> R {
        try changeLock.withLock { _ in
            var plan = planBox.load(ordering: .acquiring).plan
            let result = try change(&plan)
            planBox.store(PlanBox(plan), ordering: .releasing)
            return result
        }
    }

    /// Forgets the journal, token buckets, body fingerprints and prompt cache; faults stay.
    func reset() {
        journal.reset()
        correlator.reset()
        batches.resetAttempts()
        promptCache.reset()
        plan.resetState()
    }
}

final class PlanBox: AtomicReference, Sendable {
    let plan: FaultPlan
    init(_ plan: FaultPlan) { self.plan = plan }
}
