import ChaosCore
import Scenario

/// A fault from a scenario, ready to fire: when, to whom and how often it
/// applies (from its ``FaultSpec``), and what it does (its ``Fault``).
public struct ScheduledFault: Sendable {
    public let spec: FaultSpec
    public let fault: any Fault

    public init(spec: FaultSpec, fault: any Fault) {
        self.spec = spec; self.fault = fault
    }

    public var name: String { spec.name }
    public var kind: String { spec.kind }
}

/// The faults applied to one request, and their merged effect.
public struct FaultDecision: Sendable {
    public init() {}
    public var applied: [ScheduledFault] = []
    public var effect = FaultEffect()

    public var names: [String] { applied.map(\.name) }
    public var kinds: [String] { applied.map(\.kind) }
}

/// Decides, for attempt N of logical request R at scenario time T, which faults
/// fire and what happens to the response.
///
/// **Determinism.** Whether a fault fires is a pure function of (seed, fault name,
/// request id, attempt) and the fault's probability at T; so are its random draws.
/// Arrival order and concurrency change nothing. (Token buckets are the one
/// exception: a bucket is state by nature.)
///
/// **Overlap.** Faults are considered in the order they are listed (run-time
/// additions after the scenario's):
/// 1. the delays of every firing fault add up;
/// 2. the first firing fault that ends the response early — an error status, a
///    timeout, a stall, a disconnect, a mid-stream error, a truncation — wins;
///    later ones of that family are not applied;
/// 3. the first firing quality fault wins; it combines with a stream break (a
///    wrong answer can also be cut off);
/// 4. the first firing `parallel_tool_calls` sets how many calls an answer makes,
///    if it still calls a tool after the quality fault;
/// 5. the first firing `redacted_thinking` sends the answer's thinking encrypted,
///    and the first firing `long_thinking` sets how long the thinking runs;
/// 6. headers (rate-limit state) are always added.
/// A fault that changed nothing under these rules is not recorded as applied.
public struct FaultPlan: Sendable {
    public let seed: UInt64
    public private(set) var faults: [ScheduledFault]

    public init(seed: UInt64, faults: [ScheduledFault] = []) {
        self.seed = seed; self.faults = faults
    }

    /// Builds the faults of `specs`, checking every parameter.
    /// - Parameter offset: added to every window; run-time additions count from "now".
    /// - Throws: ``ConfigProblems`` with every problem of every spec.
    public static func schedule(_ specs: [FaultSpec], offset: Duration = .zero) throws(ConfigProblems) -> [ScheduledFault] {
        let problems = ProblemCollector()
        let scheduled = schedule(specs, offset: offset, problems: problems)
        guard problems.isEmpty else { throw ConfigProblems(problems.problems) }
        return scheduled
    }

    /// Builds what can be built and records the rest as problems.
    public static func schedule(_ specs: [FaultSpec], offset: Duration = .zero, problems: ProblemCollector) -> [ScheduledFault] {
        specs.compactMap { spec in
            var spec = spec
            spec.window = spec.window.shifted(by: offset)
            return FaultRegistry.make(spec, problems: problems).map { ScheduledFault(spec: spec, fault: $0) }
        }
    }

    /// Reads and builds a fault list (the control API's body), reporting the
    /// problems of every stage at once, in line order.
    public static func schedule(yaml: String, file: String, offset: Duration = .zero) throws(ConfigProblems) -> [ScheduledFault] {
        let (specs, found) = ScenarioLoader.readFaults(yaml: yaml, file: file)
        let problems = ProblemCollector()
        let scheduled = schedule(specs, offset: offset, problems: problems)
        let all = (found + problems.problems).sorted { $0.location.line < $1.location.line }
        guard all.isEmpty else { throw ConfigProblems(all) }
        return scheduled
    }

    /// The plan of a scenario.
    public init(scenario: Scenario) throws(ConfigProblems) {
        self.init(seed: scenario.seed, faults: try Self.schedule(scenario.faults))
    }

    /// Adds faults after the existing ones.
    /// - Throws: ``ConfigProblems`` when a name is taken.
    public mutating func add(_ more: [ScheduledFault]) throws(ConfigProblems) {
        var problems: [ConfigProblem] = []
        var names = Set(faults.map(\.name))
        for fault in more where !names.insert(fault.name).inserted {
            problems.append(ConfigProblem("a fault named '\(fault.name)' exists already; remove it first or pick another name", at: fault.spec.location))
        }
        guard problems.isEmpty else { throw ConfigProblems(problems) }
        faults += more
    }

    /// Removes the fault named `name`; returns false when there is none.
    @discardableResult
    public mutating func remove(named name: String) -> Bool {
        let before = faults.count
        faults.removeAll { $0.name == name }
        return faults.count < before
    }

    /// Faults whose window is open at `t`.
    public func active(at t: Duration) -> [ScheduledFault] {
        faults.filter { $0.spec.window.start <= t && ($0.spec.window.end.map { t < $0 } ?? true) }
    }

    /// The fault decision for one request, where only a quality fault reshapes
    /// the answer (see ``decide(_:shape:)``).
    public func decide(_ request: FaultRequest) -> FaultDecision {
        decide(request) { $0.answer ?? request.answer }
    }

    /// The fault decision for one request.
    ///
    /// Faults that charge for the answer (token buckets) decide last, on the
    /// answer as the others that fire shape it: `shape` makes it from their
    /// merged effect (a quality fault's answer, further calls, longer thinking),
    /// so a bucket charges the output tokens that are sent. Effects are then
    /// merged in listed order all the same.
    public func decide(_ request: FaultRequest, shape: (FaultEffect) -> PlannedAnswer) -> FaultDecision {
        var decision = FaultDecision()
        let seedText = String(seed)
        let attemptText = String(request.facts.attempt)
        func fires(_ scheduled: ScheduledFault) -> Bool {
            let spec = scheduled.spec
            let intensity = spec.window.intensity(at: request.now)
            guard intensity > 0, spec.match.matches(request.facts) else { return false }
            let probability = spec.probability * intensity
            guard probability < 1 else { return true }
            return StableHash.unitInterval(StableHash.hash(seedText, spec.name, request.facts.requestID, attemptText)) < probability
        }
        func effect(of scheduled: ScheduledFault, on request: FaultRequest) -> FaultEffect? {
            var random = SeededRandom(seedText, scheduled.spec.name, request.facts.requestID, attemptText, "draw")
            var request = request
            request.windowStart = scheduled.spec.window.start
            return scheduled.fault.effect(on: request, random: &random)
        }
        // Without a fault that charges for the answer, one pass and no list of
        // what fired: this runs for every request the mock answers.
        guard faults.contains(where: { type(of: $0.fault).chargesForTheAnswer }) else {
            for scheduled in faults where fires(scheduled) {
                guard let effect = effect(of: scheduled, on: request) else { continue }
                if merge(effect, into: &decision.effect) { decision.applied.append(scheduled) }
            }
            return decision
        }
        var fired: [(scheduled: ScheduledFault, effect: FaultEffect?)] = []
        for scheduled in faults where fires(scheduled) {
            if type(of: scheduled.fault).chargesForTheAnswer {
                fired.append((scheduled, nil))
            } else if let effect = effect(of: scheduled, on: request) {
                fired.append((scheduled, effect))
            }
        }
        if fired.contains(where: { $0.effect == nil }) {
            var shaping = FaultEffect()
            for case let (_, effect?) in fired { _ = merge(effect, into: &shaping) }
            var charged = request
            charged.answer = shape(shaping)
            for i in fired.indices where fired[i].effect == nil {
                fired[i].effect = effect(of: fired[i].scheduled, on: charged)
            }
        }
        for case let (scheduled, effect?) in fired where merge(effect, into: &decision.effect) {
            decision.applied.append(scheduled)
        }
        return decision
    }

    /// Merges by the overlap rule; returns whether `effect` changed anything.
    private func merge(_ effect: FaultEffect, into merged: inout FaultEffect) -> Bool {
        var changed = false
        merged.headers += effect.headers
        if effect.delays != FaultEffect.Delays() {
            merged.delays = merged.delays + effect.delays
            changed = true
        }
        if let outcome = effect.outcome, merged.outcome == nil {
            merged.outcome = outcome
            changed = true
        }
        if let answer = effect.answer, merged.answer == nil {
            merged.answer = answer
            merged.quality = effect.quality
            changed = true
        }
        if let calls = effect.toolCalls, merged.toolCalls == nil {
            merged.toolCalls = calls
            changed = true
        }
        if effect.redactsThinking, !merged.redactsThinking {
            merged.redactsThinking = true
            changed = true
        }
        if let share = effect.thinkingShare, merged.thinkingShare == nil {
            merged.thinkingShare = share
            changed = true
        }
        return changed
    }

    /// Resets the state of stateful faults (token buckets).
    public func resetState() {
        for scheduled in faults {
            (scheduled.fault as? any StatefulFault)?.reset()
        }
    }
}
