import Foundation

/// Small SVG charts of a value per sweep level: levels evenly spaced along x (they
/// are usually a geometric series), the knee marked with a dashed line.
enum SweepChart {
    static let width = 420.0, height = 240.0
    static let left = 48.0, right = 12.0, top = 28.0, bottom = 62.0
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"]

    static func lines(title: String, labels: [String], knee: Int?, series: [(String, [Double])]) -> String {
        let top = series.flatMap(\.1).max() ?? 0
        var body = ""
        for (index, (name, values)) in series.enumerated() {
            let points = values.enumerated().map { "\(f(x($0.offset, labels.count))),\(f(y($0.element, top)))" }
            body += ##"<polyline fill="none" stroke="\##(colors[index % colors.count])" stroke-width="2" points="\##(points.joined(separator: " "))"/>"##
            for (i, value) in values.enumerated() {
                // The measured value on hover: the axis alone is too coarse to read it.
                body += ##"<circle cx="\##(f(x(i, labels.count)))" cy="\##(f(y(value, top)))" r="3" fill="\##(colors[index % colors.count])">"##
                body += "<title>\(HTMLReport.escape(name)) at \(HTMLReport.escape(labels[i])): \(SweepText.number(value))</title></circle>"
            }
        }
        return frame(title: title, labels: labels, knee: knee, top: top, series: series.map(\.0), body: body)
    }

    /// Shares that add up to one, stacked per level.
    static func stacked(title: String, labels: [String], knee: Int?, series: [(String, [Double])]) -> String {
        var body = ""
        let band = (width - left - right) / Double(max(1, labels.count))
        for i in labels.indices {
            var base = 0.0
            for (index, (name, values)) in series.enumerated() {
                let value = values[i]
                guard value > 0 else { continue }
                let y0 = y(base + value, 1), h = y(base, 1) - y0
                body += ##"<rect x="\##(f(x(i, labels.count) - band * 0.35))" y="\##(f(y0))" width="\##(f(band * 0.7))" height="\##(f(h))" fill="\##(colors[index % colors.count])">"##
                body += "<title>\(HTMLReport.escape(name)) at \(HTMLReport.escape(labels[i])): \(SweepText.percent(value))</title></rect>"
                base += value
            }
        }
        return frame(title: title, labels: labels, knee: knee, top: 1, series: series.map(\.0), body: body)
    }

    static func frame(title: String, labels: [String], knee: Int?, top: Double, series: [String], body: String) -> String {
        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" role="img" aria-label="\##(HTMLReport.escape(title))">"##
        svg += ##"<rect width="100%" height="100%" fill="#fff" stroke="#ddd"/>"##
        svg += ##"<text x="\##(f(left))" y="16" font-size="13" font-weight="600">\##(HTMLReport.escape(title))</text>"##
        svg += ##"<line x1="\##(f(left))" y1="\##(f(height - bottom))" x2="\##(f(width - right))" y2="\##(f(height - bottom))" stroke="#999"/>"##
        svg += ##"<text x="\##(f(left - 4))" y="\##(f(Self.top + 4))" font-size="10" text-anchor="end">\##(axis(top))</text>"##
        svg += ##"<text x="\##(f(left - 4))" y="\##(f(height - bottom))" font-size="10" text-anchor="end">0</text>"##
        for (i, label) in labels.enumerated() {
            svg += ##"<text x="\##(f(x(i, labels.count)))" y="\##(f(height - bottom + 14))" font-size="10" text-anchor="middle">\##(HTMLReport.escape(label.replacingOccurrences(of: " concurrent", with: "")))</text>"##
        }
        svg += body   // under the knee line, so bars do not hide it
        if let knee {
            let kx = x(knee, labels.count)
            svg += ##"<line x1="\##(f(kx))" y1="\##(f(Self.top))" x2="\##(f(kx))" y2="\##(f(height - bottom))" stroke="#2a2" stroke-dasharray="4 3"/>"##
            svg += ##"<text x="\##(f(kx + 3))" y="\##(f(Self.top + 10))" font-size="10" fill="#2a2">knee</text>"##
        }
        // Three to a row: a model name is about 90 px wide at this size.
        for (index, name) in series.enumerated() {
            let lx = left + Double(index % 3) * 120
            let ly = height - 26 + Double(index / 3) * 14
            svg += ##"<rect x="\##(f(lx))" y="\##(f(ly - 8))" width="10" height="10" fill="\##(colors[index % colors.count])"/><text x="\##(f(lx + 14))" y="\##(f(ly + 1))" font-size="10">\##(HTMLReport.escape(name))</text>"##
        }
        return svg + "</svg>"
    }

    static func x(_ index: Int, _ count: Int) -> Double {
        let band = (width - left - right) / Double(max(1, count))
        return left + band * (Double(index) + 0.5)
    }

    static func y(_ value: Double, _ top: Double) -> Double {
        let plot = height - Self.top - bottom
        return height - bottom - (top > 0 ? min(1, max(0, value / top)) : 0) * plot
    }

    static func axis(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(format: value >= 1 ? "%.1f" : "%.3g", value)
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
