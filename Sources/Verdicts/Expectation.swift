import ChaosCore
import Scenario

/// One kind of `expect:` entry: reads its parameters from the scenario, and judges
/// a finished run from its ``RunLog`` alone: the same log always gets the same
/// verdict, so a stored run can be judged again and a hand-written log makes a
/// test exact.
public protocol Expectation: Sendable {
    /// The key in the scenario file, such as `fallback`.
    static var kind: String { get }
    /// Reads the parameters of one entry; nil (with every problem recorded) when
    /// they are wrong.
    init?(_ node: ConfigNode, problems: ProblemCollector)
    /// What must hold, in one line, as the report's title for this check.
    var summary: String { get }
    /// Faults the entry names, so the scenario can be checked for them before a run.
    var faultReferences: [FaultReference] { get }
    func judge(_ log: RunLog) -> Verdict
}

extension Expectation {
    public var faultReferences: [FaultReference] { [] }
}

/// A fault name an expectation refers to, where it is written.
public struct FaultReference: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) { self.name = name; self.location = location }
}
