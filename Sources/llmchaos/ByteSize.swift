import Foundation

/// A size given on the command line: `500MB`, `2GB`, `1.5GiB`, `4096`. The
/// decimal units are the API's own (its 500 MB file limit is 500,000,000 bytes).
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces).lowercased()
        let units: [String: Double] = [
            "": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        ]
        guard let value = Double(number), let scale = units[unit] else { return nil }
        let bytes = value * scale
        guard bytes.isFinite, bytes >= 1, bytes < Double(Int.max) else { return nil }
        return Int(bytes)
    }
}
