import Workload

/// How much to trust an answer whose SQL already prepared against the schema:
///
/// ```
/// confidence = semantic × sanity
///   semantic: verification prompt says correct 1.0 · unknown or not asked 0.7 · incorrect 0.2
///   sanity:   1.0, × 0.6 for an empty result, × 0.5 for a negative amount or a runaway row count
/// ```
/// A tier whose answer scores under its `minConfidence` fails, and the next one is tried.
public struct Confidence: Sendable, Equatable {
    public var score: Double
    /// Why it is not 1, for the tier failure and the log.
    public var reasons: [String]

    static func of(semantic: JudgeVerdict.Kind?, rows: [[ResultValue]]?, columns: [String]) -> Confidence {
        var score: Double
        var reasons: [String] = []
        switch semantic {
        case .correct?: score = 1
        case .incorrect?: score = 0.2; reasons.append("semantic check: incorrect")
        case .unknown?, nil: score = 0.7
        }
        if let rows {
            if rows.isEmpty { score *= 0.6; reasons.append("empty result") }
            if rows.count >= 10_000 { score *= 0.5; reasons.append("runaway result (\(rows.count) rows)") }
            if let negative = Self.negativeAmount(rows, columns: columns) { score *= 0.5; reasons.append("negative \(negative)") }
        }
        return Confidence(score: score, reasons: reasons)
    }

    /// A column whose name says it is an amount (revenue, total, price, …) holding a
    /// value below zero: the data set has no refunds, so that is a wrong query.
    static func negativeAmount(_ rows: [[ResultValue]], columns: [String]) -> String? {
        let amountWords = ["revenue", "total", "price", "amount", "sales", "units", "quantity", "count"]
        for (index, name) in columns.enumerated() where amountWords.contains(where: name.lowercased().contains) {
            if rows.contains(where: { index < $0.count && { if case let .number(n) = $0[index] { n < 0 } else { false } }($0) }) {
                return name
            }
        }
        return nil
    }
}
