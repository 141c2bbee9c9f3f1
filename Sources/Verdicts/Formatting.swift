import Foundation
import ChaosCore

/// Numbers as reports print them.
enum Format {
    static func percent(_ value: Double) -> String {
        let p = value * 100
        if p == p.rounded() { return "\(Int(p))%" }
        return String(format: "%.1f%%", p)
    }

    static func share(_ count: Int, of total: Int) -> String {
        "\(count) of \(total) (\(percent(total == 0 ? 0 : Double(count) / Double(total))))"
    }

    static func time(_ duration: Duration) -> String { DurationText.format(duration) }

    static func dollars(_ value: Double) -> String { String(format: "$%.4f", value) }
}

extension Format {
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
