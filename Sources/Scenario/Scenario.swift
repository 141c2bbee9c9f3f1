import ChaosCore

/// A scenario file, read and checked: the weather (faults), the traffic (load), who
/// is under test (target) and what must hold (expect). See `SCENARIOS.md`.
///
/// `target`, `pipeline`, `load` and `expect` are kept as written: the modules that
/// run and judge them (`Harness`, `Load`, `Verdicts`) read and check them.
public struct Scenario: Sendable {
    public var file: String
    public var name: String
    public var description: String?
    public var seed: UInt64
    public var duration: Duration?
    public var timeScale: Double
    public var faults: [FaultSpec]
    public var target: ConfigNode?
    public var pipeline: ConfigNode?
    public var load: ConfigNode?
    public var expectations: [ConfigNode]

    public init(
        file: String = "<code>", name: String, description: String? = nil, seed: UInt64 = 0,
        duration: Duration? = nil, timeScale: Double = 1, faults: [FaultSpec] = [],
        target: ConfigNode? = nil, pipeline: ConfigNode? = nil, load: ConfigNode? = nil, expectations: [ConfigNode] = []
    ) {
        self.file = file; self.name = name; self.description = description; self.seed = seed
        self.duration = duration; self.timeScale = timeScale; self.faults = faults; self.target = target
        self.pipeline = pipeline; self.load = load; self.expectations = expectations
    }
}
