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
    /// The day (yyyy-MM-dd) whose API the mock plays: which models it still serves.
    public var apiDate: String?
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

/// `api_date: 2026-07-01`: a calendar day, checked.
public enum APIDate {
    /// The day as yyyy-MM-dd, or nil when `text` is not one.
    public static func parse(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 2000, (1...12).contains(month), (1...daysIn(month, year)).contains(day) else { return nil }
        return text
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
