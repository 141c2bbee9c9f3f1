import ChaosCore
import Foundation

/// The run as SVG panels on one time axis: latency percentiles, error and fallback
/// rates, and tier shares, with fault windows shaded and alerts marked.
///
/// ```
///  latency  ▁▁▂▇█▇▂▁▁     ░ = a fault window
///  errors   ░░░▄▆▄░░░     │ = an alert firing (red) or resolving (green)
///  tiers    ███▓▓▓███
/// ```
enum SVGTimeline {
    static let width = 900.0
    static let left = 70.0
    static let right = 20.0
    static let panelHeight = 110.0
    static let gap = 28.0
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]

    static func render(_ log: RunLog) -> String {
        let series = TimeSeries(log)
        let end = max(log.info.duration.seconds, 0.001)
        let plotWidth = width - left - right
        func x(_ t: Duration) -> Double { left + min(1, max(0, t.seconds / end)) * plotWidth }
        let panels = 3
        let height = Double(panels) * (panelHeight + gap) + 30
        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="\##(Int(width))" height="\##(Int(height))" font-family="sans-serif" font-size="11">"##
        svg += ##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        let top = { (panel: Int) in Double(panel) * (panelHeight + gap) + 18 }
        // Fault windows behind everything, across all panels.
        for (index, fault) in log.phases.filter({ $0.kind == .fault }).enumerated() {
            let x0 = x(fault.start), x1 = x(fault.end)
            svg += ##"<rect class="fault" x="\##(f(x0))" y="14" width="\##(f(max(1, x1 - x0)))" height="\##(f(height - 44))" fill="#e15759" fill-opacity="0.10"><title>\##(esc(fault.name)) \##(DurationText.format(fault.start))–\##(DurationText.format(fault.end))</title></rect>"##
            svg += ##"<text x="\##(f(x0 + 3))" y="\##(11 + Double(index % 2) * 0)" fill="#a33">\##(esc(fault.name))</text>"##
        }
        // Panel 1: latency.
        let maxLatency = max(series.buckets.map(\.p99.seconds).max() ?? 0, 0.001)
        svg += panelFrame(top(0), title: "latency (p50, p99)", maxLabel: DurationText.format(.seconds(maxLatency)))
        svg += polyline(series, top: top(0), color: palette[0], x: x) { $0.requests == 0 ? nil : $0.p50.seconds / maxLatency }
        svg += polyline(series, top: top(0), color: palette[3], x: x) { $0.requests == 0 ? nil : $0.p99.seconds / maxLatency }
        // Panel 2: error and fallback rates.
        svg += panelFrame(top(1), title: "error rate (red), fallback rate (orange)", maxLabel: "100%")
        svg += polyline(series, top: top(1), color: palette[3], x: x) { $0.requests == 0 ? nil : Double($0.errors) / Double($0.requests) }
        svg += polyline(series, top: top(1), color: palette[1], x: x) { $0.requests == 0 ? nil : Double($0.fallbacks) / Double($0.requests) }
        // Panel 3: tier shares, stacked.
        let tiers = Array(Set(series.buckets.flatMap(\.servedBy.keys))).sorted()
        svg += panelFrame(top(2), title: "served by: " + tiers.enumerated().map { "\($0.element) (\(colorName($0.offset)))" }.joined(separator: ", "), maxLabel: "100%")
        let barWidth = plotWidth / Double(max(1, series.buckets.count))
        for bucket in series.buckets where bucket.requests > 0 {
            var y = top(2) + panelHeight
            for (index, tier) in tiers.enumerated() {
                let share = Double(bucket.servedBy[tier] ?? 0) / Double(bucket.requests)
                guard share > 0 else { continue }
                let h = share * panelHeight
                y -= h
                svg += ##"<rect x="\##(f(x(bucket.start)))" y="\##(f(y))" width="\##(f(barWidth))" height="\##(f(h))" fill="\##(palette[index % palette.count])"><title>\##(esc(tier)) \##(Int(share * 100))%</title></rect>"##
            }
        }
        // Alerts on top.
        for alert in log.alerts {
            let color = alert.state == .firing ? "#d62728" : "#2ca02c"
            svg += ##"<line class="alert" x1="\##(f(x(alert.at)))" x2="\##(f(x(alert.at)))" y1="14" y2="\##(f(height - 30))" stroke="\##(color)" stroke-width="1.5" stroke-dasharray="4 2"><title>\##(esc(alert.name)) \##(alert.state.rawValue) at \##(DurationText.format(alert.at))</title></line>"##
        }
        // Time axis.
        let axisY = height - 22
        svg += ##"<line x1="\##(f(left))" x2="\##(f(width - right))" y1="\##(f(axisY))" y2="\##(f(axisY))" stroke="#888"/>"##
        for tick in 0...6 {
            let t = Duration.seconds(end * Double(tick) / 6)
            svg += ##"<text x="\##(f(x(t)))" y="\##(f(axisY + 14))" text-anchor="middle" fill="#555">\##(DurationText.format(t))</text>"##
        }
        return svg + "</svg>"
    }

    static func panelFrame(_ top: Double, title: String, maxLabel: String) -> String {
        ##"<rect x="\##(f(left))" y="\##(f(top))" width="\##(f(width - left - right))" height="\##(f(panelHeight))" fill="none" stroke="#ccc"/>"##
            + ##"<text x="\##(f(left))" y="\##(f(top - 3))" fill="#333">\##(esc(title))</text>"##
            + ##"<text x="\##(f(left - 4))" y="\##(f(top + 10))" text-anchor="end" fill="#555">\##(esc(maxLabel))</text>"##
            + ##"<text x="\##(f(left - 4))" y="\##(f(top + panelHeight))" text-anchor="end" fill="#555">0</text>"##
    }

    static func polyline(_ series: TimeSeries, top: Double, color: String, x: (Duration) -> Double, value: (TimeSeries.Bucket) -> Double?) -> String {
        let points = series.buckets.compactMap { bucket -> String? in
            guard let v = value(bucket) else { return nil }
            return "\(f(x(bucket.start + series.width / 2))),\(f(top + panelHeight * (1 - min(1, max(0, v)))))"
        }
        guard !points.isEmpty else { return "" }
        return ##"<polyline fill="none" stroke="\##(color)" stroke-width="1.8" points="\##(points.joined(separator: " "))"/>"##
    }

    static func colorName(_ index: Int) -> String {
        ["blue", "orange", "green", "red", "teal", "yellow", "purple", "brown"][index % 8]
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
    static func esc(_ text: String) -> String { HTMLReport.escape(text) }
}
