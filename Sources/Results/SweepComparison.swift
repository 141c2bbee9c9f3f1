import ChaosCore

/// Two sweeps side by side, level by level (before and after a change): the knee,
/// goodput, p99, errors and cost of each, and which way each moved.
public enum SweepComparison {
    public static func markdown(_ a: SweepResult, _ b: SweepResult) -> String {
        var md = "# llmchaos sweep comparison\n\n"
        md += "- **A** `\(a.sweepID)` (\(a.scenario)): \(a.headline)\n"
        md += "- **B** `\(b.sweepID)` (\(b.scenario)): \(b.headline)\n\n"
        md += "Knee: \(a.knee?.label ?? "none") → \(b.knee?.label ?? "none") (\(kneeMove(a.knee, b.knee))).\n\n"
        md += "| level | SLO A | SLO B | goodput/s A | goodput/s B | p99 A | p99 B | errors A | errors B | $/answer A | $/answer B |\n"
        md += "|---|---|---|---|---|---|---|---|---|---|---|\n"
        let values = Set(a.levels.map(\.value)).union(b.levels.map(\.value)).sorted()
        for value in values {
            let left = a.levels.first { $0.value == value }, right = b.levels.first { $0.value == value }
            let label = (left ?? right)?.label ?? ""
            func cell(_ level: SweepLevel?, _ text: (SweepLevel) -> String) -> String { level.map(text) ?? "—" }
            let slo: (SweepLevel) -> String = { $0.meetsSLO ? "✅" : "❌" }
            md += "| \(label) | \(cell(left, slo)) | \(cell(right, slo)) "
            md += "| \(cell(left) { SweepText.number($0.goodput) }) | \(cell(right) { SweepText.number($0.goodput) }) "
            md += "| \(cell(left) { DurationText.format($0.p99) }) | \(cell(right) { DurationText.format($0.p99) }) "
            md += "| \(cell(left) { SweepText.percent($0.errorRate) }) | \(cell(right) { SweepText.percent($0.errorRate) }) "
            md += "| \(cell(left) { SweepText.dollars($0.costPerAnswer) }) | \(cell(right) { SweepText.dollars($0.costPerAnswer) }) |\n"
        }
        if a.dimension != b.dimension { md += "\nThe sweeps vary different things (\(a.dimension), \(b.dimension)): levels do not line up.\n" }
        return md
    }

    static func kneeMove(_ a: SweepLevel?, _ b: SweepLevel?) -> String {
        switch (a, b) {
        case let (a?, b?) where b.value > a.value: "B sustains more"
        case let (a?, b?) where b.value < a.value: "B sustains less"
        case (_?, _?): "unchanged"
        case (nil, _?): "only B meets the SLO at its lowest level"
        case (_?, nil): "only A meets the SLO at its lowest level"
        case (nil, nil): "neither meets the SLO at its lowest level"
        }
    }
}
